package provider

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

const terminatePath = "/item/products/terminate"

// itemKind is one of the two Item resources, which share removal_method:
// every test here runs for both.
type itemKind struct {
	typ string
	// prepare makes the Item the configuration refers to, if it needs one.
	prepare func(t *testing.T, tg *acctest.Target)
	// config is the resource "test" with the given removal settings.
	config func(tg *acctest.Target, removal string) string
}

func (k itemKind) address() string { return k.typ + ".test" }

var itemKinds = []itemKind{
	{
		typ:     "plaid_item",
		prepare: func(t *testing.T, tg *acctest.Target) { tg.NewItem(t) },
		config:  func(tg *acctest.Target, removal string) string { return itemConfig(tg, tokenVar, removal) },
	},
	{
		typ:     "plaid_sandbox_item",
		prepare: func(*testing.T, *acctest.Target) {},
		config: func(tg *acctest.Target, removal string) string {
			return tg.ProviderConfig() + "resource \"plaid_sandbox_item\" \"test\" {\n" + removal + "\n}\n"
		},
	},
}

func itemIDIn(s *terraform.State, address string) (string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok || rs.Primary.Attributes["item_id"] == "" {
		return "", fmt.Errorf("%s is not in state", address)
	}
	return rs.Primary.Attributes["item_id"], nil
}

// callsFor is every call the emulator received for one Item on one path.
func callsFor(e *emulator.Emulator, itemID, path string) []emulator.Call {
	var out []emulator.Call
	for _, c := range e.Calls() {
		if c.ItemID == itemID && c.Path == path {
			out = append(out, c)
		}
	}
	return out
}

// Switching removal_method is a state-only update with no call to Plaid;
// destroy then terminates the Item, sending the reason, and never calls
// /item/remove.
func TestAccRemovalMethod_switchToTerminateThenDestroy(t *testing.T) {
	for _, kind := range itemKinds {
		t.Run(kind.typ, func(t *testing.T) {
			tg := acctest.NewTarget(t)
			e := tg.RequireEmulator(t)
			kind.prepare(t, tg)
			const note = "customer closed their account"
			var itemID string
			callsBeforeSwitch := 0

			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy: func(s *terraform.State) error {
					if err := tg.CheckItemsRemoved(kind.typ)(s); err != nil {
						return err
					}
					if st := e.Item(itemID); st.RemovedWith != terminatePath || st.RemoveCount != 1 {
						return fmt.Errorf("item after destroy: %+v, want ended once by %s", st, terminatePath)
					}
					if removes := callsFor(e, itemID, "/item/remove"); len(removes) != 0 {
						return fmt.Errorf("destroy called /item/remove %d times; removal_method is terminate", len(removes))
					}
					terminates := callsFor(e, itemID, terminatePath)
					if len(terminates) != 1 {
						return fmt.Errorf("%d calls to %s, want 1", len(terminates), terminatePath)
					}
					c := terminates[0]
					switch {
					case c.Status != 200:
						return fmt.Errorf("%s answered %d %s", terminatePath, c.Status, c.ErrorCode)
					case c.ReasonCode == nil || *c.ReasonCode != "USER_OFFBOARDING":
						return fmt.Errorf("reason_code sent: %v, want USER_OFFBOARDING", c.ReasonCode)
					case c.ReasonNote == nil || *c.ReasonNote != note:
						return fmt.Errorf("reason_note sent: %v, want %q", c.ReasonNote, note)
					}
					return nil
				},
				Steps: []resource.TestStep{
					{
						Config: kind.config(tg, `  removal_reason_code = "CONNECTION_IS_NON_FUNCTIONAL"`),
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(kind.address(), tfjsonpath.New("removal_method"), knownvalue.Null()),
						},
						Check: func(s *terraform.State) (err error) {
							itemID, err = itemIDIn(s, kind.address())
							return err
						},
					},
					{
						PreConfig: func() { callsBeforeSwitch = len(e.Calls()) },
						Config: kind.config(tg, fmt.Sprintf(`
  removal_method      = "terminate"
  removal_reason_code = "USER_OFFBOARDING"
  removal_reason_note = %q`, note)),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(kind.address(), plancheck.ResourceActionUpdate)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						ConfigStateChecks: []statecheck.StateCheck{
							statecheck.ExpectKnownValue(kind.address(), tfjsonpath.New("removal_method"), knownvalue.StringExact("terminate")),
						},
						Check: func(*terraform.State) error {
							if st := e.Item(itemID); st.Removed {
								return fmt.Errorf("switching the method ended the Item: %+v", st)
							}
							return checkNoCallsBut(tg, callsBeforeSwitch, "/item/get")
						},
					},
				},
			})
		})
	}
}

