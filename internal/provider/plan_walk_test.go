package provider

import (
	"fmt"
	"regexp"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

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
