package provider

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
)

// stubPlaid answers every request with one fixed answer, counting calls:
// for the server answers a real Plaid (or a proxy before it) might give.
func stubPlaid(t *testing.T, status int, contentType, body string) (*httptest.Server, *atomic.Int32) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		_, _ = io.Copy(io.Discard, r.Body)
		if contentType != "" {
			w.Header().Set("Content-Type", contentType)
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func plaidErrorBody(errType, code string) string {
	return fmt.Sprintf(`{"error_type":%q,"error_code":%q,"error_message":"m","display_message":null,"request_id":"req-42"}`, errType, code)
}

const (
	validSandboxToken = "access-sandbox-5f2c1a9e-1111-4222-8333-444455556666"
	stubSecret        = "stub-secret-7d41c0e2b9"
)

func init() { acctest.RegisterSecret("the stub server's secret", stubSecret) }

// Bad configurations and bad server answers: each gives a clear
// diagnostic, on the attribute at fault where there is one, and never a
// panic. Config cases fail at plan time without calling Plaid.
func TestAccBadInput(t *testing.T) {
	tg := acctest.NewTarget(t)
	tg.NewItem(t)
	resourceWith := func(attrs string) string {
		return fmt.Sprintf("resource \"plaid_item\" \"test\" {\n  access_token = var.plaid_token\n%s\n}\n", attrs)
	}
	token := func(tok string) string {
		return fmt.Sprintf("resource \"plaid_item\" \"test\" {\n  access_token = %q\n}\n", tok)
	}
	stubConfig := func(t *testing.T, status int, contentType, body string) string {
		srv, _ := stubPlaid(t, status, contentType, body)
		t.Setenv("PLAID_SECRET", stubSecret)
		return fmt.Sprintf("provider \"plaid\" {\n  base_url    = %q\n  client_id   = \"id\"\n  max_retries = 0\n}\n", srv.URL) + token(validSandboxToken)
	}

	type badCase struct {
		config   func(t *testing.T) string
		planOnly bool
		want     string
	}
	cases := map[string]badCase{
		// The token.
		"malformed token":         {func(*testing.T) string { return tg.ProviderConfig() + token("not-a-token") }, true, `Invalid Plaid Access Token.*access_token\s*=`},
		"other-environment token": {func(*testing.T) string { return tg.ProviderConfig() + token("access-production-5f2c1a9e") }, true, `Access Token From Another Environment.*access_token\s*=`},
		"public token":            {func(*testing.T) string { return tg.ProviderConfig() + token("public-sandbox-5f2c1a9e") }, true, `Invalid Plaid Access Token.*access_token\s*=`},
		"development token":       {func(*testing.T) string { return tg.ProviderConfig() + token("access-development-5f2c1a9e") }, true, `access_token\s*=.*development.*shut\s+down`},
		"token with a space":      {func(*testing.T) string { return tg.ProviderConfig() + token("access-sandbox-5f2c 1a9e") }, true, `access_token\s*=.*letters,\s+digits\s+and\s+dashes`},
		"empty token":             {func(*testing.T) string { return tg.ProviderConfig() + token("") }, true, `Invalid Plaid Access Token.*access_token\s*=`},
		"unknown reason code":     {func(*testing.T) string { return tg.ProviderConfig() + resourceWith(`  removal_reason_code = "bored"`) }, true, `removal_reason_code\s*=.*FRAUD_FIRST_PARTY`},
		"over-long note": {func(*testing.T) string {
			return tg.ProviderConfig() + resourceWith(`  removal_reason_note = "`+strings.Repeat("n", 513)+`"`)
		}, true, `removal_reason_note\s*=.*512`},
		"webhook with a bad scheme": {func(*testing.T) string { return tg.ProviderConfig() + resourceWith(`  webhook = "ftp://example.com"`) }, true, `Invalid Webhook URL.*webhook\s*=`},
		"sandbox days out of range": {func(*testing.T) string {
			return tg.ProviderConfig() + `resource "plaid_sandbox_item" "test" { transactions_days_requested = 0 }`
		}, true, `transactions_days_requested.*between\s+1\s+and\s+730`},

		// The provider block.
		"empty secret":      {func(*testing.T) string { return providerBlock(tg, `secret = ""`) + resourceWith("") }, true, `Missing Plaid Secret.*PLAID_SECRET`},
		"empty client_id":   {func(*testing.T) string { return providerBlock(tg, `client_id = ""`) + resourceWith("") }, true, `Missing Plaid Client ID.*PLAID_CLIENT_ID`},
		"base_url with ftp": {func(*testing.T) string { return providerBlock(tg, `base_url = "ftp://127.0.0.1"`) + resourceWith("") }, true, `Invalid Plaid Base URL.*base_url\s*=.*http://`},
		"base_url with a path": {func(*testing.T) string {
			return providerBlock(tg, `base_url = "http://127.0.0.1:8080/v1"`) + resourceWith("")
		}, true, `Invalid Plaid Base URL.*base_url\s*=.*path`},
		"base_url with userinfo": {func(*testing.T) string {
			return providerBlock(tg, `base_url = "http://u:p@127.0.0.1"`) + resourceWith("")
		}, true, `Invalid Plaid Base URL.*credentials`},
		"base_url not a URL":       {func(*testing.T) string { return providerBlock(tg, `base_url = "::"`) + resourceWith("") }, true, `Invalid Plaid Base URL`},
		"development environment":  {func(*testing.T) string { return providerBlock(tg, `environment = "development"`) + resourceWith("") }, true, `environment\s*=.*shut\s+down`},
		"unknown environment":      {func(*testing.T) string { return providerBlock(tg, `environment = "staging"`) + resourceWith("") }, true, `Invalid Plaid Environment.*not\s+a\s+Plaid\s+environment`},
		"bad request_timeout":      {func(*testing.T) string { return providerBlock(tg, `request_timeout = "soon"`) + resourceWith("") }, true, `Invalid Duration.*request_timeout`},
		"negative max_retries":     {func(*testing.T) string { return providerBlock(tg, `max_retries = -1`) + resourceWith("") }, true, `max_retries`},
		"zero requests_per_minute": {func(*testing.T) string { return providerBlock(tg, `requests_per_minute = 0`) + resourceWith("") }, true, `requests_per_minute`},

		// What comes back from the network.
		"closed port": {func(*testing.T) string {
			return "provider \"plaid\" {\n  base_url = \"http://127.0.0.1:1\"\n  client_id = \"id\"\n  secret = \"test-secret\"\n  max_retries = 0\n}\n" + token(validSandboxToken)
		}, false, `got\s+no\s+answer.*base_url`},
		"HTML 502 from a proxy": {func(t *testing.T) string {
			return stubConfig(t, 502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>")
		}, false, `HTML\s+page.*base_url`},
		"truncated error JSON":    {func(t *testing.T) string { return stubConfig(t, 400, "application/json", `{"error_type":"INVALID_RE`) }, false, `not\s+valid\s+JSON`},
		"200 that isn't JSON":     {func(t *testing.T) string { return stubConfig(t, 200, "text/plain", "ok") }, false, `not\s+JSON`},
		"200 with truncated JSON": {func(t *testing.T) string { return stubConfig(t, 200, "application/json", `{"item":{"item_id":"x"`) }, false, `not\s+valid\s+JSON`},
		"200 without an item":     {func(t *testing.T) string { return stubConfig(t, 200, "application/json", `{"request_id":"r"}`) }, false, `no\s+item.item_id`},
		"unknown error code": {func(t *testing.T) string {
			return stubConfig(t, 400, "application/json", plaidErrorBody("NEW_TYPE", "NEW_THING"))
		}, false, `NEW_TYPE/NEW_THING.*request_id\s+req-42`},
		"enormous body": {func(t *testing.T) string {
			return stubConfig(t, 200, "application/json", `{"x":"`+strings.Repeat("a", 5<<20)+`"}`)
		}, false, `larger\s+than`},
		"empty 500": {func(t *testing.T) string { return stubConfig(t, 500, "", "") }, false, `body\s+is\s+empty`},
		"wrong credentials": {func(t *testing.T) string {
			return stubConfig(t, 400, "application/json", plaidErrorBody("INVALID_INPUT", "INVALID_API_KEYS"))
		}, false, `INVALID_API_KEYS.*client_id\s+and\s+secret`},
		"item already removed": {func(t *testing.T) string {
			return stubConfig(t, 400, "application/json", plaidErrorBody("ITEM_ERROR", "ITEM_NOT_FOUND"))
		}, false, `Plaid Item Already Removed.*access_token\s*=`},
		"token rejected on adopt": {func(t *testing.T) string {
			return stubConfig(t, 400, "application/json", plaidErrorBody("INVALID_INPUT", "INVALID_ACCESS_TOKEN"))
		}, false, `Plaid Rejected the Access Token.*access_token\s*=.*rotated`},
		"rate limited": {func(t *testing.T) string {
			return stubConfig(t, 429, "application/json", plaidErrorBody("RATE_LIMIT_EXCEEDED", "RATE_LIMIT"))
		}, false, `RATE_LIMIT.*requests_per_minute`},
		"production at the sandbox host": {func(t *testing.T) string {
			// The secret from the environment: Terraform logs configuration.
			t.Setenv("PLAID_SECRET", stubSecret)
			return "provider \"plaid\" {\n  environment = \"production\"\n  base_url    = \"https://sandbox.plaid.com\"\n  client_id   = \"id\"\n}\n" + token("access-production-5f2c1a9e")
		}, true, `Base URL of Another Plaid Environment.*base_url.*Plaid's\s+sandbox\s+host`},
		"maintenance": {func(t *testing.T) string {
			return stubConfig(t, 503, "application/json", plaidErrorBody("API_ERROR", "PLANNED_MAINTENANCE"))
		}, false, `PLANNED_MAINTENANCE.*server at the provider.s base_url`},
	}
	if len(cases) < 25 {
		t.Fatalf("the table has %d cases; the bar is 25", len(cases))
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      tc.config(t),
					PlanOnly:    tc.planOnly,
					ExpectError: regexp.MustCompile(`(?s)` + tc.want),
				}},
			})
		})
	}
}

