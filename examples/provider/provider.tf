# Credentials are best left to the environment:
#   export PLAID_CLIENT_ID=...   PLAID_SECRET=...   PLAID_ENV=sandbox
provider "plaid" {
  environment = "sandbox"
}

# Against the bundled emulator (make emulator), or any proxy in front of Plaid:
provider "plaid" {
  alias     = "emulator"
  base_url  = "http://127.0.0.1:8080"
  client_id = "emulator-client-id"
  # secret from PLAID_SECRET (the emulator's default is emulator-secret)
}
