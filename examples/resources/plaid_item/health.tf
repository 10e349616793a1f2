# The Item's health is on the resource, read by the refresh Terraform makes
# anyway: error_code is null while the Item is healthy.
output "item_needs_login" {
  value = plaid_item.example.error_code == "ITEM_LOGIN_REQUIRED"
}

output "consent_expires" {
  value = plaid_item.example.consent_expiration_time
}

# The rest of what Plaid says of the Item (institution, products, status) is
# on the plaid_item data source: one more /item/get per plan, and its bytes in
# state, so read it where it is used.
data "plaid_item" "example" {
  access_token = plaid_item.example.access_token
}

output "institution_name" {
  value = data.plaid_item.example.institution_name
}