// What the configuration can get wrong about the method and its reason
// fails at plan time, on removal_reason_code, before any call to Plaid.
func TestAccRemovalMethod_planTimeErrors(t *testing.T) {
	cases := []struct {
		name, removal string
		want          *regexp.Regexp
	}{
		{
			"remove-only code with terminate",
			"  removal_method      = \"terminate\"\n  removal_reason_code = \"CONNECTION_IS_NON_FUNCTIONAL\"",
			regexp.MustCompile(`(?s)Reason Code Not Taken by the Removal Method.*removal_reason_code\s*=\s*"CONNECTION_IS_NON_FUNCTIONAL".*/item/products/terminate.*USER_OFFBOARDING.*/item/remove`),
		},
		{
			"terminate-only code with the default method",
			"  removal_reason_code = \"USER_OFFBOARDING\"",
			regexp.MustCompile(`(?s)Reason Code Not Taken by the Removal Method.*removal_reason_code\s*=\s*"USER_OFFBOARDING".*/item/remove.*CONNECTION_IS_NON_FUNCTIONAL.*removal_method\s*=\s*"terminate"`),
		},
		{
			"terminate-only code with remove",
			"  removal_method      = \"remove\"\n  removal_reason_code = \"BILLING_TERMINATION\"",
			regexp.MustCompile(`(?s)Reason Code Not Taken by the Removal Method.*removal_reason_code\s*=\s*"BILLING_TERMINATION"`),
		},
		{
			"terminate without a code",
			"  removal_method = \"terminate\"",
			regexp.MustCompile(`(?s)Removal Reason Code Required.*/item/products/terminate.*USER_OFFBOARDING`),
		},
		{
			"unknown method",
			"  removal_method = \"delete\"",
			regexp.MustCompile(`(?s)removal_method\s*=\s*"delete".*terminate`),
		},
		{
			"over-long note with terminate",
			fmt.Sprintf("  removal_method      = \"terminate\"\n  removal_reason_code = \"OTHER\"\n  removal_reason_note = %q", strings.Repeat("n", 513)),
			regexp.MustCompile(`(?s)removal_reason_note\s*=.*512`),
		},
	}
	for _, kind := range itemKinds {
		t.Run(kind.typ, func(t *testing.T) {
			tg := acctest.NewTarget(t)
			kind.prepare(t, tg)
			for _, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					resource.UnitTest(t, resource.TestCase{
						ProtoV6ProviderFactories: testProviders,
						Steps:                    []resource.TestStep{{Config: kind.config(tg, tc.removal), PlanOnly: true, ExpectError: tc.want}},
					})
				})
			}
			if tg.Emulator != nil {
				for _, c := range tg.Emulator.Calls() {
					t.Errorf("plan-time checks must not call Plaid, but %s was called", c.Path)
				}
			}
		})
	}
}

