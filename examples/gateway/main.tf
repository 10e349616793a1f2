terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "gateway_url" {
  description = "The gateway's address: https, or http to a loopback address for tests."
  type        = string
}

variable "gateway_key" {
  description = "The gateway's own key (not a Plaid credential), for example from TF_VAR_gateway_key."
  type        = string
  sensitive   = true
}

# No client_id and no secret: the gateway at base_url injects them, so the
# Plaid secret never reaches Terraform, its environment or its logs.
provider "plaid" {
  gateway  = true
  base_url = var.gateway_url
  gateway_headers = {
    "X-Gateway-Key" = var.gateway_key
  }
}
