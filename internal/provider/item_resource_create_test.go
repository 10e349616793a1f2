package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// A create that fails after /item/get succeeded (here the webhook update)
// leaves nothing in state. A state object returned with the error would be
// recorded as tainted, and the next apply would replace it: remove the Item
// at Plaid, for good, then fail to adopt the same token. Instead the next
// apply simply adopts again, and nothing is removed.
func TestAccItem_failedCreateLeavesNoTaintedObject(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	hook := newHookServer(t).URL + "/adopted"
	config := tg.ProviderConfig("max_retries = 0") + fmt.Sprintf(`
resource "plaid_item" "test" {
  access_token = var.plaid_token
  webhook      = %q
}
`, hook)
	notRemoved := func(*terraform.State) error {
		for _, c := range e.Calls() {
			if c.Path == "/item/remove" || c.Path == "/item/products/terminate" {
				return fmt.Errorf("%s was called", c.Path)
			}
		}
		if st := e.Item(item.ItemID); st.Removed {
			return fmt.Errorf("the Item was removed: %+v", st)
		}
		return nil
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { e.SetFaults(emulator.Faults{Error500Rate: 1, Paths: []string{"/item/webhook/update"}}) },
				Config:      config,
				ExpectError: regexp.MustCompile(`Could Not Update the Item's Webhook`),
			},
			{
				// Not a replacement of a tainted object: a plain create.
				PreConfig: func() { e.SetFaults(emulator.Faults{}) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionCreate),
				}},
				Check: resource.ComposeTestCheckFunc(notRemoved,
					resource.TestCheckResourceAttr("plaid_item.test", "item_id", item.ItemID),
					resource.TestCheckResourceAttr("plaid_item.test", "webhook", hook)),
			},
		},
	})
}
