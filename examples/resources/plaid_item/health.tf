# What Plaid says of the Item (its health, institution and products) is read
# with the plaid_item data source and the same token; the resource keeps only
# what it manages. Each read is one /item/get per plan.
data "plaid_item" "example" {
  access_token = plaid_item.example.access_token
}

output "item_needs_login" {
  value = data.plaid_item.example.error_code == "ITEM_LOGIN_REQUIRED"
}

output "institution_name" {
  value = data.plaid_item.example.institution_name
}
