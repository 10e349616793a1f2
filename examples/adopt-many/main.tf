# Adopt many existing Plaid Items at once and remove them all with one
# `terraform destroy`.
#
# The tokens come from a sensitive variable (for example TF_VAR_access_tokens
# set by CI from a secret store); the map keys are labels you choose, and
# they are not sensitive, so plans stay readable.
#
# Credentials come from PLAID_CLIENT_ID and PLAID_SECRET; PLAID_BASE_URL
# points the provider at the emulator when testing.

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

variable "access_tokens" {
  description = "Access tokens to adopt, keyed by a label of your choice."
  type        = map(string)
  sensitive   = true
}

resource "plaid_item" "adopted" {
  # nonsensitive() on the keys only: the labels show in plans, the tokens never do.
  #
  # WARNING: a label is part of the Item's address. Renaming one (checking to
  # chequing) destroys the old instance, which removes the Item at Plaid for
  # good, unless a moved block says it is the same Item:
  #   moved {
  #     from = plaid_item.adopted["checking"]
  #     to   = plaid_item.adopted["chequing"]
  #   }
  # The provider refuses a plan that would remove an Item it also adopts.
  for_each = toset(nonsensitive(keys(var.access_tokens)))

  access_token        = var.access_tokens[each.key]
  removal_reason_code = "OTHER"
  removal_reason_note = "sandbox environment torn down by terraform"
}

output "item_ids" {
  description = "The adopted Items' ids, by label."
  value       = { for label, item in plaid_item.adopted : label => item.item_id }
}
