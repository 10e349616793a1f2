# Read the token from an environment variable, so that it never appears in
# Terraform's output ("Preparing import... [id=...]") or your shell history:
export PLAID_ACCESS_TOKEN="access-sandbox-..."
terraform import plaid_item.example env:PLAID_ACCESS_TOKEN

# The token itself is accepted too, with a warning: Terraform prints import IDs
# in clear text, even when they come from a sensitive variable.
terraform import plaid_item.example "$PLAID_ACCESS_TOKEN"
