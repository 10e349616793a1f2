package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Values the server echoes. The secret and the access token are the
// provider's own; the public token was never sent, so only its shape can
// give it away.
const (
	echoSecret      = "c0ffee00c0ffee00c0ffee00c0ffee"
	echoAccessToken = "access-sandbox-7d6c5b4a-3928-4170-9e8d-c7b6a5948372"
	echoPublicToken = "public-sandbox-11223344-5566-4778-8899-aabbccddeeff"
)

// echoPlacements put a value in one field or header of an answer.
var echoPlacements = []func(h http.Header, body map[string]any, v string){
	func(h http.Header, b map[string]any, v string) { b["error_type"] = v },
	func(h http.Header, b map[string]any, v string) { b["error_code"] = v },
	func(h http.Header, b map[string]any, v string) { b["error_message"] = v },
	func(h http.Header, b map[string]any, v string) { b["display_message"] = v },
	func(h http.Header, b map[string]any, v string) { b["request_id"] = v },
	func(h http.Header, b map[string]any, v string) {
		b["documentation_url"] = "https://plaid.com/docs/?" + v
	},
	func(h http.Header, b map[string]any, v string) { b["suggested_action"] = v },
	func(h http.Header, b map[string]any, v string) {
		h.Set("Content-Type", `application/json; charset="`+v+`"`)
	},
	func(h http.Header, b map[string]any, v string) { h.Set("Location", "http://"+v+"@127.0.0.2:9/"+v) },
	func(h http.Header, b map[string]any, v string) { h.Set("Location", "http://"+v+".example/") },
	func(h http.Header, b map[string]any, v string) { h.Set("Retry-After", v); h.Set("X-Request-Id", v) },
}

// A server that echoes the secret or a token in any field or header, in any
// form, gets neither into an error, a diagnostic or the log.
func FuzzEchoedSecretsStayOutOfDiagnostics(f *testing.F) {
	for _, status := range []int{200, 302, 400, 404, 429, 500, 502, 503} {
		for placement := range echoPlacements {
			// A token has the most spellings (its hyphens); the fuzz
			// function picks one modulo the value's own count.
			for form := range leakcheck.Echoes(echoAccessToken) {
				for what := range 3 {
					f.Add(uint8(placement), uint8(form), uint8(what), status, "")
				}
			}
		}
	}
	f.Add(uint8(2), uint8(0), uint8(0), 400, "secret ")
	f.Fuzz(func(t *testing.T, placement, form, what uint8, status int, glue string) {
		value := []string{echoSecret, echoAccessToken, echoPublicToken}[int(what)%3]
		echoes := leakcheck.Echoes(value)
		echoed := glue + echoes[int(form)%len(echoes)].Text + glue
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := map[string]any{"error_type": "INVALID_INPUT", "error_code": "INVALID_API_KEYS", "error_message": "m", "display_message": nil, "request_id": "r1"}
			w.Header().Set("Content-Type", "application/json")
			echoPlacements[int(placement)%len(echoPlacements)](w.Header(), body, echoed)
			w.WriteHeader(status)
			raw, _ := json.Marshal(body)
			// The fuzzer's value may carry \u escapes meant for the
			// JSON parser: undo Marshal's escaping of the backslash.
			_, _ = w.Write(bytes.ReplaceAll(raw, []byte(`\\u`), []byte(`\u`)))
		}))
		defer srv.Close()
		client, err := plaid.New(plaid.Config{BaseURL: srv.URL, ClientID: "cid", Secret: echoSecret, RequestsPerMinute: 100000,
			Retry: plaid.RetryPolicy{MaxRetries: 0, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
		if err != nil {
			t.Fatal(err)
		}
		data := &providerData{client: client, environment: plaid.Sandbox}
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &logs)

		var shown strings.Builder
		diags := removeItem(ctx, data, echoAccessToken, "item-1", types.StringNull(), types.StringNull(), types.StringNull())
		_, err = client.GetItem(ctx, echoAccessToken)
		if err != nil {
			shown.WriteString(err.Error() + "\n")
			diags.Append(tokenRefused("Could Not Adopt the Plaid Item", "Adopting the Item with /item/get", err, data)...)
			shown.WriteString(describePlaidError("Reading", err, data) + "\n")
		}
		for _, d := range diags {
			shown.WriteString(d.Summary() + "\n" + d.Detail() + "\n")
		}
		shown.Write(logs.Bytes())
		if leak := leakcheck.Find(shown.String(), echoSecret, echoAccessToken, echoPublicToken); leak != "" {
			t.Fatalf("%s shows in an error, diagnostic or log line", leak)
		}
	})
}

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
	if _, ok := NewServer("test")().(*redactingServer); !ok {
		t.Error("NewServer does not put redactingServer outermost")
	}
}

// Each kind of failure the client now tells apart gets advice that fits it.
func TestDescribePlaidError_adviceFitsTheCause(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/sandbox/public_token/create":
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"error_type":"API_ERROR","error_code":"INTERNAL_SERVER_ERROR","error_message":"m","request_id":"r"}`))
		default:
			w.Header().Set("Location", "http://127.0.0.2:9/")
			w.WriteHeader(307)
		}
	}))
	defer srv.Close()
	client, err := plaid.New(plaid.Config{BaseURL: srv.URL, ClientID: "cid", Secret: echoSecret, RequestsPerMinute: 100000,
		Retry: plaid.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	_, createErr := client.CreateSandboxPublicToken(context.Background(), plaid.SandboxPublicTokenRequest{InstitutionID: "ins_1", InitialProducts: []string{"auth"}})
	_, redirectErr := client.GetItem(context.Background(), echoAccessToken)
	for name, tc := range map[string]struct {
		err       error
		want, not string
	}{
		"creating call may have gone through": {createErr, "GET /emulator/items", "kept failing"},
		"redirect":                            {redirectErr, "127.0.0.2", "retries"},
	} {
		text := describePlaidError("Doing it", tc.err, &providerData{environment: plaid.Sandbox, baseURL: srv.URL, maxRetries: 3})
		if !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
			t.Errorf("%s: want %q and not %q in:\n%s", name, tc.want, tc.not, text)
		}
	}
}
