package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// itemConfig adopts the Item whose token is the HCL expression token:
// acctest.TokenVariable for real tokens, lit(...) for made-up ones.
func itemConfig(tg *acctest.Target, token, extra string) string {
	return tg.ProviderConfig() + fmt.Sprintf(`
resource "plaid_item" "test" {
  access_token = %s
%s
}
`, token, extra)
}

// lit quotes a made-up token as an HCL literal. Real tokens never appear
// as literals: the test framework logs configurations.
func lit(s string) string { return fmt.Sprintf("%q", s) }

const tokenVar = acctest.TokenVariable

// Adopting, importing and verifying, changing the reason in place with no
// call to Plaid, and a destroy that sends the reason and really removes.
func TestAccItem_adoptImportReasonDestroy(t *testing.T) {
	tg := acctest.NewTarget(t)
	item := tg.NewItem(t)
	callsBeforeUpdate := 0
	acctest.ExemptFromLeakScan(item.AccessToken, "TestAccItem_adoptImportReasonDestroy imports by the raw token, which Terraform itself prints and logs as the import ID; the docs recommend env:NAME for that reason")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy: resource.ComposeTestCheckFunc(
			tg.CheckItemsRemoved("plaid_item"),
			checkLastRemoveReason(tg, item.ItemID, "FRAUD_OTHER", "closed by the security team"),
		),
		Steps: []resource.TestStep{
			{
				Config: itemConfig(tg, tokenVar, `  removal_reason_code = "OTHER"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("id"), knownvalue.StringExact(item.ItemID)),
					statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("item_id"), knownvalue.StringExact(item.ItemID)),
					statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("removal_reason_code"), knownvalue.StringExact("OTHER")),
				},
			},
			{
				ResourceName:            "plaid_item.test",
				ImportState:             true,
				ImportStateId:           item.AccessToken,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"removal_reason_code"},
			},
			{
				PreConfig: func() {
					if tg.Emulator != nil {
						callsBeforeUpdate = len(tg.Emulator.Calls())
					}
				},
				Config: itemConfig(tg, tokenVar, `
  removal_reason_code = "FRAUD_OTHER"
  removal_reason_note = "closed by the security team"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					return checkNoCallsBut(tg, callsBeforeUpdate, "/item/get")
				},
			},
		},
	})
}

// An Item removed behind Terraform's back (its owner revoked it) leaves
// state on refresh with a warning, and the destroy that follows succeeds.
func TestAccItem_revokedBehindTerraformsBack(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	config := itemConfig(tg, tokenVar, "")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:          func() { mustRevoke(t, e, item.ItemID) },
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources["plaid_item.test"]; ok {
						return fmt.Errorf("plaid_item.test is still in state after its Item was revoked")
					}
					return nil
				},
			},
		},
	})
	if st := e.Item(item.ItemID); st.RemovedBy != "user" || st.RemoveCount != 0 {
		t.Errorf("the revoked Item should not have been removed again by the provider: %+v", st)
	}
}

// INVALID_ACCESS_TOKEN is not proof of removal: with a rotated token the
// destroy fails with guidance, the resource stays in state, and the
// documented way out (a removed block) lets the user move on.
func TestAccItem_rotatedTokenFailsDestroyWithGuidance(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	config := itemConfig(tg, tokenVar, "")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelow(tfversion.Version1_7_0, "removed blocks")},
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					if _, err := e.Rotate(item.ItemID); err != nil {
						t.Fatal(err)
					}
				},
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)INVALID_ACCESS_TOKEN.*does not prove.*rotated.*removed`),
			},
			{
				Config: tg.ProviderConfig() + `
