variable "plaid_access_token" {
  type      = string
  sensitive = true
}

# Read an Item this configuration does not manage: its institution, products
# and status, and its health. (For Items a plaid_item or plaid_sandbox_item
# manages, read error_code on the resource: it costs no request.)
data "plaid_item" "example" {
  access_token = var.plaid_access_token
}

output "item_needs_login" {
  value = data.plaid_item.example.error_code == "ITEM_LOGIN_REQUIRED"
}

output "institution_name" {
  value = data.plaid_item.example.institution_name
}
