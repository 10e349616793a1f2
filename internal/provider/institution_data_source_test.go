package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
)

// The data source reads sandbox institutions by id: in the default country
// (US) and in the one configured, with OAuth as Plaid says.
func TestAccInstitutionDataSource_readsInstitutions(t *testing.T) {
	tg := acctest.NewTarget(t)
	bank, oauthBank := "data.plaid_institution.bank", "data.plaid_institution.oauth"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + `
data "plaid_institution" "bank" {
  institution_id = "ins_109508"
}

data "plaid_institution" "oauth" {
  institution_id = "ins_117650"
  country_codes  = ["GB"]
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(bank, tfjsonpath.New("id"), knownvalue.StringExact("ins_109508")),
				statecheck.ExpectKnownValue(bank, tfjsonpath.New("name"), knownvalue.StringExact("First Platypus Bank")),
				statecheck.ExpectKnownValue(bank, tfjsonpath.New("country_codes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("US")})),
				statecheck.ExpectKnownValue(bank, tfjsonpath.New("oauth"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(bank, tfjsonpath.New("products"), knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact("transactions")})),
				statecheck.ExpectKnownValue(oauthBank, tfjsonpath.New("name"), knownvalue.StringExact("Royal Bank of Plaid")),
				statecheck.ExpectKnownValue(oauthBank, tfjsonpath.New("country_codes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("GB")})),
				statecheck.ExpectKnownValue(oauthBank, tfjsonpath.New("oauth"), knownvalue.Bool(true)),
			},
		}},
	})
}

// An id Plaid does not know fails on institution_id, naming it.
func TestAccInstitutionDataSource_unknownInstitution(t *testing.T) {
	tg := acctest.NewTarget(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      tg.ProviderConfig() + `data "plaid_institution" "x" { institution_id = "ins_0" }`,
			ExpectError: regexp.MustCompile(`(?s)No Such Plaid Institution.*"ins_0"`),
		}},
	})
}
