package provider

import (
	"fmt"
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
)

// Whichever of the two plans comes second sees the first, in either order
// and when they race; other tokens and other walks see nothing.
func TestPlanWalk_removalAndAdoptionOfOneToken(t *testing.T) {
	const token, other = "access-sandbox-aaaa", "access-sandbox-bbbb"
	w := newPlanWalk()
	if w.planAdoption(token) != "" {
		t.Fatal("an adoption with no removal in the walk conflicted")
	}
	if !w.planRemoval(token, "item-1") {
		t.Error("a removal after an adoption of its token did not conflict")
	}
	if w.planRemoval(other, "item-2") || w.planAdoption("access-sandbox-cccc") != "" {
		t.Error("plans of different tokens conflicted")
	}
	if got := w.planAdoption(other); got != "item-2" {
		t.Errorf("an adoption after a removal of its token returned %q, want item-2", got)
	}
	if newPlanWalk().planAdoption(token) != "" {
		t.Error("a new walk saw the plans of an earlier one")
	}
	for _, d := range w.removing {
		if d == token {
			t.Error("the walk holds a token")
		}
	}
	for d := range w.adopting {
		if d == token || d == other {
			t.Error("the walk holds a token")
		}
	}

	for i := 0; i < 50; i++ {
		w := newPlanWalk()
		var wg sync.WaitGroup
		var removalSaw, adoptionSaw bool
		wg.Add(2)
		go func() { defer wg.Done(); removalSaw = w.planRemoval(token, "item-1") }()
		go func() { defer wg.Done(); adoptionSaw = w.planAdoption(token) != "" }()
		wg.Wait()
		if removalSaw == adoptionSaw {
			t.Fatalf("racing plans: removal saw the adoption %v, adoption saw the removal %v; want exactly one", removalSaw, adoptionSaw)
		}
	}
}

// The replacement guard still stops replace_triggered_by before anything
// is removed, also after an in-place update (whose plan wrote the marker
// that a later walk must not trust, see replacedItemKey).
func TestAccItem_replaceTriggeredByRefusedAfterUpdate(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	config := func(trigger, extra string) string {
		return tg.ProviderConfig() + fmt.Sprintf(`
resource "terraform_data" "trigger" {
  input = %q
}

resource "plaid_item" "test" {
  access_token = var.plaid_token
%s
  lifecycle {
    replace_triggered_by = [terraform_data.trigger]
  }
}
`, trigger, extra)
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{Config: config("a", "")},
			{Config: config("a", `  removal_reason_code = "OTHER"`)},
			{
				Config:      config("b", `  removal_reason_code = "OTHER"`),
				ExpectError: regexp.MustCompile(`(?s)Replacing an Adopted Item Cannot Work.*` + item.ItemID),
			},
			{
				Config: config("a", `  removal_reason_code = "OTHER"`),
				Check: func(*terraform.State) error {
					if st := e.Item(item.ItemID); st.Removed || st.RemoveCount != 0 {
						return fmt.Errorf("the Item was removed: %+v", st)
					}
					return nil
				},
			},
		},
	})
}

// The docs' way to stop managing an Item without removing it, a removed
// block with destroy = false, lets another address adopt the same token in
// the same plan (templates/resources/item.md.tmpl, "Changing a key or an
// address"). Terraform refreshes the forgotten instance in that plan, so the
// refresh-based guard against a tainted resource's replacement must not
// take the new address's create for one. Nothing is removed at Plaid.
func TestAccItem_removedBlockThenAdoptedElsewhereInOnePlan(t *testing.T) {
	skipOnOpenTofuForgottenRefresh(t)
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelow(tfversion.Version1_7_0, "removed blocks")},
		Steps: []resource.TestStep{
			{Config: itemConfig(tg, tokenVar, "")},
			{
				Config: tg.ProviderConfig() + `
removed {
  from = plaid_item.test
  lifecycle {
    destroy = false
  }
}

resource "plaid_item" "elsewhere" {
  access_token = ` + tokenVar + `
}
`,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("plaid_item.elsewhere", "item_id", item.ItemID),
					func(*terraform.State) error {
						if st := e.Item(item.ItemID); st.Removed || st.RemoveCount != 0 {
							return fmt.Errorf("forgetting an Item with a removed block and adopting it elsewhere removed it at Plaid: %+v", st)
						}
						return nil
					},
				),
			},
		},
	})
}

// The docs' third way: with lifecycle { destroy = false } (Terraform 1.16,
// OpenTofu 1.12) renaming a for_each key forgets the old instance and
// adopts the token at the new key, in one plan, and removes nothing.
func TestAccItem_destroyFalseRenameAdoptsInOnePlan(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	skipOnOpenTofuForgottenRefresh(t)
	if v := cliVersion(t); v.LessThan(version.Must(version.NewVersion("1.16.0"))) {
		t.Skipf("lifecycle { destroy = false } needs Terraform 1.16; this is %s", v)
	}
	config := func(key string) string {
		return tg.ProviderConfig() + `
resource "plaid_item" "kept" {
  for_each     = toset(["` + key + `"])
  access_token = ` + tokenVar + `

  lifecycle {
    destroy = false
  }
}
`
	}
	notRemoved := func(*terraform.State) error {
		if st := e.Item(item.ItemID); st.Removed || st.RemoveCount != 0 {
			return fmt.Errorf("a rename under lifecycle { destroy = false } removed the Item at Plaid: %+v", st)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config("checking")},
			{Config: config("chequing"), ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(`plaid_item.kept["chequing"]`, tfjsonpath.New("item_id"), knownvalue.StringExact(item.ItemID)),
			}},
			// Forget the Item before the framework's closing read of
			// state, which cannot take for_each keys (OpenTofu's destroy
			// fails on the instances destroy = false forgets).
			{Config: tg.ProviderConfig() + `
removed {
  from = plaid_item.kept
  lifecycle {
    destroy = false
  }
}
`},
		},
	})
	if err := notRemoved(nil); err != nil {
		t.Error(err)
	}
}

// skipOnOpenTofuForgottenRefresh skips, naming why, the tests of a forget
// and an adoption of the same token in one plan on OpenTofu. OpenTofu
// refreshes an instance it forgets (Terraform does not), so when that
// refresh comes before the new address's plan the tainted-replacement
// guard (planWalk.refreshedItem) refuses the adoption with "Adopting an
// Item Terraform Already Manages"; when it comes after, the plan passes.
// Nothing is removed either way, but the outcome depends on the order.
func skipOnOpenTofuForgottenRefresh(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "registry.opentofu.org" {
		t.Skip("on OpenTofu (seen on 1.12.6) a forget and an adoption of the same token in one plan is refused or not depending on the order OpenTofu plans them in: its refresh of the forgotten instance trips the tainted-replacement guard; needs a provider decision (review of issues 20-24)")
	}
}
