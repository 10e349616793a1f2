package provider

import (
	"context"
	"slices"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// movedToDataSource are the attributes that earlier versions kept on both
// resources and that only the plaid_item data source shows now. The
// health (error_code, consent_expiration_time) left with them and came
// back.
var movedToDataSource = []string{
	"products", "billed_products", "available_products", "consented_products",
	"institution_name", "update_type",
}

// State written before those attributes left the resources must still load:
// Terraform hands it to UpgradeResourceState at the same schema version, and
// the attributes no longer in the schema are dropped, not an error.
func TestItemState_fromEarlierVersionsLoads(t *testing.T) {
	ctx := context.Background()
	srv := NewServer("test")()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	const earlier = `{"id":"eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6","item_id":"eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6",` +
		`"access_token":"access-sandbox-4a9c2f64-7e1b-4c3d-9f2a-1b2c3d4e5f60","removal_method":null,"removal_reason_code":"OTHER","removal_reason_note":null,` +
		`"institution_id":"ins_109508","institution_name":"First Platypus Bank","webhook":null,` +
		`"products":["auth","transactions"],"billed_products":["auth","transactions"],"available_products":["balance"],` +
		`"consented_products":["auth"],"consent_expiration_time":null,"update_type":"background","error_code":null,"timeouts":null}`
	for _, typeName := range []string{"plaid_item", "plaid_sandbox_item"} {
		t.Run(typeName, func(t *testing.T) {
			schema := schemas.ResourceSchemas[typeName]
			for _, a := range schema.Block.Attributes {
				if slices.Contains(movedToDataSource, a.Name) || (typeName == "plaid_item" && a.Name == "institution_id") {
					t.Errorf("%s still has %s", typeName, a.Name)
				}
			}
			resp, err := srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{
				TypeName: typeName,
				Version:  schema.Version,
				RawState: &tfprotov6.RawState{JSON: []byte(earlier)},
			})
			if err != nil || len(resp.Diagnostics) > 0 {
				t.Fatalf("UpgradeResourceState: %v %v", err, resp.Diagnostics)
			}
			v, err := resp.UpgradedState.Unmarshal(schema.ValueType())
			if err != nil {
				t.Fatal(err)
			}
			var attrs map[string]tftypes.Value
			if err := v.As(&attrs); err != nil {
				t.Fatal(err)
			}
			for _, health := range []string{"error_code", "consent_expiration_time"} {
				if !attrs[health].IsKnown() || !attrs[health].IsNull() {
					t.Errorf("%s = %v, want the stored null", health, attrs[health])
				}
			}
			var itemID, reason string
			if err := attrs["item_id"].As(&itemID); err != nil || itemID != "eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6" {
				t.Errorf("item_id = %q (%v), want the stored one", itemID, err)
			}
			if err := attrs["removal_reason_code"].As(&reason); err != nil || reason != "OTHER" {
				t.Errorf("removal_reason_code = %q (%v), want the stored one", reason, err)
			}
			// The sandbox Item's institution_id is its configuration: were it
			// lost, the next plan would replace every sandbox Item.
			if typeName == "plaid_sandbox_item" {
				var institution string
				if err := attrs["institution_id"].As(&institution); err != nil || institution != "ins_109508" {
					t.Errorf("institution_id = %q (%v), want the stored one", institution, err)
				}
			}
		})
	}
}
