package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// FRAUD_TRANSACTION, which Plaid added to /item/products/terminate in API
// 1.698.3, passes plan-time validation and is what destroy sends; the
// emulator takes it as Plaid's newest spec does, so the Item is ended.
func TestAccRemovalMethod_fraudTransactionTerminateDestroys(t *testing.T) {
	const removal = "  removal_method      = \"terminate\"\n  removal_reason_code = \"FRAUD_TRANSACTION\""
	for _, kind := range itemKinds {
		t.Run(kind.typ, func(t *testing.T) {
			tg := acctest.NewTarget(t)
			e := tg.RequireEmulator(t)
			kind.prepare(t, tg)
			var itemID string
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy: func(s *terraform.State) error {
					if err := tg.CheckItemsRemoved(kind.typ)(s); err != nil {
						return err
					}
					if st := e.Item(itemID); !st.Removed || st.RemovedWith != terminatePath || st.RemoveCount != 1 {
						return fmt.Errorf("item after destroy: %+v, want ended once by %s", st, terminatePath)
					}
					terminates := callsFor(e, itemID, terminatePath)
					if len(terminates) != 1 || terminates[0].Status != 200 {
						return fmt.Errorf("terminate calls %+v, want one answered 200", terminates)
					}
					if c := terminates[0].ReasonCode; c == nil || *c != "FRAUD_TRANSACTION" {
						return fmt.Errorf("reason_code sent: %v, want FRAUD_TRANSACTION", c)
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config: kind.config(tg, removal),
					Check: func(s *terraform.State) (err error) {
						itemID, err = itemIDIn(s, kind.address())
						return err
					},
				}},
			})
		})
	}
}

// A reason code that is not upper snake case can be no code Plaid added:
// it fails at plan time, on the attribute, before any call to Plaid.
func TestAccRemovalMethod_malformedReasonCodeFailsAtPlan(t *testing.T) {
	for _, code := range []string{"fraud_transaction", "Fraud Transaction", "BORED!"} {
		t.Run(code, func(t *testing.T) {
			tg := acctest.NewTarget(t)
			kind := itemKinds[1] // plaid_sandbox_item: nothing to prepare
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      kind.config(tg, fmt.Sprintf("  removal_method      = \"terminate\"\n  removal_reason_code = %q", code)),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Reason Code Not Taken by the Removal Method.*removal_reason_code\s*=.*upper-case`),
				}},
			})
			if tg.Emulator != nil && len(tg.Emulator.Calls()) > 0 {
				t.Errorf("plan-time checks must not call Plaid, but it saw %d calls", len(tg.Emulator.Calls()))
			}
		})
	}
}

// Each reason code's fate, read from the provider server itself: which
// severity, on which attribute, and for a warning that it names the codes
// the provider knows. (The CLI's output for the same warning is checked in
// internal/e2e, TestAccReasonCode_unknownWarnsAtPlan.)
func TestRemovalReasonValidation_unknownCodesWarnOrFail(t *testing.T) {
	ctx := context.Background()
	server := NewServer("test")()
	schemas, err := server.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, code string
		want         tfprotov6.DiagnosticSeverity // Invalid: no diagnostic
	}{
		{"terminate", "FRAUD_TRANSACTION", tfprotov6.DiagnosticSeverityInvalid},
		{"terminate", "FRAUD_SYNTHETIC_IDENTITY", tfprotov6.DiagnosticSeverityWarning},
		{"remove", "CONNECTION_LOST_FOREVER", tfprotov6.DiagnosticSeverityWarning},
		// Known to the other call: Plaid's spec says this one refuses it.
		{"remove", "FRAUD_TRANSACTION", tfprotov6.DiagnosticSeverityError},
		{"terminate", "CONNECTION_IS_NON_FUNCTIONAL", tfprotov6.DiagnosticSeverityError},
		{"terminate", "fraud_transaction", tfprotov6.DiagnosticSeverityError},
		{"terminate", "FRAUD-TRANSACTION", tfprotov6.DiagnosticSeverityError},
		{"terminate", "", tfprotov6.DiagnosticSeverityError},
	}
	objType, ok := schemas.ResourceSchemas["plaid_sandbox_item"].ValueType().(tftypes.Object)
	if !ok {
		t.Fatal("plaid_sandbox_item's schema is not an object")
	}
	for _, tc := range cases {
		t.Run(tc.method+"/"+tc.code, func(t *testing.T) {
			values := map[string]tftypes.Value{}
			for name, attrType := range objType.AttributeTypes {
				values[name] = tftypes.NewValue(attrType, nil)
			}
			values["removal_method"] = tftypes.NewValue(tftypes.String, tc.method)
			values["removal_reason_code"] = tftypes.NewValue(tftypes.String, tc.code)
			config, err := tfprotov6.NewDynamicValue(objType, tftypes.NewValue(objType, values))
			if err != nil {
				t.Fatal(err)
			}
			resp, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "plaid_sandbox_item", Config: &config})
			if err != nil {
				t.Fatal(err)
			}
			if tc.want == tfprotov6.DiagnosticSeverityInvalid {
				if len(resp.Diagnostics) > 0 {
					t.Fatalf("want no diagnostics, got %+v", resp.Diagnostics)
				}
				return
			}
			if len(resp.Diagnostics) != 1 {
				t.Fatalf("want one diagnostic, got %+v", resp.Diagnostics)
			}
			d := resp.Diagnostics[0]
			if d.Severity != tc.want {
				t.Errorf("severity %v, want %v: %s: %s", d.Severity, tc.want, d.Summary, d.Detail)
			}
			if want := tftypes.NewAttributePath().WithAttributeName("removal_reason_code"); d.Attribute == nil || !d.Attribute.Equal(want) {
				t.Errorf("diagnostic on %v, want on removal_reason_code", d.Attribute)
			}
			if tc.want == tfprotov6.DiagnosticSeverityWarning {
				m := removalMethodOf(types.StringValue(tc.method))
				for _, known := range m.codes {
					if !strings.Contains(d.Detail, "`"+known+"`") {
						t.Errorf("the warning does not name the known code %s: %s", known, d.Detail)
					}
				}
			}
		})
	}
	if !plaid.IsTerminateReasonCode("FRAUD_TRANSACTION") {
		t.Error("FRAUD_TRANSACTION is not a terminate reason code")
	}
}
