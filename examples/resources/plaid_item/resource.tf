variable "plaid_access_token" {
  description = "An existing Item's access token, for example from TF_VAR_plaid_access_token."
  type        = string
  sensitive   = true
}

# Adopt the Item: apply checks the token with /item/get and records the Item.
# Destroy removes it with /item/remove, sending the reason below.
resource "plaid_item" "example" {
  access_token = var.plaid_access_token

  removal_reason_code = "CONNECTION_IS_NON_FUNCTIONAL"
  removal_reason_note = "offboarding: customer closed their account"
}

output "item_id" {
  value = plaid_item.example.item_id
}
