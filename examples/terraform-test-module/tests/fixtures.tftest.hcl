# Run with the provider pointed at the emulator (or Plaid's sandbox), after
# `make install` in the provider's clone (or its release zip unpacked into
# the same ~/.terraform.d/plugins mirror, as ../ci/github-actions.yml does):
#   terraform init
#   PLAID_BASE_URL=http://127.0.0.1:8080 PLAID_CLIENT_ID=emulator-client-id \
#   PLAID_SECRET=emulator-secret terraform test
# `terraform test` needs Terraform 1.6 or later (or OpenTofu).
# `terraform test` destroys what each run created, which removes the Items.

run "creates_the_requested_items" {
  command = apply

  variables {
    item_count = 3
  }

  assert {
    condition     = length(output.item_ids) == 3
    error_message = "expected three sandbox Items"
  }

  assert {
    condition     = alltrue([for t in plaid_sandbox_item.this[*].access_token : startswith(t, "access-sandbox-")])
    error_message = "every Item should have a sandbox access token"
  }

  assert {
    condition     = output.institution_name == "First Platypus Bank"
    error_message = "the default institution is First Platypus Bank"
  }
}

run "sets_the_webhook_in_place" {
  command = apply

  variables {
    item_count = 3
    webhook    = "https://hooks.example.com/plaid"
  }

  assert {
    condition     = alltrue([for i in plaid_sandbox_item.this : i.webhook == "https://hooks.example.com/plaid"])
    error_message = "every Item should carry the webhook"
  }

  assert {
    condition     = alltrue([for code in output.item_errors : code == null])
    error_message = "fresh sandbox Items are healthy"
  }
}

# /sandbox/item/reset_login, through a helper module, signs the first Item
# out, as its bank would.
run "signs_out_the_first_item" {
  command = apply

  module {
    source = "./tests/reset-login"
  }

  variables {
    access_token = run.sets_the_webhook_in_place.access_tokens[0]
  }
}

# The next plan shows it: the refresh reads each Item's health, with no
# request beyond that refresh, and the Item in error fails nothing.
run "shows_the_item_needing_login" {
  command = plan

  variables {
    item_count = 3
    webhook    = "https://hooks.example.com/plaid"
  }

  assert {
    condition     = output.item_errors[0] == "ITEM_LOGIN_REQUIRED" && output.item_errors[1] == null && output.item_errors[2] == null
    error_message = "the first Item needs login, the others are healthy"
  }
}

run "refuses_too_many_items" {
  command = plan

  variables {
    item_count = 500
  }

  expect_failures = [var.item_count]
}