// ITEM_NOT_FOUND means gone for terminate as for remove: a terminate whose
// first answer was lost, and one that finds the Item revoked by its owner
// after the last refresh, both destroy successfully.
func TestAccRemovalMethod_terminateFindsItemAlreadyGone(t *testing.T) {
	const removal = "  removal_method      = \"terminate\"\n  removal_reason_code = \"DUPLICATE_ITEM\""
	for _, kind := range itemKinds {
		t.Run(kind.typ+"/lost answer", func(t *testing.T) {
			tg := acctest.NewTarget(t)
			e := tg.RequireEmulator(t)
			kind.prepare(t, tg)
			var itemID string
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy: func(*terraform.State) error {
					if st := e.Item(itemID); !st.Removed || st.RemovedWith != terminatePath {
						return fmt.Errorf("item after destroy: %+v, want ended by %s", st, terminatePath)
					}
					// Exactly one terminate went through: the lost one. Its
					// retry found the Item gone, and nothing else was sent.
					var answers []string
					for _, c := range callsFor(e, itemID, terminatePath) {
						answers = append(answers, c.Fault+c.ErrorCode)
					}
					if !slices.Equal(answers, []string{"lost_response", "ITEM_NOT_FOUND"}) {
						return fmt.Errorf("terminate answers %v, want a lost answer then ITEM_NOT_FOUND", answers)
					}
					return nil
				},
				Steps: []resource.TestStep{
					{
						Config: kind.config(tg, removal),
						Check: func(s *terraform.State) (err error) {
							itemID, err = itemIDIn(s, kind.address())
							return err
						},
					},
					{
						PreConfig: func() {
							e.SetFaults(emulator.Faults{LostResponseRate: 1, MaxFaults: 1, Paths: []string{terminatePath}})
						},
						Config:  kind.config(tg, removal),
						Destroy: true,
					},
				},
			})
		})
		t.Run(kind.typ+"/revoked after the last refresh", func(t *testing.T) {
			tg := acctest.NewTarget(t)
			e := tg.RequireEmulator(t)
			kind.prepare(t, tg)
			var itemID string
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				// The test framework's final destroy runs with
				// -refresh=false, so Delete meets the revoked Item.
				CheckDestroy: func(*terraform.State) error {
					if st := e.Item(itemID); st.RemovedBy != "user" || st.RemovedWith != "" {
						return fmt.Errorf("item after destroy: %+v, want revoked by its owner and not ended again", st)
					}
					terminates := callsFor(e, itemID, terminatePath)
					if len(terminates) != 1 || terminates[0].ErrorCode != "ITEM_NOT_FOUND" {
						return fmt.Errorf("terminate calls %+v, want one answered ITEM_NOT_FOUND", terminates)
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config: kind.config(tg, removal),
					Check: func(s *terraform.State) (err error) {
						if itemID, err = itemIDIn(s, kind.address()); err != nil {
							return err
						}
						return e.Revoke(itemID)
					},
					// The plan after apply refreshes and sees the Item gone.
					ExpectNonEmptyPlan: true,
				}},
			})
		})
	}
}

