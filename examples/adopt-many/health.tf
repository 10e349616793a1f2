# Each adopted Item's health, read by the refresh Terraform makes anyway: no
# request beyond one /item/get per Item per plan, and none at all with
# `terraform plan -refresh=false` (which shows the health last recorded).

# One check per Item (./item-health), each naming its Item by label when it
# needs attention. An Item whose health the plan cannot know yet (one being
# adopted) holds back its own check only.
module "plaid_item_health" {
  source   = "./item-health"
  for_each = plaid_item.adopted

  label                   = each.key
  error_code              = each.value.error_code
  consent_expiration_time = each.value.consent_expiration_time
}

output "plaid_item_errors" {
  description = "Each adopted Item's error_code by label, such as ITEM_LOGIN_REQUIRED; null when healthy."
  value       = { for label, item in plaid_item.adopted : label => item.error_code }
}
