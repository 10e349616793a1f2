# A disposable sandbox environment: N sandbox Items for a test run, all
# removed with one `terraform destroy`. An Item that is already gone (its
# owner revoked it, or a test removed it) does not break the teardown.
#
#   PLAID_CLIENT_ID=... PLAID_SECRET=... terraform apply -var items=25
#   terraform destroy -var items=25

terraform {
  required_providers {
    plaid = {
      source = "ledgerline/plaid"
    }
  }
}

provider "plaid" {
  environment = "sandbox"
}

variable "items" {
  description = "How many sandbox Items to create."
  type        = number
  default     = 10
}

variable "institution_id" {
  description = "The sandbox institution to connect them to."
  type        = string
  default     = "ins_109508"
}

resource "plaid_sandbox_item" "fixture" {
  count = var.items

  institution_id      = var.institution_id
  initial_products    = ["transactions"]
  removal_reason_code = "OTHER"
  removal_reason_note = "sandbox environment torn down"
}

output "item_ids" {
  value = plaid_sandbox_item.fixture[*].item_id
}

output "access_tokens" {
  description = "For the tests that use the Items; shown only with terraform output -json."
  value       = plaid_sandbox_item.fixture[*].access_token
  sensitive   = true
}
