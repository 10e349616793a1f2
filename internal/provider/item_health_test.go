package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The health is known at plan time through an update that changes
// something else (a reason note): the plan shows the state's value, read
// by this plan's refresh, not "known after apply", and applying it calls
// nothing but that refresh's /item/get. A webhook change is applied with
// /item/webhook/update, whose answer carries the Item: the plan leaves the
// health to apply, which records that answer's. The consent expiry Plaid
// gives shows as it is.
func TestAccItemHealth_knownAtPlanThroughUpdates(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	const expires = "2027-01-31T00:00:00Z"
	item := e.Seed(emulator.SeedOptions{ConsentExpirationTime: expires})
	tg.UseToken(t, item.AccessToken)
	hooks := newHookServer(t)
	errorCode := tfjsonpath.New("error_code")
	callsBeforeUpdate := 0

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{
				Config: itemConfig(tg, tokenVar, `  removal_reason_code = "OTHER"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectUnknownValue("plaid_item.test", errorCode)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("plaid_item.test", errorCode, knownvalue.Null()),
					statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("consent_expiration_time"), knownvalue.StringExact(expires)),
				},
			},
			{
				PreConfig: func() {
					if err := e.ResetLogin(item.ItemID); err != nil {
						t.Fatal(err)
					}
					callsBeforeUpdate = len(e.Calls())
				},
				Config: itemConfig(tg, tokenVar, `
  removal_reason_code = "OTHER"
  removal_reason_note = "health stays known"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectKnownValue("plaid_item.test", errorCode, knownvalue.StringExact("ITEM_LOGIN_REQUIRED")),
						plancheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("consent_expiration_time"), knownvalue.StringExact(expires)),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error { return checkNoCallsBut(tg, callsBeforeUpdate, plaid.PathItemGet) },
			},
			{
				Config: itemConfig(tg, tokenVar, fmt.Sprintf(`
  removal_reason_code = "OTHER"
  removal_reason_note = "health stays known"
  webhook             = %q`, hooks.URL+"/new")),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue("plaid_item.test", errorCode),
					},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("plaid_item.test", errorCode, knownvalue.StringExact("ITEM_LOGIN_REQUIRED")),
				},
			},
		},
	})
}

// A sandbox Item is healthy when created (Link hands out only Items it
// could connect, and creating reads nothing more), and the refresh then
// shows what /sandbox/item/reset_login did to it.
func TestAccSandboxItemHealth_loginRequiredAfterReset(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	const item = "plaid_sandbox_item.test"
	config := sandboxItemConfig(tg, "")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_sandbox_item"),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(item, tfjsonpath.New("error_code"), knownvalue.Null()),
					statecheck.ExpectKnownValue(item, tfjsonpath.New("consent_expiration_time"), knownvalue.Null()),
				},
				Check: func(s *terraform.State) error {
					return e.ResetLogin(s.RootModule().Resources[item].Primary.Attributes["item_id"])
				},
			},
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(item, tfjsonpath.New("error_code"), knownvalue.StringExact("ITEM_LOGIN_REQUIRED")),
				},
			},
		},
	})
}

// Update records every health value known: the plan's where the plan knew
// it, else what apply read of the Item, else state's.
func TestItemHealth_settled(t *testing.T) {
	login := &plaid.Item{Error: &plaid.Error{ErrorCode: "ITEM_LOGIN_REQUIRED"}, ConsentExpirationTime: ptr("2027-01-31T00:00:00Z")}
	state := itemHealth{ErrorCode: types.StringValue("OLD"), ConsentExpirationTime: types.StringNull()}
	unknown := itemHealth{ErrorCode: types.StringUnknown(), ConsentExpirationTime: types.StringUnknown()}
	for name, tc := range map[string]struct {
		planned itemHealth
		read    *plaid.Item
		want    itemHealth
	}{
		"known in the plan: kept, whatever apply read": {state, login, state},
		"unknown, read at apply: the answer's":         {unknown, login, itemHealth{types.StringValue("ITEM_LOGIN_REQUIRED"), types.StringValue("2027-01-31T00:00:00Z")}},
		"unknown, healthy answer: nulls":               {unknown, &plaid.Item{}, itemHealth{types.StringNull(), types.StringNull()}},
		"unknown, nothing read: state's":               {unknown, nil, state},
	} {
		t.Run(name, func(t *testing.T) {
			got := tc.planned.settled(tc.read, state)
			if !got.ErrorCode.Equal(tc.want.ErrorCode) || !got.ConsentExpirationTime.Equal(tc.want.ConsentExpirationTime) {
				t.Errorf("settled = %v, want %v", got, tc.want)
			}
		})
	}
}

func ptr(s string) *string { return &s }
