# A helper for tests/fixtures.tftest.hcl: puts an Item into
# ITEM_LOGIN_REQUIRED with Plaid's /sandbox/item/reset_login, as when a
# user's bank signs them out. It reads PLAID_BASE_URL (Plaid's sandbox when
# unset), PLAID_CLIENT_ID and PLAID_SECRET like the provider, so it works
# against the emulator and against Plaid's sandbox. Needs sh and curl; the
# token and the secret reach curl on its standard input, never its command
# line.

variable "access_token" {
  description = "The access token of the Item to reset."
  type        = string
  sensitive   = true
}

resource "terraform_data" "reset_login" {
  provisioner "local-exec" {
    command = <<-EOT
      printf '{"client_id":"%s","secret":"%s","access_token":"%s"}' "$PLAID_CLIENT_ID" "$PLAID_SECRET" "$ACCESS_TOKEN" |
        curl --fail --silent --show-error -X POST -H 'Content-Type: application/json' --data-binary @- \
          "$${PLAID_BASE_URL:-https://sandbox.plaid.com}/sandbox/item/reset_login" >/dev/null
    EOT
    environment = {
      ACCESS_TOKEN = var.access_token
    }
  }
}
