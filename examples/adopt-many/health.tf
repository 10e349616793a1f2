# Each adopted Item's health, read by the refresh Terraform makes anyway: no
# request beyond one /item/get per Item per plan, and none at all with
# `terraform plan -refresh=false` (which shows the health last recorded).

locals {
  # The labels of the Items that need attention, each with why.
  plaid_items_needing_attention = sort(concat(
    [for label, item in plaid_item.adopted : "${label} (${item.error_code})" if item.error_code != null],
    [for label, item in plaid_item.adopted : "${label} (consent expires ${item.consent_expiration_time})"
    if item.consent_expiration_time == null ? false : timecmp(item.consent_expiration_time, timeadd(plantimestamp(), "720h")) < 0],
  ))
}

# A failed check is a warning: the plan and apply go on, and it names the
# Items whose users must go through Link's update mode.
check "plaid_items_healthy" {
  assert {
    condition     = length(local.plaid_items_needing_attention) == 0
    error_message = "Plaid Items needing attention: ${join(", ", local.plaid_items_needing_attention)}."
  }
}

output "plaid_item_errors" {
  description = "Each adopted Item's error_code by label, such as ITEM_LOGIN_REQUIRED; null when healthy."
  value       = { for label, item in plaid_item.adopted : label => item.error_code }
}
