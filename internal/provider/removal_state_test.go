package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

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
