# A CI fixture for a webhook receiver, driven by Terraform 1.14 or later
# (actions; OpenTofu has none): create a sandbox Item whose webhook is the
# receiver under test, make Plaid fire USER_PERMISSION_REVOKED at it right
# after the Item is created, and remove the Item on destroy.
#
#   terraform apply -var webhook_receiver_url=http://127.0.0.1:8081/plaid
#   # ... check what the receiver did ...
#   terraform apply -invoke=action.plaid_sandbox_item_fire_webhook.permission_revoked   # again
#   terraform apply -invoke=action.plaid_sandbox_item_reset_login.fixture   # on demand
#   terraform destroy
#
# Against the bundled emulator (PLAID_BASE_URL=http://127.0.0.1:8080), as
# the webhook-receiver job of examples/ci/github-actions-from-source.yml
# does, or Plaid's sandbox.

terraform {
  required_version = ">= 1.14"
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "webhook_receiver_url" {
  type        = string
  description = "Where your application receives Plaid webhooks in this test."
}

resource "plaid_sandbox_item" "fixture" {
  webhook = var.webhook_receiver_url

  lifecycle {
    action_trigger {
      events  = [after_create]
      actions = [action.plaid_sandbox_item_fire_webhook.after_create]
    }
  }
}

# Fired by the lifecycle above, right after the Item is created.
action "plaid_sandbox_item_fire_webhook" "after_create" {
  config {
    # Sensitive in the resource, so Terraform keeps it out of the plan.
    access_token = plaid_sandbox_item.fixture.access_token
    webhook_code = "USER_PERMISSION_REVOKED"
  }
}

# The same webhook again, on demand:
#   terraform apply -invoke=action.plaid_sandbox_item_fire_webhook.permission_revoked
# (Terraform 1.16 cannot -invoke an action that a resource's action_trigger
# also runs and that refers to that resource, hence a second block.)
action "plaid_sandbox_item_fire_webhook" "permission_revoked" {
  config {
    access_token = plaid_sandbox_item.fixture.access_token
    webhook_code = "USER_PERMISSION_REVOKED"
  }
}

# Only run on demand (-invoke): puts the Item in ITEM_LOGIN_REQUIRED.
action "plaid_sandbox_item_reset_login" "fixture" {
  config {
    access_token = plaid_sandbox_item.fixture.access_token
  }
}

output "item_id" {
  value = plaid_sandbox_item.fixture.item_id
}
