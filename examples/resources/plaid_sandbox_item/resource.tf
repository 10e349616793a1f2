# A fresh sandbox Item for a test, removed again on destroy with the default
# removal_method, /item/remove.
resource "plaid_sandbox_item" "example" {
  institution_id              = "ins_109508" # First Platypus Bank (the default)
  initial_products            = ["auth", "transactions"]
  transactions_days_requested = 30
  webhook                     = "https://example.com/plaid/webhooks"

  removal_reason_code = "OTHER"
  removal_reason_note = "test fixture"
}

output "sandbox_item_id" {
  value = plaid_sandbox_item.example.item_id
}
