# OpenTofu (1.8 or later) encrypts state and saved plans on the client, so
# the access tokens that destroy needs are ciphertext wherever the state is
# stored. Terraform cannot parse the encryption block: CI checks this
# example with OpenTofu only (tofu validate, and an apply and destroy
# against the emulator whose state file must not hold the token).
#
#   export TF_VAR_state_passphrase=...      # from your secret store
#   export TF_VAR_plaid_access_token=...    # likewise
#   tofu init && tofu apply
#
# For production, prefer a key provider backed by a KMS (aws_kms, gcp_kms,
# openbao) over a passphrase; the method and state blocks stay the same.

terraform {
  required_providers {
    plaid = {
      source = "ledgerline/plaid"
    }
  }

  encryption {
    key_provider "pbkdf2" "state" {
      passphrase = var.state_passphrase
    }

    method "aes_gcm" "state" {
      keys = key_provider.pbkdf2.state
    }

    # enforced: refuse to read or write unencrypted state or plans.
    state {
      method   = method.aes_gcm.state
      enforced = true
    }

    plan {
      method   = method.aes_gcm.state
      enforced = true
    }
  }
}

variable "state_passphrase" {
  description = "Passphrase the state key is derived from (16 characters or more)."
  type        = string
  sensitive   = true
}

variable "plaid_access_token" {
  description = "The Item's access token."
  type        = string
  sensitive   = true
}

provider "plaid" {}

resource "plaid_item" "example" {
  access_token        = var.plaid_access_token
  removal_reason_code = "OTHER"
}
