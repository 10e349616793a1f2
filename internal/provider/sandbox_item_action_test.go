package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The sandbox actions as the provider's server (NewServer, every layer)
// answers them, with no CLI: so these run on every CLI version CI proves,
// while the end-to-end tests through Terraform (internal/e2e,
// TestAccSandboxActions_*) need Terraform 1.14 or later.

// actionServerOf is a provider server that serves actions.
type actionServerOf interface {
	tfprotov6.ProviderServer
	tfprotov6.ActionServer
}

// actionServer is NewServer's server configured for environment.
func actionServer(t *testing.T, environment string) (actionServerOf, map[string]*tfprotov6.ActionSchema) {
	t.Helper()
	ctx := context.Background()
	srv, ok := NewServer("test")().(actionServerOf)
	if !ok {
		t.Fatal("NewServer's server does not serve actions: terraform-plugin-go would answer every action RPC as unsupported")
	}
	schemas, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || len(schemas.Diagnostics) > 0 {
		t.Fatalf("GetProviderSchema: %v %v", err, schemas.Diagnostics)
	}
	providerType, ok := schemas.Provider.ValueType().(tftypes.Object)
	if !ok {
		t.Fatal("the provider schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, typ := range providerType.AttributeTypes {
		values[name] = tftypes.NewValue(typ, nil)
	}
	values["client_id"] = tftypes.NewValue(tftypes.String, "test-client")
	values["secret"] = tftypes.NewValue(tftypes.String, "test-secret-for-actions")
	values["environment"] = tftypes.NewValue(tftypes.String, environment)
	values["base_url"] = tftypes.NewValue(tftypes.String, "http://127.0.0.1:9")
	cfg, err := tfprotov6.NewDynamicValue(providerType, tftypes.NewValue(providerType, values))
	if err != nil {
		t.Fatal(err)
	}
	conf, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
	if err != nil || len(conf.Diagnostics) > 0 {
		t.Fatalf("ConfigureProvider: %v %v", err, conf.Diagnostics)
	}
	return srv, schemas.ActionSchemas
}

func actionConfig(t *testing.T, schema *tfprotov6.ActionSchema, settings map[string]string) *tfprotov6.DynamicValue {
	t.Helper()
	typ, ok := schema.Schema.ValueType().(tftypes.Object)
	if !ok {
		t.Fatal("the action schema is not an object")
	}
	values := map[string]tftypes.Value{}
	for name, at := range typ.AttributeTypes {
		values[name] = tftypes.NewValue(at, nil)
	}
	for name, v := range settings {
		values[name] = tftypes.NewValue(tftypes.String, v)
	}
	dv, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, values))
	if err != nil {
		t.Fatal(err)
	}
	return &dv
}

func summaries(diags []*tfprotov6.Diagnostic) string {
	var out []string
	for _, d := range diags {
		out = append(out, d.Summary+": "+d.Detail)
	}
	return strings.Join(out, "\n")
}

// Both actions are served, with a required access_token; webhook_code
// takes exactly the codes Plaid's fire_webhook takes.
func TestSandboxActions_schemas(t *testing.T) {
	_, schemas := actionServer(t, "sandbox")
	for _, name := range []string{"plaid_sandbox_item_fire_webhook", "plaid_sandbox_item_reset_login"} {
		s, ok := schemas[name]
		if !ok {
			t.Fatalf("no action %s (have %v)", name, schemas)
		}
		var token *tfprotov6.SchemaAttribute
		for _, a := range s.Schema.Block.Attributes {
			if a.Name == "access_token" {
				token = a
			}
		}
		if token == nil || !token.Required {
			t.Errorf("%s: access_token is %+v, want required", name, token)
		}
	}
	for _, a := range schemas["plaid_sandbox_item_fire_webhook"].Schema.Block.Attributes {
		if a.Name != "webhook_code" {
			continue
		}
		for _, code := range plaid.SandboxWebhookCodes() {
			if !strings.Contains(a.Description, "`"+code+"`") {
				t.Errorf("webhook_code's description does not list %s", code)
			}
		}
	}
}

// A provider configured for production fails the plan of either action;
// so does a production token with a sandbox provider. A sandbox provider
// and token plan cleanly.
func TestSandboxActions_productionFailsAtPlan(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		environment, token, want string
	}{
		{"production", "access-sandbox-5f2c1a9e", "Sandbox Actions Need the Sandbox Environment"},
		{"sandbox", "access-production-5f2c1a9e", "Sandbox Actions Need a Sandbox Item"},
		{"sandbox", "access-sandbox-5f2c1a9e", ""},
	} {
		srv, schemas := actionServer(t, tc.environment)
		for name, settings := range map[string]map[string]string{
			"plaid_sandbox_item_reset_login":  {"access_token": tc.token},
			"plaid_sandbox_item_fire_webhook": {"access_token": tc.token, "webhook_code": "USER_PERMISSION_REVOKED"},
		} {
			resp, err := srv.PlanAction(ctx, &tfprotov6.PlanActionRequest{ActionType: name, Config: actionConfig(t, schemas[name], settings)})
			if err != nil {
				t.Fatal(err)
			}
			got := summaries(resp.Diagnostics)
			if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
				t.Errorf("%s, %s provider, token %s: plan diagnostics %q, want %q", name, tc.environment, tc.token, got, tc.want)
			}
			if strings.Contains(got, tc.token) {
				t.Errorf("%s: a diagnostic repeats the access token", name)
			}
		}
	}
}

// webhook_type must be one Plaid has a webhook of that code for, checked
// on the attribute; an unknown code fails on webhook_code.
func TestSandboxActions_webhookTypeFitsCode(t *testing.T) {
	ctx := context.Background()
	srv, schemas := actionServer(t, "sandbox")
	fire := schemas["plaid_sandbox_item_fire_webhook"]
	for _, tc := range []struct {
		code, typ, wantAttr string
	}{
		{"DEFAULT_UPDATE", "AUTH", ""},
		{"DEFAULT_UPDATE", "", ""},
		{"ERROR", "ITEM", ""},
		{"LOGIN_REPAIRED", "ASSETS", "webhook_type"},
		{"USER_PERMISSION_REVOKED", "TRANSACTIONS", "webhook_type"},
		{"NOT_A_CODE", "", "webhook_code"},
		{"DEFAULT_UPDATE", "NOT_A_TYPE", "webhook_type"},
	} {
		settings := map[string]string{"access_token": "access-sandbox-5f2c1a9e", "webhook_code": tc.code}
		if tc.typ != "" {
			settings["webhook_type"] = tc.typ
		}
		resp, err := srv.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{ActionType: "plaid_sandbox_item_fire_webhook", Config: actionConfig(t, fire, settings)})
		if err != nil {
			t.Fatal(err)
		}
		var attrs []string
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError && d.Attribute != nil {
				attrs = append(attrs, d.Attribute.String())
			}
		}
		want := ""
		if tc.wantAttr != "" {
			want = tftypes.NewAttributePath().WithAttributeName(tc.wantAttr).String()
		}
		if strings.Join(attrs, ",") != want {
			t.Errorf("%s as %q: errors on %v, want on %q (%s)", tc.code, tc.typ, attrs, want, summaries(resp.Diagnostics))
		}
	}
}
