package provider

import (
	"bytes"
	"context"
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

func (s stubServer) ApplyResourceChange(ctx context.Context, _ *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return &tfprotov6.ApplyResourceChangeResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ReadDataSource(ctx context.Context, _ *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return &tfprotov6.ReadDataSourceResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubServer) ConfigureProvider(ctx context.Context, _ *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return &tfprotov6.ConfigureProviderResponse{Diagnostics: s.diags(ctx)}, nil
}

// Every diagnostic leaves the provider redacted (terraform-plugin-go logs
// them from the response), and every RPC logs on a masked context.
func TestRedactingServer(t *testing.T) {
	if _, err := plaid.New(plaid.Config{BaseURL: "http://127.0.0.1:1", ClientID: "cid", Secret: echoSecret}); err != nil {
		t.Fatal(err)
	}
	text := "secret " + strings.ToUpper(echoSecret) + " token " + leakcheck.PercentEncodeAll(echoAccessToken) + " glued token_" + echoPublicToken
	// Log masks cannot decode: what the provider logs has passed Redact,
	// and the masks catch the plain forms of what has not.
	logged := "secret " + strings.ToUpper(echoSecret) + " " + leakcheck.PercentEncodeAll(echoSecret) + " token TOKEN_" + strings.ToUpper(echoAccessToken) + " " + echoPublicToken
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	srv := &redactingServer{ProviderServer: stubServer{text: text, logged: logged}}
	var diags []*tfprotov6.Diagnostic
	r1, _ := srv.ApplyResourceChange(ctx, nil)
	r2, _ := srv.ReadDataSource(ctx, nil)
	r3, _ := srv.ConfigureProvider(ctx, nil)
	diags = append(append(append(diags, r1.Diagnostics...), r2.Diagnostics...), r3.Diagnostics...)
	var shown strings.Builder
	for _, d := range diags {
		shown.WriteString(d.Summary + "\n" + d.Detail + "\n")
	}
	if !strings.Contains(shown.String(), "S secret") || logs.Len() == 0 {
		t.Fatalf("the stub's diagnostics or logs are missing:\n%s\n%s", shown.String(), logs.String())
	}
	shown.Write(logs.Bytes())
	if leak := leakcheck.Find(shown.String(), echoSecret, echoAccessToken, echoPublicToken); leak != "" {
		t.Errorf("%s left the provider", leak)
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
