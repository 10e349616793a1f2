package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

const (
	gatewayTestKey    = "gw-key-c41f9a7e20d3"
	gatewayTestSecret = "env-secret-0a9b8c7d6e5f"
)

func init() {
	acctest.RegisterSecret("a test gateway key", gatewayTestKey)
	acctest.RegisterSecret("a secret left in the environment in gateway mode", gatewayTestSecret)
}

func gatewayHeadersValue(m map[string]string) types.Map {
	elems := map[string]attr.Value{}
	for k, v := range m {
		elems[k] = types.StringValue(v)
	}
	return types.MapValueMust(types.StringType, elems)
}

func diagText(diags diag.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		fmt.Fprintf(&b, "%s: %s: %s\n", d.Severity(), d.Summary(), d.Detail())
	}
	return b.String()
}

// With PLAID_CLIENT_ID and PLAID_SECRET in the environment and gateway
// mode on (here through PLAID_GATEWAY), the provider warns, naming the
// variables, and sends neither: the request that reaches the gateway
// carries only the gateway's header.
func TestGatewayConfig_ignoresCredentialsInTheEnvironment(t *testing.T) {
	var mu sync.Mutex
	var got http.Header
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = r.Header.Clone()
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		_, _ = fmt.Fprint(w, `{"item":{"item_id":"it1"},"request_id":"r1"}`)
	}))
	defer srv.Close()
	cfg := fullConfig()
	cfg.GatewayHeaders = gatewayHeadersValue(map[string]string{"X-Gateway-Key": gatewayTestKey})
	env := envFrom(map[string]string{envGateway: "true", envBaseURL: srv.URL, envClientID: "env-client-id", envSecret: gatewayTestSecret})
	data, diags := newProviderData(cfg, "test", "", env)
	if diags.HasError() {
		t.Fatal(diagText(diags))
	}
	if len(diags.Warnings()) != 1 || !strings.Contains(diagText(diags), envClientID+" and "+envSecret+" are set") {
		t.Errorf("want one warning naming both variables, got:\n%s", diagText(diags))
	}
	if strings.Contains(diagText(diags), gatewayTestSecret) || strings.Contains(diagText(diags), "env-client-id") {
		t.Errorf("the warning shows a value:\n%s", diagText(diags))
	}
	if _, err := data.client.GetItem(t.Context(), validSandboxToken); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if _, ok := got[http.CanonicalHeaderKey(plaid.HeaderClientID)]; ok {
		t.Error("the client ID from the environment was sent")
	}
	if _, ok := got[http.CanonicalHeaderKey(plaid.HeaderSecret)]; ok {
		t.Error("the secret from the environment was sent")
	}
	if got.Get("X-Gateway-Key") != gatewayTestKey {
		t.Error("the gateway header was not sent")
	}
	if !data.gateway {
		t.Error("providerData does not know it is in gateway mode")
	}
}