// CREDITS_EXHAUSTED is a 429 that retrying cannot cure: one call, then a
// diagnostic that says so.
func TestAccBadInput_creditsExhaustedIsNotRetried(t *testing.T) {
	t.Setenv("PLAID_SECRET", stubSecret)
	srv, calls := stubPlaid(t, 429, "application/json", plaidErrorBody("RATE_LIMIT_EXCEEDED", "CREDITS_EXHAUSTED"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      fmt.Sprintf("provider \"plaid\" {\n  base_url = %q\n  client_id = \"id\"\n}\n", srv.URL) + fmt.Sprintf("resource \"plaid_item\" \"test\" {\n  access_token = %q\n}\n", validSandboxToken),
			ExpectError: regexp.MustCompile(`(?s)CREDITS_EXHAUSTED.*retrying\s+will\s+not\s+help`),
		}},
	})
	if calls.Load() != 1 {
		t.Errorf("CREDITS_EXHAUSTED was sent %d times, want once", calls.Load())
	}
}

// providerBlock is the target's provider block with one setting replaced.
func providerBlock(tg *acctest.Target, setting string) string {
	name := strings.TrimSpace(strings.SplitN(setting, "=", 2)[0])
	var lines []string
	for _, line := range strings.Split(tg.ProviderConfig(), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), name+" ") {
			continue
		}
		lines = append(lines, line)
	}
	cfg := strings.Join(lines, "\n")
	return strings.Replace(cfg, "provider \"plaid\" {\n", "provider \"plaid\" {\n  "+setting+"\n", 1)
}
