# Terraform 1.5+: import with a block. The id names an environment variable
# holding the token, because Terraform prints import IDs in clear text.
import {
  to = plaid_item.example
  id = "env:PLAID_ACCESS_TOKEN"
}
