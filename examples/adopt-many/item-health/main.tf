# One adopted Item's health check, called once per Item by ../health.tf.
#
# A check of its own per Item is what keeps one Item from hiding the others:
# Terraform evaluates each check on its own, so an Item whose health is
# known only after apply (one being adopted, such as a revoked Item whose
# token is still configured) leaves every other Item's check as it was.
# A single check over all Items would be unknown as a whole until the apply.

variable "label" {
  description = "The Item's key in plaid_item.adopted, which names it in the warning."
  type        = string
  nullable    = false
}

variable "error_code" {
  description = "The Item's error_code: null while it is healthy."
  type        = string
}

variable "consent_expiration_time" {
  description = "When the Item's consent expires (RFC 3339), or null."
  type        = string
}

locals {
  # Why this Item needs attention: empty while it needs none.
  reasons = compact([
    var.error_code,
    var.consent_expiration_time == null ? "" : (
      timecmp(var.consent_expiration_time, timeadd(plantimestamp(), "720h")) < 0
      ? "consent expires ${var.consent_expiration_time}" : ""
    ),
  ])
}

# A failed check is a warning: the plan and apply go on, and it names the
# Item whose user must go through Link's update mode.
check "plaid_item_healthy" {
  assert {
    # var.label is in the condition so that Terraform's warning names the
    # Item when its health is known only after apply.
    condition     = var.label != "" && length(local.reasons) == 0
    error_message = "Plaid Item needing attention: ${var.label} (${join(", ", local.reasons)})."
  }
}