// Each configuration that contradicts gateway mode is refused on its
// attribute, by newProviderData (for what comes from the environment) as by
// ValidateConfig.
func TestGatewayConfig_refusals(t *testing.T) {
	headers := gatewayHeadersValue(map[string]string{"X-Gateway-Key": gatewayTestKey})
	on := func(c *providerModel) { c.Gateway = types.BoolValue(true); c.GatewayHeaders = headers }
	for name, tc := range map[string]struct {
		cfg        func(*providerModel)
		env        map[string]string
		attr, want string
	}{
		"client_id with gateway": {cfg: func(c *providerModel) { on(c); c.ClientID = types.StringValue("cid") }, env: map[string]string{envBaseURL: "https://gw.example"}, attr: "client_id", want: "Plaid Credential Set in Gateway Mode"},
		"secret with gateway":    {cfg: func(c *providerModel) { on(c); c.Secret = types.StringValue(gatewayTestSecret) }, env: map[string]string{envBaseURL: "https://gw.example"}, attr: "secret", want: "Plaid Credential Set in Gateway Mode"},
		"client_id with PLAID_GATEWAY": {cfg: func(c *providerModel) { c.ClientID = types.StringValue("cid") },
			env: map[string]string{envGateway: "1", envBaseURL: "https://gw.example"}, attr: "client_id", want: "Plaid Credential Set in Gateway Mode"},
		"no base_url":                  {cfg: on, env: map[string]string{}, attr: "base_url", want: "Missing Gateway Base URL"},
		"http base_url, not loopback":  {cfg: func(c *providerModel) { on(c); c.BaseURL = types.StringValue("http://gw.example") }, attr: "base_url", want: "Invalid Gateway Base URL"},
		"http PLAID_BASE_URL":          {cfg: on, env: map[string]string{envBaseURL: "http://10.0.0.7:8080"}, attr: "base_url", want: "Invalid Gateway Base URL"},
		"Plaid's own host":             {cfg: func(c *providerModel) { on(c); c.BaseURL = types.StringValue("https://sandbox.plaid.com") }, attr: "base_url", want: "Gateway Mode Sends to Plaid Itself"},
		"gateway_headers, no gateway":  {cfg: func(c *providerModel) { c.GatewayHeaders = headers }, env: map[string]string{envClientID: "id", envSecret: "s"}, attr: "gateway_headers", want: "Gateway Headers Without Gateway Mode"},
		"gateway_headers, gateway off": {cfg: func(c *providerModel) { c.Gateway = types.BoolValue(false); c.GatewayHeaders = headers }, env: map[string]string{envClientID: "id", envSecret: "s"}, attr: "gateway_headers", want: "Gateway Headers Without Gateway Mode"},
		"PLAID_GATEWAY not a boolean":  {env: map[string]string{envGateway: "yes-" + gatewayTestSecret, envBaseURL: "https://gw.example"}, attr: "gateway", want: "must be true or false"},
		"unknown gateway":              {cfg: func(c *providerModel) { c.Gateway = types.BoolUnknown() }, env: map[string]string{envClientID: "id", envSecret: "s"}, attr: "gateway", want: "known at plan time"},
		"unknown gateway_headers":      {cfg: func(c *providerModel) { on(c); c.GatewayHeaders = types.MapUnknown(types.StringType) }, env: map[string]string{envBaseURL: "https://gw.example"}, attr: "gateway_headers", want: "known at plan time"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := fullConfig()
			if tc.cfg != nil {
				tc.cfg(&cfg)
			}
			_, diags := newProviderData(cfg, "test", "", envFrom(tc.env))
			var found bool
			for _, d := range diags.Errors() {
				if wp, ok := d.(diag.DiagnosticWithPath); ok && wp.Path().String() == tc.attr && strings.Contains(d.Summary()+d.Detail(), tc.want) {
					found = true
				}
			}
			if !found {
				t.Errorf("want an error on %s saying %q, got:\n%s", tc.attr, tc.want, diagText(diags))
			}
			if strings.Contains(diagText(diags), gatewayTestSecret) || strings.Contains(diagText(diags), gatewayTestKey) {
				t.Errorf("a diagnostic shows a secret:\n%s", diagText(diags))
			}
		})
	}
}

