# A small module that gives a test suite its Plaid fixtures: sandbox Items
# at one institution, with their webhook pointing at the suite's receiver.
# tests/fixtures.tftest.hcl tests it with `terraform test` against the
# emulator (see ../ci/github-actions.yml). `terraform init` finds the
# provider after `make install` in the provider's clone; no CLI
# configuration is needed.

terraform {
  required_providers {
    plaid = {
      source = "ledgerline/plaid"
    }
  }
}

variable "item_count" {
  description = "How many sandbox Items to create (1 to 50)."
  type        = number
  default     = 2

  validation {
    condition     = var.item_count >= 1 && var.item_count <= 50
    error_message = "item_count must be between 1 and 50: a test suite rarely needs more, and Plaid rate-limits creation."
  }
}

variable "institution_id" {
  description = "The sandbox institution for every Item."
  type        = string
  default     = "ins_109508"
}

variable "webhook" {
  description = "Where Plaid sends the Items' webhooks; null for none."
  type        = string
  default     = null
}

data "plaid_institution" "this" {
  institution_id = var.institution_id
}

resource "plaid_sandbox_item" "this" {
  count = var.item_count

  institution_id      = var.institution_id
  initial_products    = ["transactions"]
  webhook             = var.webhook
  removal_reason_code = "OTHER"
  removal_reason_note = "terraform test fixture"
}

output "institution_name" {
  value = data.plaid_institution.this.name
}

output "item_ids" {
  value = plaid_sandbox_item.this[*].item_id
}

# Each Item's health, read by the refresh Terraform makes anyway: null while
# healthy, ITEM_LOGIN_REQUIRED when its user must log in again.
output "item_errors" {
  value = plaid_sandbox_item.this[*].error_code
}

output "access_tokens" {
  value     = plaid_sandbox_item.this[*].access_token
  sensitive = true
}
