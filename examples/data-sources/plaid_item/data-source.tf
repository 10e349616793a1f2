variable "plaid_access_token" {
  type      = string
  sensitive = true
}

# Read an Item without managing it, for example to check its health.
data "plaid_item" "example" {
  access_token = var.plaid_access_token
}

output "item_needs_login" {
  value = data.plaid_item.example.error_code == "ITEM_LOGIN_REQUIRED"
}
