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

// An Item revoked by its owner after any in-place update still leaves state
// on refresh, and plan and destroy succeed: the marker a plan keeps in
// private state for the replacement check (replacedItemKey) must not
// outlive that plan, or the create planned after the Item is found gone
// mistakes itself for the create half of a -replace. Each kind of in-place
// change is one subtest; the last steps are the same for all.
func TestAccItem_revokedAfterInPlaceUpdate(t *testing.T) {
	type change struct {
		// steps adopt the Item and change it in place; the last step's
		// configuration stays in effect afterwards.
		steps func(t *testing.T, tg *acctest.Target, e *emulator.Emulator, item emulator.SeededItem) []resource.TestStep
	}
	plain := func(tg *acctest.Target) string { return itemConfig(tg, tokenVar, "") }
	adoptThen := func(extra string) change {
		return change{
			steps: func(_ *testing.T, tg *acctest.Target, _ *emulator.Emulator, _ emulator.SeededItem) []resource.TestStep {
				return []resource.TestStep{
					{Config: plain(tg)},
					{
						Config:           itemConfig(tg, tokenVar, extra),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate)}},
					},
				}
			},
		}
	}
	changes := map[string]change{
		// The apply the docs ask for after an import: import does not read
		// the removal settings (Plaid does not store them), so the apply
		// records them in place.
		"import then apply": {
			steps: func(t *testing.T, tg *acctest.Target, _ *emulator.Emulator, item emulator.SeededItem) []resource.TestStep {
				t.Setenv("PLAID_TEST_IMPORT_TOKEN", item.AccessToken)
				withReason := itemConfig(tg, tokenVar, `  removal_reason_code = "OTHER"`)
				return []resource.TestStep{
					{
						Config:             withReason,
						ResourceName:       "plaid_item.test",
						ImportState:        true,
						ImportStateId:      "env:PLAID_TEST_IMPORT_TOKEN",
						ImportStatePersist: true,
					},
					{
						Config:           withReason,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate)}},
					},
				}
			},
		},
		"removal_reason_code": adoptThen(`  removal_reason_code = "FRAUD_OTHER"`),
		"removal_reason_note": adoptThen(`  removal_reason_note = "closed by the security team"`),
		"removal_method": adoptThen(`
  removal_method      = "terminate"
  removal_reason_code = "USER_OFFBOARDING"`),
		"webhook": {
			steps: func(t *testing.T, tg *acctest.Target, e *emulator.Emulator, _ emulator.SeededItem) []resource.TestStep {
				return adoptThen(fmt.Sprintf("  webhook = %q", newHookServer(t).URL+"/changed")).steps(t, tg, e, emulator.SeededItem{})
			},
		},
		"rotated token": {
			steps: func(t *testing.T, tg *acctest.Target, e *emulator.Emulator, item emulator.SeededItem) []resource.TestStep {
				return []resource.TestStep{
					{Config: plain(tg)},
					{
						PreConfig: func() {
							token, err := e.Rotate(item.ItemID)
							if err != nil {
								t.Fatal(err)
							}
							tg.UseToken(t, token)
						},
						Config:           plain(tg),
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate)}},
					},
				}
			},
		},
	}
	for name, c := range changes {
		t.Run(name, func(t *testing.T) {
			tg := acctest.NewTarget(t)
			e := tg.RequireEmulator(t)
			item := tg.NewItem(t)
			steps := c.steps(t, tg, e, item)
			config := steps[len(steps)-1].Config
			goneFromState := func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources["plaid_item.test"]; ok {
					return fmt.Errorf("plaid_item.test is still in state after its Item was revoked")
				}
				return nil
			}
			steps = append(steps,
				// The refresh finds the Item gone; the plan adopts the token
				// again (and warns that this apply would fail) but must not
				// fail as a -replace.
				resource.TestStep{
					PreConfig:          func() { mustRevoke(t, e, item.ItemID) },
					Config:             config,
					PlanOnly:           true,
					ExpectNonEmptyPlan: true,
				},
				// terraform destroy refreshes first, with a normal plan:
				// the Item leaves state and the destroy succeeds.
				resource.TestStep{Config: config, Destroy: true, Check: goneFromState},
				// And an apply without the resource succeeds, with nothing
				// left in state.
				resource.TestStep{Config: tg.ProviderConfig(), Check: goneFromState},
			)
			resource.UnitTest(t, resource.TestCase{ProtoV6ProviderFactories: testProviders, Steps: steps})
			if st := e.Item(item.ItemID); st.RemovedBy != "user" || st.RemoveCount != 0 {
				t.Errorf("the revoked Item should not have been removed again by the provider: %+v", st)
			}
		})
	}
}

// A token whose Item is gone, put in place of a live Item's token (a paste
// from the wrong place), must not be met with the advice for a gone Item:
// "remove the token from the configuration" would then destroy the live
// Item through the token in state. The plan says the Item in state lives
// on, the apply fails and changes nothing, and the old token puts it right.
func TestAccItem_goneTokenInPlaceOfLiveOneKeepsTheItem(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	live := tg.NewItem(t)
	config := itemConfig(tg, tokenVar, "")
	liveAndUntouched := func(*terraform.State) error {
		if st := e.Item(live.ItemID); !st.Exists || st.RemoveCount != 0 {
			return fmt.Errorf("the live Item was touched: %+v", st)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					gone := e.Seed(emulator.SeedOptions{})
					mustRevoke(t, e, gone.ItemID)
					tg.UseToken(t, gone.AccessToken)
				},
				Config:      config,
				ExpectError: regexp.MustCompile(`(?s)New Access Token's Item Already Removed.*the token in state still\s+reaches Item\s+` + live.ItemID),
			},
			// The Item's own token back: nothing to change.
			{
				PreConfig: func() { tg.UseToken(t, live.AccessToken) },
				Config:    config,
				PlanOnly:  true,
			},
			{Config: config, Check: liveAndUntouched},
		},
	})
}
