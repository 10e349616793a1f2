package provider

import (
	"fmt"
	"regexp"
	"slices"
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

// itemDataSourceOf reads the Item of the resource at address through the
// plaid_item data source, which shows what the resources do not keep.
func itemDataSourceOf(address string) string {
	return `
data "plaid_item" "check" {
  access_token = ` + address + `.access_token
}
`
}

// A sandbox Item is created, read, given a webhook in place, replaced when
// its institution changes, and removed on destroy with the configured reason.
func TestAccSandboxItem_lifecycle(t *testing.T) {
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
				Check: func(s *terraform.State) error {
					firstItemID = s.RootModule().Resources[item].Primary.Attributes["item_id"]
					return nil
				},
			},
			{
				// Another institution is another Item: replaced, and the
				// old one removed.
				Config: sandboxItemConfig(tg, `  institution_id = "ins_109509"`) + itemDataSourceOf(item),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(item, plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// What Plaid says of the new Item, read as the docs
					// show: through the data source.
					statecheck.ExpectKnownValue("data.plaid_item.check", tfjsonpath.New("institution_id"), knownvalue.StringExact("ins_109509")),
					statecheck.ExpectKnownValue("data.plaid_item.check", tfjsonpath.New("institution_name"), knownvalue.StringExact("First Gingham Credit Union")),
					statecheck.ExpectKnownValue("data.plaid_item.check", tfjsonpath.New("error_code"), knownvalue.Null()),
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

// What plaid_sandbox_item can check before creating anything fails at plan
// time, on the attribute.
func TestAccSandboxItem_planTimeErrors(t *testing.T) {
	tg := acctest.NewTarget(t)
	for name, tc := range map[string]struct {
		config   string
		planOnly bool
		want     string
	}{
		"sandbox item in production": {tg.ProviderConfig(`environment = "production"`) + `resource "plaid_sandbox_item" "test" {}`, true, `Sandbox Items Need the Sandbox\s+Environment`},
		"no products":                {tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { initial_products = [] }`, true, `initial_products`},
		"days out of range":          {tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { transactions_days_requested = 731 }`, true, `between 1 and 730`},
		"bad webhook":                {tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { webhook = "ftp://x" }`, true, `Invalid Webhook URL`},
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

// Creating a sandbox Item takes two requests, the create and the exchange:
// their answers are all the resource records, the configured webhook
// included, and the plan after the apply (a refresh with /item/get) agrees.
func TestAccSandboxItem_createMakesNoRead(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := "plaid_sandbox_item.test"
	webhook := "https://hooks.example.com/created"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_sandbox_item"),
		Steps: []resource.TestStep{{
			Config: sandboxItemConfig(tg, fmt.Sprintf("  webhook = %q", webhook)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(item, tfjsonpath.New("webhook"), knownvalue.StringExact(webhook)),
				statecheck.CompareValuePairs(item, tfjsonpath.New("id"), item, tfjsonpath.New("item_id"), compare.ValuesSame()),
			},
			Check: func(*terraform.State) error {
				var paths []string
				for _, c := range e.Calls() {
					paths = append(paths, c.Path)
				}
				if want := []string{"/sandbox/public_token/create", "/item/public_token/exchange"}; !slices.Equal(paths, want) {
					return fmt.Errorf("apply made %v, want %v", paths, want)
				}
				return nil
			},
		}},
	})
}
