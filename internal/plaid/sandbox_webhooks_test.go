package plaid

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The codes and types fire_webhook takes are Plaid's spec's, and each code
// is listed with types the spec has a webhook of that code for.
func TestSandboxWebhookFactsMatchPlaidSpec(t *testing.T) {
	specPath := os.Getenv("PLAID_OPENAPI_SPEC")
	if specPath == "" {
		t.Skip("PLAID_OPENAPI_SPEC is not set: set it to the path of Plaid's OpenAPI spec to check the webhook codes against it")
	}
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	strs := func(vs []any) []string {
		var out []string
		for _, v := range vs {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	req := doc.Components.Schemas["SandboxItemFireWebhookRequest"].Value
	if got, want := SandboxWebhookCodes(), strs(req.Properties["webhook_code"].Value.Enum); !slices.Equal(got, want) {
		t.Errorf("SandboxWebhookCodes() = %v, spec says %v", got, want)
	}
	if got, want := SandboxWebhookTypes(), strs(doc.Components.Schemas["WebhookType"].Value.Enum); !slices.Equal(got, want) {
		t.Errorf("SandboxWebhookTypes() = %v, spec says %v", got, want)
	}
	// Which (type, code) pairs the spec has a webhook schema for: a schema
	// whose webhook_code names the code and whose webhook_type names the
	// type, in their descriptions (`CODE`, `TYPE`).
	has := func(typ, code string) bool {
		for _, ref := range doc.Components.Schemas {
			s := ref.Value
			if s == nil || s.Properties["webhook_code"] == nil || s.Properties["webhook_type"] == nil {
				continue
			}
			if strings.Contains(s.Properties["webhook_code"].Value.Description, "`"+code+"`") &&
				strings.Contains(s.Properties["webhook_type"].Value.Description, "`"+typ+"`") {
				return true
			}
		}
		return false
	}
	for _, code := range SandboxWebhookCodes() {
		types := SandboxWebhookTypesOf(code)
		if len(types) == 0 {
			t.Errorf("%s has no webhook type", code)
		}
		for _, typ := range types {
			if !slices.Contains(SandboxWebhookTypes(), typ) {
				t.Errorf("%s: type %s is not one fire_webhook takes", code, typ)
			}
			if code != "AUTHORIZATION_GRANTED" && !has(typ, code) {
				t.Errorf("the spec has no %s webhook of type %s", code, typ)
			}
		}
	}
	if SandboxWebhookTypesOf("NOT_A_CODE") != nil {
		t.Error("an unknown code has types")
	}
}

// fire_webhook sends what it is given (webhook_type left out when empty)
// and is not repeated after an answer that may have been lost, since the
// repeat would send a second webhook; reset_login is repeated.
func TestClient_sandboxItemCalls(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, r.URL.Path+" "+string(b))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"request_id":"r-1"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, 0)
	ctx := context.Background()
	if _, err := c.FireSandboxWebhook(ctx, "access-sandbox-x", "", "USER_PERMISSION_REVOKED"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.FireSandboxWebhook(ctx, "access-sandbox-x", "AUTH", "DEFAULT_UPDATE"); err != nil {
		t.Fatal(err)
	}
	if resp, err := c.ResetSandboxLogin(ctx, "access-sandbox-x"); err != nil || resp.RequestID != "r-1" {
		t.Fatalf("reset_login: %v %v", resp, err)
	}
	want := []string{
		`/sandbox/item/fire_webhook {"access_token":"access-sandbox-x","webhook_code":"USER_PERMISSION_REVOKED"}`,
		`/sandbox/item/fire_webhook {"access_token":"access-sandbox-x","webhook_type":"AUTH","webhook_code":"DEFAULT_UPDATE"}`,
		`/sandbox/item/reset_login {"access_token":"access-sandbox-x"}`,
	}
	if !slices.Equal(bodies, want) {
		t.Errorf("sent %v, want %v", bodies, want)
	}

	var calls atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		plaidError(w, 500, "API_ERROR", "INTERNAL_SERVER_ERROR")
	}))
	defer failing.Close()
	_, err := newTestClient(t, failing.URL, 3).FireSandboxWebhook(ctx, "access-sandbox-x", "", "LOGIN_REPAIRED")
	var unknown *OutcomeUnknownError
	if !errors.As(err, &unknown) || calls.Load() != 1 {
		t.Errorf("fire_webhook after a 500: err=%v after %d calls; want OutcomeUnknownError after 1", err, calls.Load())
	}
	calls.Store(0)
	if _, err := newTestClient(t, failing.URL, 2).ResetSandboxLogin(ctx, "access-sandbox-x"); err == nil || calls.Load() != 3 {
		t.Errorf("reset_login after 500s: err=%v after %d calls; want an error after 3", err, calls.Load())
	}
}