// In gateway mode the advice names the gateway for what is the gateway's
// doing, and Plaid for Plaid's answers passed through.
func TestNextStep_gateway(t *testing.T) {
	data := &providerData{environment: plaid.Sandbox, baseURL: "https://gw.example", maxRetries: 3, gateway: true}
	for name, tc := range map[string]struct {
		err         error
		want, never []string
	}{
		"401 without Plaid's shape":  {&plaid.UnexpectedResponseError{HTTPStatus: 401, ContentType: "text/plain", Problem: "the body is not valid JSON"}, []string{"gateway at the provider's base_url (https://gw.example)", "gateway_headers", "not Plaid's"}, []string{"status.plaid.com"}},
		"403 in HTML":                {&plaid.UnexpectedResponseError{HTTPStatus: 403, ContentType: "text/html", Problem: "the body is an HTML page"}, []string{"refused the request itself", "gateway_headers"}, nil},
		"502 in HTML":                {fmt.Errorf("gave up: %w", &plaid.UnexpectedResponseError{HTTPStatus: 502, ContentType: "text/html"}), []string{"could not get an answer from Plaid after 3 retries", "gateway's logs"}, []string{"gateway_headers"}},
		"504 in HTML":                {&plaid.UnexpectedResponseError{HTTPStatus: 504, ContentType: "text/html"}, []string{"could not get an answer from Plaid", "https://gw.example"}, nil},
		"a 200 that is not Plaid's":  {&plaid.UnexpectedResponseError{HTTPStatus: 200}, []string{"pass Plaid's answer through unchanged"}, nil},
		"the gateway's own 429":      {&plaid.UnexpectedResponseError{HTTPStatus: 429}, []string{"not Plaid's", "limited the request itself after 3 retries", "requests_per_minute"}, nil},
		"Plaid refused the keys":     {&plaid.Error{HTTPStatus: 400, ErrorType: "INVALID_INPUT", ErrorCode: plaid.CodeInvalidAPIKeys}, []string{"the gateway at the provider's base_url", "injects"}, []string{envSecret}},
		"Plaid's 500 passed through": {&plaid.Error{HTTPStatus: 500, ErrorType: "API_ERROR", ErrorCode: "INTERNAL_SERVER_ERROR"}, []string{"Plaid kept failing", "status.plaid.com"}, []string{"gateway_headers"}},
		"Plaid's 429 passed through": {&plaid.Error{HTTPStatus: 429, ErrorType: "RATE_LIMIT_EXCEEDED", ErrorCode: "RATE_LIMIT"}, []string{"Plaid (through the gateway", "requests_per_minute"}, nil},
		"a redirect":                 {&plaid.RedirectError{HTTPStatus: 307}, []string{"redirect came from the gateway", "never redirect"}, nil},
		"gateway down":               {&plaid.TransportError{Unreachable: true}, []string{"the gateway is running"}, nil},
	} {
		t.Run(name, func(t *testing.T) {
			got := nextStep(tc.err, data)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("advice %q does not contain %q", got, w)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(got, n) {
					t.Errorf("advice %q contains %q", got, n)
				}
			}
		})
	}
}

