package plaid

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

const testGatewayKey = "gw-key-3b8e51d07a"

func newGatewayClient(t *testing.T, url string, headers map[string]string) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: url, Gateway: true, GatewayHeaders: headers, UserAgent: "ua/1",
		Retry: RetryPolicy{MaxRetries: 0}, RequestsPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// In gateway mode nothing of Plaid's credentials leaves the client, in
// headers or body; the gateway's own header goes on every request.
func TestGateway_sendsNoCredentialsAndItsOwnHeader(t *testing.T) {
	var got http.Header
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"removed":true,"request_id":"r1"}`)
	}))
	defer srv.Close()
	c := newGatewayClient(t, srv.URL, map[string]string{"x-gateway-key": testGatewayKey})
	if _, err := c.RemoveItem(t.Context(), "access-sandbox-gw", RemoveReason{}); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{HeaderClientID, HeaderSecret} {
		if v, ok := got[http.CanonicalHeaderKey(h)]; ok {
			t.Errorf("gateway mode sent %s (%d values)", h, len(v))
		}
	}
	if got.Get("X-Gateway-Key") != testGatewayKey || got.Get(HeaderVersion) != APIVersion {
		t.Errorf("headers = %v, want the gateway's key and Plaid-Version", got)
	}
	if strings.Contains(body, "client_id") || strings.Contains(body, "secret") {
		t.Errorf("body carries a credential field: %s", body)
	}
}

func TestGateway_newRefusesWhatWouldDefeatOrBreakIt(t *testing.T) {
	ok := map[string]string{"X-Gateway-Key": testGatewayKey}
	for name, cfg := range map[string]Config{
		"client ID":             {BaseURL: "https://gw.example", Gateway: true, ClientID: "cid", GatewayHeaders: ok},
		"secret":                {BaseURL: "https://gw.example", Gateway: true, Secret: "shh-secret", GatewayHeaders: ok},
		"plain http to a host":  {BaseURL: "http://gw.example", Gateway: true, GatewayHeaders: ok},
		"headers without mode":  {BaseURL: "https://gw.example", ClientID: "cid", Secret: "s", GatewayHeaders: ok},
		"Plaid's secret header": {BaseURL: "https://gw.example", Gateway: true, GatewayHeaders: map[string]string{"plaid-secret": testGatewayKey}},
		"one header twice":      {BaseURL: "https://gw.example", Gateway: true, GatewayHeaders: map[string]string{"X-Key": testGatewayKey, "x-key": testGatewayKey}},
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := New(cfg); err == nil {
				t.Fatal("New accepted it")
			}
		})
	}
	for _, url := range []string{"https://gw.example", "http://127.0.0.1:8080", "http://[::1]:8080", "http://localhost:9"} {
		if _, err := New(Config{BaseURL: url, Gateway: true, GatewayHeaders: ok}); err != nil {
			t.Errorf("%s: %v", url, err)
		}
	}
}

func TestCheckGatewayHeader_refusals(t *testing.T) {
	for name, tc := range map[string]struct{ name, value, want string }{
		"client id header":                   {"PLAID-CLIENT-ID", testGatewayKey, "Plaid credential"},
		"secret header, lowercase":           {"plaid-secret", testGatewayKey, "Plaid credential"},
		"version header, odd case":           {"pLaId-VeRsIoN", testGatewayKey, "API version"},
		"host":                               {"host", testGatewayKey, "HTTP client"},
		"content-length":                     {"Content-Length", testGatewayKey, "HTTP client"},
		"content-type":                       {"CONTENT-TYPE", testGatewayKey, "HTTP client"},
		"hop-by-hop connection":              {"connection", testGatewayKey, "hop-by-hop"},
		"hop-by-hop te":                      {"Te", testGatewayKey, "hop-by-hop"},
		"transfer-encoding":                  {"Transfer-Encoding", testGatewayKey, "hop-by-hop"},
		"name with a space":                  {"X Key", testGatewayKey, "not a valid HTTP header name"},
		"name with a colon":                  {"X-Key:", testGatewayKey, "not a valid HTTP header name"},
		"name not ASCII":                     {"X-Clé", testGatewayKey, "not a valid HTTP header name"},
		"empty name":                         {"", testGatewayKey, "not a valid HTTP header name"},
		"empty value":                        {"X-Key", "", "empty value"},
		"value with a newline":               {"X-Key", testGatewayKey + "\n", "not printable ASCII"},
		"value with CR LF inside":            {"X-Key", "abcd\r\nInjected: yes", "not printable ASCII"},
		"value not ASCII":                    {"X-Key", "schlüssel-123456", "not printable ASCII"},
		"value with a tab":                   {"X-Key", "Bearer\t" + testGatewayKey, "not printable ASCII"},
		"leading space":                      {"X-Key", " " + testGatewayKey, "space"},
		"short value":                        {"X-Key", "1234567", "fewer than 8 letters and digits"},
		"short once punctuation is left out": {"X-Key", "abc-1234", "fewer than 8 letters and digits"},
	} {
		t.Run(name, func(t *testing.T) {
			err := CheckGatewayHeader(tc.name, tc.value)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error saying %q", err, tc.want)
			}
			if tc.value != "" && strings.Contains(err.Error(), strings.TrimSpace(tc.value)) {
				t.Errorf("the error quotes the value: %v", err)
			}
		})
	}
	for _, ok := range [][2]string{{"X-Api-Key", testGatewayKey}, {"Authorization", "Bearer " + testGatewayKey}, {"x_custom.key~1", "12345678"}} {
		if err := CheckGatewayHeader(ok[0], ok[1]); err != nil {
			t.Errorf("%s refused: %v", ok[0], err)
		}
	}
}

// The shortest value CheckGatewayHeader accepts is one the redactor
// keeps: were the redactor's minimum raised, this fails.
func TestGatewayHeaderValue_shortestIsRedacted(t *testing.T) {
	value := "q7z" + strings.Repeat("k", MinGatewayHeaderValueLength-3)
	if _, err := New(Config{BaseURL: "https://gw.example", Gateway: true, GatewayHeaders: map[string]string{"X-Key": value}}); err != nil {
		t.Fatal(err)
	}
	if got := Redact("the gateway said " + value); strings.Contains(got, value) {
		t.Errorf("a gateway header value of %d characters is not redacted: %q", len(value), got)
	}
}

// Several providers through one gateway share one rate-limit budget,
// keyed by nothing secret.
func TestGateway_rateLimitIdentity(t *testing.T) {
	a := newGatewayClient(t, "https://gw.example", map[string]string{"X-Key": testGatewayKey})
	b := newGatewayClient(t, "https://gw.example", map[string]string{"X-Other": "other-key-123"})
	if a.rateLimitIdentity() != b.rateLimitIdentity() || a.rateLimitIdentity() == "" {
		t.Errorf("identities %q and %q, want one non-empty identity", a.rateLimitIdentity(), b.rateLimitIdentity())
	}
	if strings.Contains(a.rateLimitIdentity(), testGatewayKey) {
		t.Error("the limiter key holds the gateway key")
	}
	if limiterFor("https://gw.example", a.rateLimitIdentity(), PathItemGet, 60) != limiterFor("https://gw.example", b.rateLimitIdentity(), PathItemGet, 60) {
		t.Error("two clients through one gateway have separate limiters")
	}
}

// A gateway that redirects is not followed: the gateway headers would go
// wherever it points.
func TestGateway_redirectNotFollowed(t *testing.T) {
	var followed atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { followed.Add(1) }))
	defer target.Close()
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/item/get", http.StatusTemporaryRedirect)
	}))
	defer gw.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := newGatewayClient(t, gw.URL, map[string]string{"X-Key": testGatewayKey}).GetItem(ctx, "access-sandbox-gw")
	var re *RedirectError
	if !errors.As(err, &re) || followed.Load() != 0 {
		t.Errorf("err = %v, followed %d times; want a RedirectError and nothing sent", err, followed.Load())
	}
}

// A gateway that echoes its own key back, in any spelling, in a Plaid
// error's fields: the key is a registered secret, so no error shows it.
func TestGateway_echoedKeyIsRedacted(t *testing.T) {
	const key = "gw-echo-key-6a1f0c9d2e7b"
	for _, echo := range leakcheck.Echoes(key) {
		t.Run(echo.How, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = io.WriteString(w, `{"error_type":"INVALID_REQUEST","error_code":"`+echo.Text+`","error_message":"key `+echo.Text+` refused","display_message":null,"request_id":"`+echo.Text+`"}`)
			}))
			defer srv.Close()
			_, err := newGatewayClient(t, srv.URL, map[string]string{"X-Gateway-Key": key}).GetItem(t.Context(), "access-sandbox-gw")
			if err == nil {
				t.Fatal("no error")
			}
			if found := leakcheck.FindAll(err.Error(), leakcheck.Literal{What: "the gateway key", Value: key}); len(found) > 0 {
				t.Errorf("the error shows %v", found)
			}
		})
	}
}

// The gateway key is masked in log lines written under the client's
// masks, as the secret is: a line that somehow carried it (here, one
// written on purpose) shows no trace of it.
func TestGateway_keyMaskedInLogs(t *testing.T) {
	const key = "gw-log-key-0d5e8c3b7a"
	newGatewayClient(t, "https://gw.example", map[string]string{"X-Gateway-Key": key})
	var logs bytes.Buffer
	ctx := WithLogMasks(tflogtest.RootLogger(t.Context(), &logs))
	tflog.Debug(ctx, "sent "+key, map[string]any{"header": strings.ToUpper(key), "encoded": leakcheck.PercentEncodeAll(key)})
	if logs.Len() == 0 {
		t.Fatal("nothing was logged, so the check below proves nothing")
	}
	if found := leakcheck.FindAll(logs.String(), leakcheck.Literal{What: "the gateway key", Value: key}); len(found) > 0 {
		t.Errorf("the log shows %v:\n%s", found, logs.String())
	}
}
