package provider

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

const itemDataSourceConfig = `
data "plaid_item" "read" {
  access_token = var.plaid_token
}
`

func stringSet(values ...string) knownvalue.Check {
	checks := make([]knownvalue.Check, len(values))
	for i, v := range values {
		checks[i] = knownvalue.StringExact(v)
	}
	return knownvalue.SetExact(checks)
}

// readItemDataSource reads the Item behind the token variable with the data
// source, and checks the result.
func readItemDataSource(t *testing.T, tg *acctest.Target, checks ...statecheck.StateCheck) {
	t.Helper()
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps:                    []resource.TestStep{{Config: tg.ProviderConfig() + itemDataSourceConfig, ConfigStateChecks: checks}},
	})
}

// The data source shows what /item/get says of an Item linked outside
// Terraform, product sets included, with id the item_id.
func TestAccItemDataSource_readsTheItem(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	webhook := "https://hooks.example.com/plaid"
	item := e.Seed(emulator.SeedOptions{InstitutionID: "ins_109509", Products: []string{"auth", "transactions"}, Webhook: webhook})
	tg.UseToken(t, item.AccessToken)
	read := "data.plaid_item.read"
	readItemDataSource(t, tg,
		statecheck.ExpectKnownValue(read, tfjsonpath.New("id"), knownvalue.StringExact(item.ItemID)),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("item_id"), knownvalue.StringExact(item.ItemID)),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("institution_id"), knownvalue.StringExact("ins_109509")),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("institution_name"), knownvalue.StringExact("First Gingham Credit Union")),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("webhook"), knownvalue.StringExact(webhook)),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("error_code"), knownvalue.Null()),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("products"), stringSet("auth", "transactions")),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("billed_products"), stringSet("auth", "transactions")),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("consented_products"), stringSet("auth", "transactions")),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("available_products"), knownvalue.NotNull()),
	)
}

// The data source shows what /item/get says about the Item's status, and
// its health through error_code.
func TestAccItemDataSource_statusAndLoginRequired(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	if err := e.ResetLogin(item.ItemID); err != nil {
		t.Fatal(err)
	}
	read := "data.plaid_item.read"
	readItemDataSource(t, tg,
		statecheck.ExpectKnownValue(read, tfjsonpath.New("id"), knownvalue.StringExact(item.ItemID)),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("error_code"), knownvalue.StringExact("ITEM_LOGIN_REQUIRED")),
		statecheck.ExpectKnownValue(read, tfjsonpath.New("status").AtMapKey("last_webhook_code"), knownvalue.Null()),
	)
}

// Nothing can be read of a removed Item, of a token Plaid does not know, or
// of a token of the other environment: each fails, saying which.
func TestAccItemDataSource_errors(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	gone := tg.NewItem(t)
	if err := e.Revoke(gone.ItemID); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ config, want string }{
		"removed item":      {itemDataSourceConfig, `Plaid Item No Longer Exists`},
		"unknown token":     {`data "plaid_item" "x" { access_token = "access-sandbox-00000000-0000-0000-0000-000000000000" }`, `Plaid Rejected the Access Token.*Reading the Item with /item/get failed`},
		"other environment": {`data "plaid_item" "x" { access_token = "access-production-00000000-0000-0000-0000-000000000000" }`, `Access Token From Another\s+Environment`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: tg.ProviderConfig() + tc.config, ExpectError: regexp.MustCompile(`(?s)` + tc.want)}},
			})
		})
	}
}