removed {
  from = plaid_item.test
  lifecycle {
    destroy = false
  }
}
`,
			},
		},
	})
	if st := e.Item(item.ItemID); st.Removed {
		t.Errorf("the Item behind a rotated token must not count as removed: %+v", st)
	}
}

// The token's environment is checked against the provider's at plan time,
// before any call to Plaid.
func TestAccItem_planTimeChecks(t *testing.T) {
	tg := acctest.NewTarget(t)
	tg.NewItem(t)
	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"token of another environment", itemConfig(tg, lit("access-production-0b6f2b1e-0000-4000-8000-000000000000"), ""), regexp.MustCompile(`(?s)Access Token From Another Environment.*production`)},
		{"not a token", itemConfig(tg, lit("public-sandbox-0b6f2b1e-0000-4000-8000-000000000000"), ""), regexp.MustCompile(`Invalid Plaid Access Token`)},
		{"development token", itemConfig(tg, lit("access-development-0b6f2b1e-0000-4000-8000-000000000000"), ""), regexp.MustCompile(`(?s)development.*shut\s+down`)},
		{"unknown reason code", itemConfig(tg, tokenVar, `  removal_reason_code = "bored"`), regexp.MustCompile(`(?s)removal_reason_code.*FRAUD_FIRST_PARTY`)},
		{"note too long", itemConfig(tg, tokenVar, fmt.Sprintf("  removal_reason_note = %q", strings.Repeat("x", 513))), regexp.MustCompile(`(?s)removal_reason_note.*512`)},
		{"development environment", tg.ProviderConfig(`environment = "development"`) + `resource "plaid_item" "test" { access_token = var.plaid_token }`, regexp.MustCompile(`(?s)development.*shut\s+down.*2024`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: tc.want}},
			})
		})
	}
	if tg.Emulator != nil {
		for _, c := range tg.Emulator.Calls() {
			t.Errorf("plan-time checks must not call Plaid, but %s was called", c.Path)
		}
	}
}

func mustRevoke(t *testing.T, e *emulator.Emulator, itemID string) {
	t.Helper()
	if err := e.Revoke(itemID); err != nil {
		t.Fatal(err)
	}
}

// checkNoCallsBut fails when the emulator received any call after the
// first `since` calls to a path other than those allowed.
func checkNoCallsBut(tg *acctest.Target, since int, allowed ...string) error {
	if tg.Emulator == nil {
		return nil
	}
	for _, c := range tg.Emulator.Calls()[since:] {
		ok := false
		for _, a := range allowed {
			ok = ok || c.Path == a
		}
		if !ok {
			return fmt.Errorf("unexpected call to %s", c.Path)
		}
	}
	return nil
}

// checkLastRemoveReason checks, at the emulator, what the last
// /item/remove for the Item carried.
func checkLastRemoveReason(tg *acctest.Target, itemID, code, note string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if tg.Emulator == nil {
			return nil
		}
		var last *emulator.Call
		for _, c := range tg.Emulator.Calls() {
			if c.Path == "/item/remove" && c.ItemID == itemID {
				last = &c
			}
		}
		switch {
		case last == nil:
			return fmt.Errorf("no /item/remove reached the emulator for %s", itemID)
		case last.ReasonCode == nil || *last.ReasonCode != code:
			return fmt.Errorf("reason_code sent: %v, want %q", last.ReasonCode, code)
		case last.ReasonNote == nil || *last.ReasonNote != note:
			return fmt.Errorf("reason_note sent: %v, want %q", last.ReasonNote, note)
		case !last.Headers["PLAID-CLIENT-ID"] || !last.Headers["PLAID-SECRET"] || !last.Headers["Plaid-Version"]:
			return fmt.Errorf("credentials or Plaid-Version missing from the headers: %v", last.Headers)
		}
		return nil
	}
}

// Import with env:NAME, both as `terraform import` and as an import block,
// so that the token never appears in Terraform's output.
func TestAccItem_importFromEnvironmentVariable(t *testing.T) {
	tg := acctest.NewTarget(t)
	item := tg.NewItem(t)
	t.Setenv("PLAID_TEST_IMPORT_TOKEN", item.AccessToken)
	config := itemConfig(tg, tokenVar, "")
	callsBeforeApply, sensitivityOnlyUpdate := 0, false

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{
				Config:             config,
				ResourceName:       "plaid_item.test",
				ImportState:        true,
				ImportStateId:      "env:PLAID_TEST_IMPORT_TOKEN",
				ImportStatePersist: true,
				ImportStateCheck: func(states []*terraform.InstanceState) error {
					if len(states) != 1 || states[0].ID != item.ItemID || states[0].Attributes["access_token"] != item.AccessToken {
						return fmt.Errorf("imported %d instances; want one with id %s and the token from the environment", len(states), item.ItemID)
					}
					return nil
				},
			},
			// Terraform 1.5 plans an update that changes only the token's
			// sensitivity (see expectNoChangeButSensitivity); applying it
			// calls nothing but /item/get, and then the plan is empty.
			{
				PreConfig: func() {
					if tg.Emulator != nil {
						callsBeforeApply = len(tg.Emulator.Calls())
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{expectNoChangeButSensitivity("plaid_item.test", &sensitivityOnlyUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: func(*terraform.State) error {
					if sensitivityOnlyUpdate {
						if v := cliVersion(t); !v.LessThan(tfversion.Version1_8_0) {
							return fmt.Errorf("%s planned an update after the import although 1.8 fixed that (hashicorp/terraform#34567)", v)
						}
						t.Log("this Terraform planned an update after the import that changed only the token's sensitivity")
					}
					return checkNoCallsBut(tg, callsBeforeApply, "/item/get")
				},
			},
		},
	})
}

// The same import as an import block, which must plan no change. Terraform
// before 1.8 plans an update there too (the sensitivity-only update above),
// and terraform-plugin-testing rightly refuses that.
func TestAccItem_importBlockFromEnvironmentVariable(t *testing.T) {
	tg := acctest.NewTarget(t)
	item := tg.NewItem(t)
	t.Setenv("PLAID_TEST_IMPORT_TOKEN", item.AccessToken)
	config := itemConfig(tg, tokenVar, "")

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{skipBelow(tfversion.Version1_8_0, "an import block of a sensitive attribute that plans no update (hashicorp/terraform#33597)")},
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				Config:          config,
				ResourceName:    "plaid_item.test",
				ImportState:     true,
				ImportStateKind: resource.ImportBlockWithID,
				ImportStateId:   "env:PLAID_TEST_IMPORT_TOKEN",
			},
		},
	})
}

func TestAccItem_importRejectsBadIDs(t *testing.T) {
	tg := acctest.NewTarget(t)
	tg.NewItem(t)
	t.Setenv("PLAID_TEST_EMPTY", "")
	for name, tc := range map[string]struct{ id, want string }{
		"unset variable": {"env:PLAID_TEST_EMPTY", `PLAID_TEST_EMPTY.*not set`},
		"bad name":       {"env:not-a-name", `environment\s+variable`},
		"not a token":    {"ins_109508", `access\s+token`},
	} {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:        itemConfig(tg, tokenVar, ""),
					ResourceName:  "plaid_item.test",
					ImportState:   true,
					ImportStateId: tc.id,
					ExpectError:   regexp.MustCompile(`(?s)Invalid Import ID.*` + tc.want),
				}},
			})
		})
	}
}

// A remove whose answer is lost went through at Plaid: the retry meets
// ITEM_NOT_FOUND, and that is success, with the Item removed exactly once.
func TestAccItem_lostRemoveAnswerStillDestroys(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy: func(s *terraform.State) error {
			st := e.Item(item.ItemID)
			// Two requests: the one whose answer was lost, and the retry
			// that met ITEM_NOT_FOUND; no third.
			if !st.RemovedOnce() || st.RemoveAnswersLost != 1 {
				return fmt.Errorf("item after destroy: %+v, want removed once, with one retry for the lost answer", st)
			}
			lost, notFound := 0, 0
			for _, c := range e.Calls() {
				if c.Path == "/item/remove" && c.Fault == "lost_response" {
					lost++
				}
				if c.Path == "/item/remove" && c.ErrorCode == "ITEM_NOT_FOUND" {
					notFound++
				}
			}
			if lost != 1 || notFound != 1 {
				return fmt.Errorf("saw %d lost answers and %d ITEM_NOT_FOUND retries, want 1 and 1", lost, notFound)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: itemConfig(tg, tokenVar, "")},
			{
				PreConfig: func() {
					e.SetFaults(emulator.Faults{LostResponseRate: 1, MaxFaults: 1, Paths: []string{"/item/remove"}})
				},
				Config:  itemConfig(tg, tokenVar, ""),
				Destroy: true,
			},
		},
	})
}
