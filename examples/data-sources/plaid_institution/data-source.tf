data "plaid_institution" "platypus" {
  institution_id = "ins_109508"
  country_codes  = ["US"]
}

output "institution" {
  value = {
    name     = data.plaid_institution.platypus.name
    oauth    = data.plaid_institution.platypus.oauth
    products = data.plaid_institution.platypus.products
    status   = data.plaid_institution.platypus.status
  }
}
