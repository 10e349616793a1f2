package provider

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The plaid_item RPCs that Terraform makes once per resource instance and
// that need no answer from Plaid, run in-process: what one Item costs the
// provider per RPC, apart from Terraform. make bench measures whole runs
// through the CLI; these find which RPC and which part of the schema the
// provider's share goes to (go test -bench RPC -benchmem -cpuprofile).

const benchToken = "access-sandbox-4a9c2f64-7e1b-4c3d-9f2a-1b2c3d4e5f60"

type rpcBench struct {
	srv    tfprotov6.ProviderServer
	schema tftypes.Object
}

func newRPCBench(b *testing.B) *rpcBench {
	b.Helper()
	ctx := context.Background()
	srv := NewServer("bench")()
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		b.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	providerType := objectType(b, schemas.Provider.ValueType())
	cfg := objectValue(b, providerType, map[string]tftypes.Value{
		"client_id":   tftypes.NewValue(tftypes.String, "bench-client"),
		"secret":      tftypes.NewValue(tftypes.String, "bench-secret"),
		"environment": tftypes.NewValue(tftypes.String, "sandbox"),
		"base_url":    tftypes.NewValue(tftypes.String, "http://127.0.0.1:9"),
	})
	conf, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: dynamic(b, providerType, cfg)})
	if err != nil || len(conf.Diagnostics) > 0 {
		b.Fatalf("ConfigureProvider: %v %v", err, conf.Diagnostics)
	}
	return &rpcBench{srv: srv, schema: objectType(b, schemas.ResourceSchemas["plaid_item"].ValueType())}
}

func objectType(b *testing.B, t tftypes.Type) tftypes.Object {
	b.Helper()
	o, ok := t.(tftypes.Object)
	if !ok {
		b.Fatalf("schema type %s is not an object", t)
	}
	return o
}

// objectValue is an object of type t with the given attributes and every
// other one null.
func objectValue(b *testing.B, t tftypes.Object, attrs map[string]tftypes.Value) tftypes.Value {
	b.Helper()
	all := map[string]tftypes.Value{}
	for name, at := range t.AttributeTypes {
		all[name] = tftypes.NewValue(at, nil)
		if v, ok := attrs[name]; ok {
			all[name] = v
		}
	}
	return tftypes.NewValue(t, all)
}

func dynamic(b *testing.B, t tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	b.Helper()
	dv, err := tfprotov6.NewDynamicValue(t, v)
	if err != nil {
		b.Fatal(err)
	}
	return &dv
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// config is what examples/adopt-many configures for one Item.
func (r *rpcBench) config(b *testing.B) tftypes.Value {
	return objectValue(b, r.schema, map[string]tftypes.Value{
		"access_token":        str(benchToken),
		"removal_reason_code": str("OTHER"),
	})
}

// state is an adopted sandbox Item as Create records it.
func (r *rpcBench) state(b *testing.B) tftypes.Value {
	return objectValue(b, r.schema, map[string]tftypes.Value{
		"id":                  str("eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6"),
		"item_id":             str("eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6"),
		"access_token":        str(benchToken),
		"removal_reason_code": str("OTHER"),
	})
}

// loop runs one RPC as the benchmark's body, failing on any error or
// diagnostic (read as the redacting layer reads them).
func loop[Req, Resp any](b *testing.B, rpc func(context.Context, Req) (Resp, error), req Req) {
	b.Helper()
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		resp, err := rpc(ctx, req)
		if err != nil || len(diagnosticsOf(resp)) > 0 {
			b.Fatalf("%v %v", err, diagnosticsOf(resp))
		}
	}
}

// plan benchmarks PlanResourceChange of plaid_item from prior to proposed.
func (r *rpcBench) plan(b *testing.B, prior, proposed, config tftypes.Value) {
	b.Helper()
	loop(b, r.srv.PlanResourceChange, &tfprotov6.PlanResourceChangeRequest{
		TypeName:         "plaid_item",
		PriorState:       dynamic(b, r.schema, prior),
		ProposedNewState: dynamic(b, r.schema, proposed),
		Config:           dynamic(b, r.schema, config),
	})
}

func BenchmarkRPC_ValidateResourceConfig(b *testing.B) {
	r := newRPCBench(b)
	loop(b, r.srv.ValidateResourceConfig, &tfprotov6.ValidateResourceConfigRequest{TypeName: "plaid_item", Config: dynamic(b, r.schema, r.config(b))})
}

// BenchmarkRPC_PlanCreate is the plan of an adoption: no prior state.
func BenchmarkRPC_PlanCreate(b *testing.B) {
	r := newRPCBench(b)
	r.plan(b, tftypes.NewValue(r.schema, nil), r.config(b), r.config(b))
}

// BenchmarkRPC_PlanNoChange is the plan of an adopted Item whose
// configuration has not changed: every later plan and refresh.
func BenchmarkRPC_PlanNoChange(b *testing.B) {
	r := newRPCBench(b)
	r.plan(b, r.state(b), r.state(b), r.config(b))
}

// BenchmarkRPC_PlanDestroy is the plan of a destroy: a null proposed state.
func BenchmarkRPC_PlanDestroy(b *testing.B) {
	r := newRPCBench(b)
	null := tftypes.NewValue(r.schema, nil)
	r.plan(b, r.state(b), null, null)
}

// BenchmarkRPC_UpgradeResourceState decodes one Item's stored state, which
// Terraform asks for before every plan and refresh.
func BenchmarkRPC_UpgradeResourceState(b *testing.B) {
	r := newRPCBench(b)
	req := &tfprotov6.UpgradeResourceStateRequest{
		TypeName: "plaid_item",
		RawState: &tfprotov6.RawState{JSON: []byte(`{"id":"eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6","item_id":"eVBnVMp7zdTJLkRNr33Rs6zr7KNJqBFL9DrE6",` +
			`"access_token":"` + benchToken + `","removal_method":null,"removal_reason_code":"OTHER","removal_reason_note":null,` +
			`"webhook":null,"timeouts":null}`)},
	}
	loop(b, r.srv.UpgradeResourceState, req)
}
