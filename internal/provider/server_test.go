package provider

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
	"github.com/ledgerline/terraform-provider-plaid/internal/rpccontext"
)

// stubServer answers every RPC with diagnostics carrying the secret and a
// token, and logs them on the context it is given.
type stubServer struct {
	tfprotov6.ProviderServer
	text, logged string
}

func (s stubServer) diags(ctx context.Context) []*tfprotov6.Diagnostic {
	tflog.Info(ctx, "stub "+s.logged, map[string]any{"detail": s.logged})
	return []*tfprotov6.Diagnostic{{Severity: tfprotov6.DiagnosticSeverityError, Summary: "S " + s.text, Detail: "D " + s.text}}
}

func (s stubServer) ValidateProviderConfig(ctx context.Context, _ *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return &tfprotov6.ValidateProviderConfigResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ConfigureProvider(ctx context.Context, _ *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ValidateResourceConfig(ctx context.Context, _ *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return &tfprotov6.ValidateResourceConfigResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ValidateDataResourceConfig(ctx context.Context, _ *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return &tfprotov6.ValidateDataResourceConfigResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) UpgradeResourceState(ctx context.Context, _ *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return &tfprotov6.UpgradeResourceStateResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return &tfprotov6.ReadResourceResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) PlanResourceChange(ctx context.Context, _ *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return &tfprotov6.PlanResourceChangeResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ApplyResourceChange(ctx context.Context, _ *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return &tfprotov6.ApplyResourceChangeResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ImportResourceState(ctx context.Context, _ *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return &tfprotov6.ImportResourceStateResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) MoveResourceState(ctx context.Context, _ *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return &tfprotov6.MoveResourceStateResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ReadDataSource(ctx context.Context, _ *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return &tfprotov6.ReadDataSourceResponse{Diagnostics: s.diags(ctx)}, nil
}

// Every diagnostic leaves the provider redacted (terraform-plugin-go logs
// them from the response), whichever RPC returns it, and every RPC logs on a
// masked context. Each RPC the redacting layer forwards is driven here: the
// layer finds each response's diagnostics by its type, and a type it missed
// would pass its diagnostics through untouched.
func TestRedactingServer(t *testing.T) {
	if _, err := plaid.New(plaid.Config{BaseURL: "http://127.0.0.1:1", ClientID: "cid", Secret: echoSecret}); err != nil {
		t.Fatal(err)
	}
	text := "secret " + strings.ToUpper(echoSecret) + " token " + leakcheck.PercentEncodeAll(echoAccessToken) + " glued token_" + echoPublicToken
	// Log masks cannot decode: what the provider logs has passed Redact,
	// and the masks catch the plain forms of what has not.
	logged := "secret " + strings.ToUpper(echoSecret) + " " + leakcheck.PercentEncodeAll(echoSecret) + " token TOKEN_" + strings.ToUpper(echoAccessToken) + " " + echoPublicToken
	srv := reflect.ValueOf(&redactingServer{ProviderServer: stubServer{text: text, logged: logged}})
	for _, name := range []string{"ValidateProviderConfig", "ConfigureProvider", "ValidateResourceConfig", "ValidateDataResourceConfig",
		"UpgradeResourceState", "ReadResource", "PlanResourceChange", "ApplyResourceChange", "ImportResourceState", "MoveResourceState", "ReadDataSource"} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			rpc := srv.MethodByName(name)
			out := rpc.Call([]reflect.Value{reflect.ValueOf(tflogtest.RootLogger(context.Background(), &logs)), reflect.Zero(rpc.Type().In(1))})
			if err, _ := out[1].Interface().(error); err != nil {
				t.Fatal(err)
			}
			// Read by field name, not by the layer's own type switch.
			got, _ := out[0].Elem().FieldByName("Diagnostics").Interface().([]*tfprotov6.Diagnostic)
			var shown strings.Builder
			for _, d := range got {
				shown.WriteString(d.Summary + "\n" + d.Detail + "\n")
			}
			if !strings.Contains(shown.String(), "S secret") || logs.Len() == 0 {
				t.Fatalf("the stub's diagnostics or logs are missing:\n%s\n%s", shown.String(), logs.String())
			}
			shown.Write(logs.Bytes())
			if leak := leakcheck.Find(shown.String(), echoSecret, echoAccessToken, echoPublicToken); leak != "" {
				t.Errorf("%s left the provider", leak)
			}
		})
	}
}

// main.go and the acceptance tests serve NewServer's layers: redaction
// outermost, so that it sees every diagnostic, then rpccontext's.
func TestNewServer_layers(t *testing.T) {
	outer, ok := NewServer("test")().(*redactingServer)
	if !ok {
		t.Fatal("NewServer does not put redactingServer outermost")
	}
	if _, ok := outer.ProviderServer.(*rpccontext.Server); !ok {
		t.Errorf("inside redactingServer is %T, want *rpccontext.Server", outer.ProviderServer)
	}
}
