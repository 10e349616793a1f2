package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/compare"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
)

func sandboxItemConfig(tg *acctest.Target, extra string) string {
	return tg.ProviderConfig() + `
resource "plaid_sandbox_item" "test" {
  initial_products            = ["auth", "transactions"]
  transactions_days_requested = 30
  override_username           = "user_good"
  override_password           = "pass_good"
  removal_reason_code         = "OTHER"
` + extra + `
}
`
}

// A sandbox Item is created, read, given a webhook in place, read by both
// data sources, and removed on destroy with the configured reason.
func TestAccSandboxItem_lifecycleAndDataSources(t *testing.T) {
	tg := acctest.NewTarget(t)
	item := "plaid_sandbox_item.test"
	webhook := "https://hooks.example.com/plaid"
	var firstItemID string

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_sandbox_item"),
		Steps: []resource.TestStep{
			{
				Config: sandboxItemConfig(tg, ""),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(item, tfjsonpath.New("access_token"), knownvalue.StringRegexp(regexp.MustCompile(`^access-sandbox-`))),
					statecheck.ExpectKnownValue(item, tfjsonpath.New("institution_id"), knownvalue.StringExact("ins_109508")),
					statecheck.ExpectKnownValue(item, tfjsonpath.New("institution_name"), knownvalue.StringExact("First Platypus Bank")),
					statecheck.ExpectKnownValue(item, tfjsonpath.New("webhook"), knownvalue.Null()),
					statecheck.CompareValuePairs(item, tfjsonpath.New("id"), item, tfjsonpath.New("item_id"), compare.ValuesSame()),
				},
			},
			{
				Config: sandboxItemConfig(tg, fmt.Sprintf("  webhook = %q", webhook)),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(item, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue(item, tfjsonpath.New("webhook"), knownvalue.StringExact(webhook))},
			},
			{
				Config: sandboxItemConfig(tg, fmt.Sprintf("  webhook = %q", webhook)) + `
data "plaid_item" "read" {
  access_token = plaid_sandbox_item.test.access_token
}

data "plaid_institution" "bank" {
  institution_id = plaid_sandbox_item.test.institution_id
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.CompareValuePairs("data.plaid_item.read", tfjsonpath.New("item_id"), item, tfjsonpath.New("item_id"), compare.ValuesSame()),
					statecheck.ExpectKnownValue("data.plaid_item.read", tfjsonpath.New("webhook"), knownvalue.StringExact(webhook)),
					statecheck.ExpectKnownValue("data.plaid_item.read", tfjsonpath.New("error_code"), knownvalue.Null()),
					statecheck.ExpectKnownValue("data.plaid_item.read", tfjsonpath.New("products"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("auth"), knownvalue.StringExact("transactions")})),
					statecheck.ExpectKnownValue("data.plaid_item.read", tfjsonpath.New("billed_products"), knownvalue.SetExact([]knownvalue.Check{knownvalue.StringExact("auth"), knownvalue.StringExact("transactions")})),
					statecheck.ExpectKnownValue("data.plaid_institution.bank", tfjsonpath.New("name"), knownvalue.StringExact("First Platypus Bank")),
					statecheck.ExpectKnownValue("data.plaid_institution.bank", tfjsonpath.New("country_codes"), knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("US")})),
					statecheck.ExpectKnownValue("data.plaid_institution.bank", tfjsonpath.New("oauth"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue("data.plaid_institution.bank", tfjsonpath.New("products"), knownvalue.SetPartial([]knownvalue.Check{knownvalue.StringExact("transactions")})),
				},
				Check: func(s *terraform.State) error {
					firstItemID = s.RootModule().Resources[item].Primary.Attributes["item_id"]
					return nil
				},
			},
			{
				// Another institution is another Item: replaced, and the
				// old one removed.
				Config: sandboxItemConfig(tg, `  institution_id = "ins_109509"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(item, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(item, tfjsonpath.New("institution_name"), knownvalue.StringExact("First Gingham Credit Union")),
				},
				Check: func(s *terraform.State) error {
					if tg.Emulator == nil {
						return nil
					}
					if st := tg.Emulator.Item(firstItemID); !st.Removed || st.RemoveCount != 1 {
						return fmt.Errorf("the replaced Item: %+v, want removed once", st)
					}
					return nil
				},
			},
		},
	})
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
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config: tg.ProviderConfig() + `
data "plaid_item" "read" {
  access_token = var.plaid_token
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.plaid_item.read", tfjsonpath.New("id"), knownvalue.StringExact(item.ItemID)),
				statecheck.ExpectKnownValue("data.plaid_item.read", tfjsonpath.New("error_code"), knownvalue.StringExact("ITEM_LOGIN_REQUIRED")),
				statecheck.ExpectKnownValue("data.plaid_item.read", tfjsonpath.New("status").AtMapKey("last_webhook_code"), knownvalue.Null()),
			},
		}},
	})
}

// An Item that vanished behind Terraform's back is dropped on refresh and
// the destroy succeeds, for sandbox Items as for adopted ones.
func TestAccSandboxItem_destroyAfterItemVanished(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	var itemID string
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy: func(*terraform.State) error {
			if st := e.Item(itemID); !st.Removed || st.RemovedBy != "user" || st.RemoveCount != 0 {
				return fmt.Errorf("vanished Item: %+v", st)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: sandboxItemConfig(tg, ""),
				Check: func(s *terraform.State) error {
					itemID = s.RootModule().Resources["plaid_sandbox_item.test"].Primary.Attributes["item_id"]
					return nil
				},
			},
			{
				PreConfig: func() {
					if err := e.Revoke(itemID); err != nil {
						t.Fatal(err)
					}
				},
				Config:  sandboxItemConfig(tg, ""),
				Destroy: true,
			},
		},
	})
}

func TestAccPlanTimeErrors_sandboxAndDataSources(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	gone := tg.NewItem(t)
	if err := e.Revoke(gone.ItemID); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		config   string
		planOnly bool
		want     string
	}{
		"sandbox item in production": {tg.ProviderConfig(`environment = "production"`) + `resource "plaid_sandbox_item" "test" {}`, true, `Sandbox Items Need the Sandbox\s+Environment`},
		"no products":                {tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { initial_products = [] }`, true, `initial_products`},
		"days out of range":          {tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { transactions_days_requested = 731 }`, true, `between 1 and 730`},
		"bad webhook":                {tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { webhook = "ftp://x" }`, true, `Invalid Webhook URL`},
		"unknown institution":        {tg.ProviderConfig() + `data "plaid_institution" "x" { institution_id = "ins_0" }`, false, `No Such Plaid Institution`},
		"data source, removed item":  {tg.ProviderConfig() + `data "plaid_item" "x" { access_token = var.plaid_token }`, false, `Plaid Item No Longer Exists`},
		"data source, unknown token": {tg.ProviderConfig() + `data "plaid_item" "x" { access_token = "access-sandbox-00000000-0000-0000-0000-000000000000" }`, false, `Plaid Rejected the Access Token.*Reading the Item with /item/get failed`},
		"unknown sandbox product":    {tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { initial_products = ["telepathy"] }`, true, `initial_products.*transactions`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: tc.planOnly, ExpectError: regexp.MustCompile(`(?s)` + tc.want)}},
			})
		})
	}
}
