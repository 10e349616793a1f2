# Terraform has no client-side state encryption: keep state in a backend
# that encrypts it at rest and lets only those who may remove the Items read
# it. Here, S3 with a customer-managed KMS key (the reader also needs
# kms:Decrypt on it) and S3-native locking (Terraform 1.10 or later; older
# versions lock with dynamodb_table).
#
#   export TF_VAR_plaid_access_token=...   # from your secret store
#   terraform init && terraform apply

terraform {
  required_providers {
    plaid = {
      source = "ledgerline/plaid"
    }
  }

  backend "s3" {
    bucket       = "example-terraform-state"
    key          = "plaid/items.tfstate"
    region       = "us-east-1"
    encrypt      = true
    kms_key_id   = "arn:aws:kms:us-east-1:111122223333:key/0b6f2b1e-0000-4000-8000-000000000000"
    use_lockfile = true
  }
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