// The reason-code errors are on the attribute itself, which the CLI
// output alone can't show for a code left out: this asks the provider
// server directly and reads each diagnostic's attribute path.
func TestRemovalReasonValidation_isOnTheAttribute(t *testing.T) {
	ctx := context.Background()
	server := NewServer("test")()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	unknown := tftypes.UnknownValue
	cases := []struct {
		name     string
		settings map[string]any // string, nil (null) or unknown
		want     []string       // attributes with an error
	}{
		{"nothing set", map[string]any{}, nil},
		{"remove code, default method", map[string]any{"removal_reason_code": "CONNECTION_IS_NON_FUNCTIONAL"}, nil},
		{"terminate code, default method", map[string]any{"removal_reason_code": "USER_OFFBOARDING"}, []string{"removal_reason_code"}},
		{"terminate code with remove", map[string]any{"removal_method": "remove", "removal_reason_code": "CONSUMER_CHARGE_OFF"}, []string{"removal_reason_code"}},
		{"code shared by both, with remove", map[string]any{"removal_method": "remove", "removal_reason_code": "FRAUD_ABUSE"}, nil},
		{"terminate without code", map[string]any{"removal_method": "terminate"}, []string{"removal_reason_code"}},
		{"remove code with terminate", map[string]any{"removal_method": "terminate", "removal_reason_code": "CONNECTION_IS_NON_FUNCTIONAL"}, []string{"removal_reason_code"}},
		{"terminate code with terminate", map[string]any{"removal_method": "terminate", "removal_reason_code": "CONSUMER_LOAN_PAID_OFF"}, nil},
		{"note at the limit", map[string]any{"removal_method": "terminate", "removal_reason_code": "OTHER", "removal_reason_note": strings.Repeat("é", 512)}, nil},
		{"note over the limit", map[string]any{"removal_method": "terminate", "removal_reason_code": "OTHER", "removal_reason_note": strings.Repeat("n", 513)}, []string{"removal_reason_note"}},
		{"unknown method name", map[string]any{"removal_method": "delete", "removal_reason_code": "USER_OFFBOARDING"}, []string{"removal_method"}},
		{"method not known yet", map[string]any{"removal_method": unknown, "removal_reason_code": "USER_OFFBOARDING"}, nil},
		{"code not known yet, terminate", map[string]any{"removal_method": "terminate", "removal_reason_code": unknown}, nil},
	}
	for _, typ := range []string{"plaid_item", "plaid_sandbox_item"} {
		objType, ok := schemas.ResourceSchemas[typ].ValueType().(tftypes.Object)
		if !ok {
			t.Fatalf("%s's schema is not an object", typ)
		}
		for _, tc := range cases {
			t.Run(typ+"/"+tc.name, func(t *testing.T) {
				values := map[string]tftypes.Value{}
				for name, attrType := range objType.AttributeTypes {
					values[name] = tftypes.NewValue(attrType, nil)
				}
				if typ == "plaid_item" {
					values["access_token"] = tftypes.NewValue(tftypes.String, validSandboxToken)
				}
				for name, v := range tc.settings {
					values[name] = tftypes.NewValue(tftypes.String, v)
				}
				config, err := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, values))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typ, Config: &config})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, d := range resp.Diagnostics {
					if d.Severity != tfprotov6.DiagnosticSeverityError {
						continue
					}
					if d.Attribute == nil {
						t.Errorf("error %q is on the resource, not on an attribute", d.Summary)
						continue
					}
					got = append(got, d.Attribute.String())
				}
				var want []string
				for _, a := range tc.want {
					want = append(want, tftypes.NewAttributePath().WithAttributeName(a).String())
				}
				if !slices.Equal(got, want) {
					t.Errorf("errors on %v, want on %v (%v)", got, want, resp.Diagnostics)
				}
			})
		}
	}
}

// State written by a release before removal_method existed has no such key.
// Terraform hands it to the provider as is before the first plan; it must
// decode with removal_method null, which destroys with /item/remove as
// before, for both Item resources.
func TestRemovalMethod_stateWrittenBeforeTheAttributeDecodesAsNull(t *testing.T) {
	ctx := context.Background()
	srv := NewServer("test")()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	// The pre-removal_method state of each resource, with only a few
	// attributes: older state may also lack attributes added before it.
	for typeName, raw := range map[string]string{
		"plaid_item":         `{"id":"item-1","item_id":"item-1","access_token":"access-sandbox-x","removal_reason_code":"OTHER","removal_reason_note":null}`,
		"plaid_sandbox_item": `{"id":"item-2","item_id":"item-2","access_token":"access-sandbox-y","removal_reason_code":null}`,
	} {
		t.Run(typeName, func(t *testing.T) {
			resSchema, ok := schemas.ResourceSchemas[typeName]
			if !ok {
				t.Fatalf("no schema for %s", typeName)
			}
			if _, has := resSchema.ValueType().(tftypes.Object).AttributeTypes["removal_method"]; !has {
				t.Fatalf("%s has no removal_method attribute", typeName)
			}
			resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
				TypeName: typeName, Version: resSchema.Version, RawState: &tfprotov6.RawState{JSON: []byte(raw)},
			})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("UpgradeResourceState: %v %v", err, resp.Diagnostics)
			}
			state, err := resp.UpgradedState.Unmarshal(resSchema.ValueType())
			if err != nil {
				t.Fatalf("decoding the upgraded state: %v", err)
			}
			var attrs map[string]tftypes.Value
			if err := state.As(&attrs); err != nil {
				t.Fatal(err)
			}
			if m := attrs["removal_method"]; !m.IsNull() {
				t.Errorf("removal_method = %v, want null (destroy with /item/remove, as before)", m)
			}
			if got := removalMethodOf(types.StringNull()).path; got != "/item/remove" {
				t.Errorf("a null removal_method destroys with %s, want /item/remove", got)
			}
		})
	}
}