// Every refusal of gateway mode fails at plan, through the terraform CLI,
// on the attribute at fault.
func TestAccGateway_refusedAtPlan(t *testing.T) {
	// Nothing from the test process's environment may decide a case.
	for _, v := range []string{envGateway, envBaseURL, envClientID, envSecret} {
		t.Setenv(v, "")
	}
	item := fmt.Sprintf("resource \"plaid_item\" \"test\" {\n  access_token = %q\n}\n", validSandboxToken)
	gatewayBlock := func(lines ...string) string {
		return "provider \"plaid\" {\n  gateway  = true\n  " + strings.Join(lines, "\n  ") + "\n}\n" + item
	}
	headers := func(entries string) string { return "gateway_headers = {\n    " + entries + "\n  }" }
	const gw = `base_url = "https://gw.example"`
	// The configurations are refused at plan, so their header value is
	// never a secret anyone uses; it is not gatewayTestKey because the
	// test framework logs each configuration it writes, which the TRACE
	// leak scan (make test-trace) would rightly report.
	const refusedValue = "refused-at-plan-7f3e9c1d"
	key := fmt.Sprintf("%q", refusedValue)
	for name, tc := range map[string]struct {
		config string
		env    map[string]string
		want   string
	}{
		"client_id":                    {gatewayBlock(gw, `client_id = "cid"`), nil, `Plaid Credential Set in Gateway Mode.*client_id\s*=`},
		"secret":                       {gatewayBlock(gw, `secret = "not-the-secret"`), nil, `Plaid Credential Set in Gateway Mode.*secret\s*=`},
		"client_id with PLAID_GATEWAY": {"provider \"plaid\" {\n  " + gw + "\n  client_id = \"cid\"\n}\n" + item, map[string]string{envGateway: "true"}, `Plaid Credential Set in Gateway Mode`},
		"no base_url":                  {gatewayBlock(), nil, `Missing Gateway Base URL`},
		"http to a host":               {gatewayBlock(`base_url = "http://gw.example"`), nil, `Invalid Gateway Base URL.*base_url\s*=`},
		"Plaid's host":                 {gatewayBlock(`base_url = "https://sandbox.plaid.com"`), nil, `Gateway Mode Sends to Plaid Itself.*base_url\s*=`},
		"headers without gateway":      {"provider \"plaid\" {\n  client_id = \"cid\"\n  " + headers(`"X-Key" = `+key) + "\n}\n" + item, map[string]string{envSecret: gatewayTestSecret}, `Gateway Headers Without Gateway Mode.*gateway_headers`},
		"PLAID-SECRET header":          {gatewayBlock(gw, headers(`"plaid-secret" = `+key)), nil, `Invalid Gateway Header.*Plaid\s+credential`},
		"PLAID-CLIENT-ID header":       {gatewayBlock(gw, headers(`"PLAID-CLIENT-ID" = `+key)), nil, `Invalid Gateway Header.*Plaid\s+credential`},
		"Plaid-Version header":         {gatewayBlock(gw, headers(`"PLAID-VERSION" = `+key)), nil, `Invalid Gateway Header.*API\s+version`},
		"Host header":                  {gatewayBlock(gw, headers(`"host" = `+key)), nil, `Invalid Gateway Header.*HTTP\s+client`},
		"Content-Length header":        {gatewayBlock(gw, headers(`"Content-Length" = `+key)), nil, `Invalid Gateway Header.*HTTP\s+client`},
		"Content-Type header":          {gatewayBlock(gw, headers(`"content-type" = `+key)), nil, `Invalid Gateway Header.*HTTP\s+client`},
		"hop-by-hop header":            {gatewayBlock(gw, headers(`"Transfer-Encoding" = `+key)), nil, `Invalid Gateway Header.*hop-by-hop`},
		"invalid name":                 {gatewayBlock(gw, headers(`"X Key" = `+key)), nil, `Invalid Gateway Header.*not\s+a\s+valid\s+HTTP\s+header\s+name`},
		"value with a newline":         {gatewayBlock(gw, headers(`"X-Key" = "`+refusedValue+`\n"`)), nil, `Invalid Gateway Header.*printable\s+ASCII`},
		"short value":                  {gatewayBlock(gw, headers(`"X-Key" = "short"`)), nil, `Invalid Gateway Header.*fewer\s+than\s+8\s+letters\s+and\s+digits`},
		"one header twice":             {gatewayBlock(gw, headers(`"X-Key" = `+key+"\n    \"x-key\" = "+key)), nil, `Gateway Header Set Twice`},
		"PLAID_GATEWAY not a boolean":  {"provider \"plaid\" {\n  " + gw + "\n}\n" + item, map[string]string{envGateway: "maybe"}, `Invalid Gateway Setting.*must\s+be\s+true\s+or\s+false`},
	} {
		t.Run(name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				Steps: []resource.TestStep{{
					Config:      tc.config,
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)` + tc.want),
				}},
			})
		})
	}
}

// An access token refused through a gateway points at the credentials the
// gateway injects, not at the provider's, which it has none of.
func TestTokenAdvice_gateway(t *testing.T) {
	rejected := &plaid.Error{HTTPStatus: 400, ErrorType: "INVALID_INPUT", ErrorCode: plaid.CodeInvalidAccessToken}
	for _, data := range []*providerData{{environment: plaid.Sandbox, baseURL: "https://gw.example", gateway: true}, {environment: plaid.Sandbox, baseURL: "https://sandbox.plaid.com"}} {
		want := "the provider's environment, client_id or secret"
		if data.gateway {
			want = "the client_id or secret the gateway at base_url injects"
		}
		if got := invalidTokenDetail("Refreshing Item it1", "it1", rejected, data); !strings.Contains(got, want) {
			t.Errorf("gateway %v: advice does not say %q:\n%s", data.gateway, want, got)
		}
		diags := tokenRefused("Could Not Adopt", "Adopting", rejected, data)
		if data.gateway != strings.Contains(diagText(diags), "than the one the gateway at base_url injects") {
			t.Errorf("gateway %v: %s", data.gateway, diagText(diags))
		}
	}
}
