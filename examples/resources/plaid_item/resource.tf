variable "plaid_access_token" {
  description = "An existing Item's access token, for example from TF_VAR_plaid_access_token."
  type        = string
  sensitive   = true
}

# Adopt the Item: apply checks the token with /item/get and records the Item.
# Destroy offboards it with /item/products/terminate, Plaid's recommended call
# for that, sending the reason below. Leave removal_method out to destroy with
# /item/remove instead (removal_reason_code then takes /item/remove's codes).
resource "plaid_item" "example" {
  access_token = var.plaid_access_token

  removal_method      = "terminate"
  removal_reason_code = "CONSUMER_ACCOUNT_CLOSED"
  removal_reason_note = "offboarding: customer closed their account"
}

output "item_id" {
  value = plaid_item.example.item_id
}
