package plaid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// These tests put the client in front of servers that misbehave as a
// hostile proxy, a wrong base_url or a broken gateway would.

const (
	hostileSecret = "5ec7e75ec7e75ec7e75ec7e75ec7e7"
	hostileToken  = "access-sandbox-0c5a7f3e-2b1d-4c9e-8f7a-6b5c4d3e2f1a"
)

func newHostileClient(t *testing.T, url string, retries int) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: url, ClientID: "cid", Secret: hostileSecret,
		Retry: RetryPolicy{MaxRetries: retries, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}, RequestsPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// echo is one placement of an echoed value in an answer.
type echo func(w http.ResponseWriter, value string)

func jsonString(s string) string {
	// Keep \uXXXX escapes as the server wrote them: the JSON parser is
	// then what decodes them, as it would be for a real answer.
	if strings.Contains(s, `\u`) {
		return `"` + s + `"`
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func errorBody(field, value string) string {
	fields := map[string]string{"error_type": `"INVALID_INPUT"`, "error_code": `"INVALID_API_KEYS"`, "error_message": `"m"`, "display_message": "null", "request_id": `"r1"`}
	fields[field] = jsonString(value)
	var parts []string
	for k, v := range fields {
		parts = append(parts, `"`+k+`":`+v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func echoPlacements() map[string]echo {
	placements := map[string]echo{}
	for _, field := range []string{"error_type", "error_code", "error_message", "display_message", "request_id", "documentation_url", "suggested_action"} {
		placements["400 "+field] = func(w http.ResponseWriter, v string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			_, _ = io.WriteString(w, errorBody(field, v))
		}
	}
	placements["200 error body error_code"] = func(w http.ResponseWriter, v string) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"error_code":`+jsonString(v)+`,"request_id":"r"}`)
	}
	placements["200 item error"] = func(w http.ResponseWriter, v string) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"item":{"item_id":"it1","error":{"error_code":`+jsonString(v)+`,"error_message":`+jsonString(v)+`}},"request_id":`+jsonString(v)+`}`)
	}
	placements["200 item fields"] = func(w http.ResponseWriter, v string) {
		j := jsonString(v)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"item":{"item_id":"it1","institution_id":`+j+`,"institution_name":`+j+`,"webhook":`+j+`,"available_products":[`+j+`],"billed_products":[`+j+`],"products":[`+j+`],"consented_products":[`+j+`],"update_type":`+j+`,"created_at":`+j+`,"consent_expiration_time":`+j+`},`+
			`"status":{"transactions":{"last_successful_update":`+j+`,"last_failed_update":`+j+`},"last_webhook":{"sent_at":`+j+`,"code_sent":`+j+`}},"request_id":"r"}`)
	}
	placements["200 item_id"] = func(w http.ResponseWriter, v string) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"item":{"item_id":`+jsonString(v)+`},"request_id":"r"}`)
	}
	placements["quoted content type"] = func(w http.ResponseWriter, v string) {
		w.Header().Set("Content-Type", `text/html; charset="`+v+`"`)
		w.WriteHeader(502)
		_, _ = io.WriteString(w, "<html><body>"+v+"</body></html>")
	}
	placements["location host"] = func(w http.ResponseWriter, v string) {
		w.Header().Set("Location", "http://"+v+".example:1/")
		w.WriteHeader(307)
	}
	placements["location userinfo, path and query"] = func(w http.ResponseWriter, v string) {
		w.Header().Set("Location", "http://"+v+"@127.0.0.2:1/"+v+"?t="+v)
		w.WriteHeader(302)
	}
	placements["other headers"] = func(w http.ResponseWriter, v string) {
		w.Header().Set("X-Request-Id", v)
		w.Header().Set("Retry-After", v)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(503)
		_, _ = io.WriteString(w, `{"error_type":"API_ERROR","error_code":"PLANNED_MAINTENANCE","error_message":"m","request_id":"r"}`)
	}
	return placements
}

// Whatever a server echoes, in whatever form and place, shows neither in
// the error nor in the log.
func TestClient_echoedSecretsAreRedacted(t *testing.T) {
	for placement, answer := range echoPlacements() {
		for what, value := range map[string]string{"secret": hostileSecret, "token": hostileToken} {
			for _, echo := range leakcheck.Echoes(value) {
				echoed := echo.Text
				t.Run(placement+"/"+what+"/"+echo.How, func(t *testing.T) {
					srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { answer(w, echoed) }))
					defer srv.Close()
					var logs bytes.Buffer
					ctx := tflogtest.RootLogger(context.Background(), &logs)
					resp, err := newHostileClient(t, srv.URL, 1).GetItem(ctx, hostileToken)
					shown := logs.String()
					if err != nil {
						shown += err.Error()
						// Every field, shown or not today.
						b, _ := json.Marshal(err)
						shown += string(b)
					} else {
						// The Item's own error is shown as its state.
						b, _ := json.Marshal(resp)
						shown += string(b)
					}
					if leak := leakcheck.Find(shown, hostileSecret, hostileToken); leak != "" {
						t.Errorf("%s shows: err=%v", leak, err)
					}
				})
			}
		}
	}
}

// A redirect is never followed: its target receives nothing, and the error
// names the status and the target's host only.
func TestClient_neverFollowsRedirects(t *testing.T) {
	var reached atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached.Add(1) }))
	defer target.Close()
	for _, status := range []int{301, 302, 303, 307, 308} {
		var calls atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			w.Header().Set("Location", target.URL+"/steal?token="+hostileToken)
			w.WriteHeader(status)
		}))
		_, err := newHostileClient(t, srv.URL, 3).RemoveItem(context.Background(), hostileToken, RemoveReason{})
		srv.Close()
		var re *RedirectError
		if !errors.As(err, &re) || re.HTTPStatus != status {
			t.Fatalf("HTTP %d: err = %v, want a RedirectError", status, err)
		}
		host := strings.TrimPrefix(target.URL, "http://")
		if !strings.Contains(err.Error(), host) || strings.Contains(err.Error(), "/steal") || IsItemNotFound(err) {
			t.Errorf("HTTP %d: the error should name host %s and nothing more: %v", status, host, err)
		}
		if calls.Load() != 1 {
			t.Errorf("HTTP %d: the redirect was retried: %d calls", status, calls.Load())
		}
	}
	if reached.Load() != 0 {
		t.Errorf("the redirect target received %d requests", reached.Load())
	}
}

// Only HTTP 400 ITEM_ERROR/ITEM_NOT_FOUND proves removal; a success status
// proves a removal only with a real answer.
func TestClient_removalOnlyOnProof(t *testing.T) {
	for _, tc := range []struct {
		name      string
		status    int
		body      string
		wantGone  bool
		wantError bool
	}{
		{"400 ITEM_NOT_FOUND is proof", 400, `{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","error_message":"m","request_id":"r"}`, true, true},
		{"404 route answer with ITEM_NOT_FOUND is not", 404, `{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","error_message":"m","request_id":"r"}`, false, true},
		{"500 with ITEM_NOT_FOUND is not", 500, `{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","error_message":"m","request_id":"r"}`, false, true},
		{"429 with ITEM_NOT_FOUND is not", 429, `{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","error_message":"m","request_id":"r"}`, false, true},
		{"400 ITEM_NOT_FOUND of another type is not", 400, `{"error_type":"INVALID_REQUEST","error_code":"ITEM_NOT_FOUND","error_message":"m","request_id":"r"}`, false, true},
		{"200 with an error body is not a removal", 200, `{"error_type":"API_ERROR","error_code":"INTERNAL_SERVER_ERROR","error_message":"m","request_id":"r"}`, false, true},
		{"200 with ITEM_NOT_FOUND body is neither", 200, `{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","request_id":"r"}`, false, true},
		{"200 without request_id is not a removal", 200, `{}`, false, true},
		{"200 with an empty request_id is not a removal", 200, `{"request_id":""}`, false, true},
		{"200 with request_id is a removal", 200, `{"request_id":"r"}`, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			_, err := newHostileClient(t, srv.URL, 1).RemoveItem(context.Background(), hostileToken, RemoveReason{})
			if (err != nil) != tc.wantError || IsItemNotFound(err) != tc.wantGone {
				t.Errorf("err = %v (gone %v), want error %v, gone %v", err, IsItemNotFound(err), tc.wantError, tc.wantGone)
			}
			var ue *UnexpectedResponseError
			if tc.status == 200 && tc.wantError && !errors.As(err, &ue) {
				t.Errorf("err = %T, want *UnexpectedResponseError", err)
			}
		})
	}
}

// creatingCalls are the calls that make something at Plaid.
var creatingCalls = map[string]func(c *Client) error{
	"/sandbox/public_token/create": func(c *Client) error {
		_, err := c.CreateSandboxPublicToken(context.Background(), SandboxPublicTokenRequest{InstitutionID: "ins_1", InitialProducts: []string{"auth"}})
		return err
	},
	"/item/public_token/exchange": func(c *Client) error {
		_, err := c.ExchangePublicToken(context.Background(), "public-sandbox-1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9")
		return err
	},
}

// A creating call is sent again only when the first cannot have been
// processed; otherwise it fails saying something may have been created.
func TestClient_creatingCallsAreNotRepeatedBlindly(t *testing.T) {
	loseAnswer := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		hijacker, ok := w.(http.Hijacker)
		if !ok {
			panic("the test server cannot hang up")
		}
		if conn, _, err := hijacker.Hijack(); err == nil {
			conn.Close()
		}
	}
	jsonAnswer := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}
	}
	htmlAnswer := func(status int) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(status)
			_, _ = io.WriteString(w, "<html><body>gateway</body></html>")
		}
	}
	apiError := func(status int, code string) http.HandlerFunc {
		return jsonAnswer(status, `{"error_type":"API_ERROR","error_code":"`+code+`","error_message":"m","request_id":"r"}`)
	}
	for _, tc := range []struct {
		name        string
		first       http.HandlerFunc
		wantRetried bool
	}{
		{"lost answer", loseAnswer, false},
		{"500", apiError(500, "INTERNAL_SERVER_ERROR"), false},
		{"502 HTML", htmlAnswer(502), false},
		{"504 HTML", htmlAnswer(504), false},
		{"503 other than maintenance", apiError(503, "INTERNAL_SERVER_ERROR"), false},
		{"200 garbage", jsonAnswer(200, `{"request_id":`), false},
		{"200 without the created thing", jsonAnswer(200, `{"request_id":"r"}`), false},
		{"429", jsonAnswer(429, `{"error_type":"RATE_LIMIT_EXCEEDED","error_code":"RATE_LIMIT","error_message":"m","request_id":"r"}`), true},
		{"503 PLANNED_MAINTENANCE", apiError(503, CodePlannedMaintenance), true},
	} {
		for path, call := range creatingCalls {
			t.Run(tc.name+path, func(t *testing.T) {
				var calls atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if calls.Add(1) == 1 {
						tc.first(w, r)
						return
					}
					jsonAnswer(200, `{"public_token":"public-sandbox-00000000-1111","access_token":"access-sandbox-00000000-2222","item_id":"it","request_id":"r2"}`)(w, r)
				}))
				defer srv.Close()
				err := call(newHostileClient(t, srv.URL, 3))
				if tc.wantRetried {
					if err != nil || calls.Load() != 2 {
						t.Errorf("err = %v after %d calls, want success on the second", err, calls.Load())
					}
					return
				}
				var oe *OutcomeUnknownError
				if !errors.As(err, &oe) || calls.Load() != 1 {
					t.Fatalf("err = %v after %d calls, want one call and an OutcomeUnknownError", err, calls.Load())
				}
				if oe.Path != path || !strings.Contains(err.Error(), "may have been created") {
					t.Errorf("the error should say what may have been created: %v", err)
				}
			})
		}
	}
}

// A creating call whose connection was never made is retried: nothing can
// have reached Plaid.
func TestClient_creatingCallRetriedWhenNeverSent(t *testing.T) {
	var dials atomic.Int32
	var ok atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ok.Store(true)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"public_token":"public-sandbox-00000000-1111","request_id":"r"}`)
	}))
	defer srv.Close()
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		if dials.Add(1) == 1 {
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connect: connection refused")}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	c, err := New(Config{BaseURL: srv.URL, ClientID: "cid", Secret: hostileSecret, HTTPClient: &http.Client{Transport: transport},
		Retry: RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, RequestsPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	if err := creatingCalls["/sandbox/public_token/create"](c); err != nil || !ok.Load() || dials.Load() != 2 {
		t.Errorf("err = %v, dials %d, want success on the second dial", err, dials.Load())
	}
}

// Retry-After is honoured, as seconds or as an HTTP date, up to the cap.
func TestClient_honoursRetryAfter(t *testing.T) {
	for _, tc := range []struct {
		name     string
		header   func() string
		maxWait  time.Duration
		minGap   time.Duration
		maxTotal time.Duration
	}{
		{"seconds", func() string { return "1" }, 10 * time.Second, 900 * time.Millisecond, time.Minute},
		{"HTTP date", func() string { return time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat) }, 10 * time.Second, time.Second, time.Minute},
		{"beyond the cap", func() string { return "3600" }, 50 * time.Millisecond, 0, 30 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var times []time.Time
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				times = append(times, time.Now())
				if len(times) == 1 {
					w.Header().Set("Retry-After", tc.header())
					plaidError(w, 429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT")
					return
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"request_id":"r"}`)
			}))
			defer srv.Close()
			c, _ := New(Config{BaseURL: srv.URL, ClientID: "c", Secret: hostileSecret, RequestsPerMinute: 100000,
				Retry: RetryPolicy{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: tc.maxWait}})
			start := time.Now()
			if _, err := c.RemoveItem(context.Background(), hostileToken, RemoveReason{}); err != nil {
				t.Fatal(err)
			}
			if gap := times[1].Sub(times[0]); gap < tc.minGap {
				t.Errorf("retried after %v, before the %v Retry-After asked for", gap, tc.minGap)
			}
			if total := time.Since(start); total > tc.maxTotal {
				t.Errorf("took %v: the wait was not capped", total)
			}
		})
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for value, want := range map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 10 ":                          10 * time.Second,
		"-1":                            0,
		"soon":                          0,
		"Thu, 01 Jan 2026 00:00:30 GMT": 30 * time.Second,
		"Wed, 31 Dec 2025 23:59:00 GMT": 0,
	} {
		if got := parseRetryAfter(value, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", value, got, want)
		}
	}
}

// countingClient counts the connections the client opens.
func countingClient(dials *atomic.Int32, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return dial(ctx, network, addr)
	}}}
}

// Errors that cannot change fail at once, naming the cause; an unreachable
// base_url fails after at most two quick retries, naming base_url.
func TestClient_failsFastWhenRetryingCannotHelp(t *testing.T) {
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer plain.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + ln.Addr().String()
	ln.Close()
	for _, tc := range []struct {
		name      string
		baseURL   string
		dial      func(ctx context.Context, network, addr string) (net.Conn, error)
		wantDials int32
		wantText  []string
	}{
		{"TLS against plain HTTP", "https://" + strings.TrimPrefix(plain.URL, "http://"), nil, 1, []string{"TLS", "plain-HTTP", "https://127.0.0.1"}},
		{"connection refused", refusedURL, nil, 1 + maxUnreachableRetries, []string{"connection refused", refusedURL}},
		{"DNS failure", "http://plaid-base-url.invalid", func(context.Context, string, string) (net.Conn, error) {
			return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "plaid-base-url.invalid", IsNotFound: true}}
		}, 1 + maxUnreachableRetries, []string{"DNS", "http://plaid-base-url.invalid"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var dials atomic.Int32
			c, err := New(Config{BaseURL: tc.baseURL, ClientID: "c", Secret: hostileSecret, RequestsPerMinute: 100000, HTTPClient: countingClient(&dials, tc.dial),
				Retry: RetryPolicy{MaxRetries: 10, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetItem(context.Background(), hostileToken)
			var te *TransportError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a TransportError", err)
			}
			for _, want := range tc.wantText {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("the error should say %q: %v", want, err)
				}
			}
			if dials.Load() != tc.wantDials {
				t.Errorf("%d connection attempts, want %d", dials.Load(), tc.wantDials)
			}
		})
	}
}

// An https base_url whose server accepts the connection and never answers
// the TLS handshake (a plain-HTTP server that waits for a request, a
// firewall that swallows TLS) fails on the first attempt, naming the
// cause: retried, it took 11 attempts and minutes to say so.
func TestClient_stalledTLSHandshakeFailsAtOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	held := make(chan net.Conn, 16)
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				close(held)
				return
			}
			held <- conn // open, never answered
		}
	}()
	var dials atomic.Int32
	transport := &http.Transport{TLSHandshakeTimeout: 200 * time.Millisecond, DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
	c, err := New(Config{BaseURL: "https://" + ln.Addr().String(), ClientID: "c", Secret: hostileSecret, RequestsPerMinute: 100000,
		HTTPClient: &http.Client{Transport: transport}, Retry: RetryPolicy{MaxRetries: 10, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetItem(context.Background(), hostileToken)
	var te *TransportError
	if !errors.As(err, &te) || !te.Permanent || !strings.Contains(err.Error(), "TLS handshake got no answer") {
		t.Fatalf("err = %v, want a permanent TransportError naming the stalled handshake", err)
	}
	if n := dials.Load(); n != 1 {
		t.Errorf("%d connection attempts, want 1", n)
	}
	ln.Close()
	for conn := range held {
		conn.Close()
	}
}

// A header value Go refuses to send is not a network problem: it fails at
// once, without repeating the value. (New refuses such credentials; this
// is the net under it.)
func TestClient_invalidHeaderValueFailsAtOnce(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	c := newHostileClient(t, srv.URL, 5)
	c.cfg.Secret = hostileSecret + "\n"
	_, err := c.GetItem(context.Background(), hostileToken)
	var te *TransportError
	if !errors.As(err, &te) || !te.Permanent || strings.Contains(err.Error(), "gave up") {
		t.Fatalf("err = %v, want a permanent TransportError on the first attempt", err)
	}
	if calls.Load() != 0 {
		t.Errorf("the server saw %d requests", calls.Load())
	}
	if leak := leakcheck.Find(err.Error(), hostileSecret); leak != "" {
		t.Errorf("%s is in the error", leak)
	}
}

func TestNew_refusesCredentialsWithWhitespace(t *testing.T) {
	for name, cfg := range map[string]Config{
		"secret with a trailing newline": {BaseURL: "http://x", ClientID: "cid", Secret: hostileSecret + "\n"},
		"client ID with a space":         {BaseURL: "http://x", ClientID: "c id", Secret: hostileSecret},
		"secret with a tab":              {BaseURL: "http://x", ClientID: "cid", Secret: "\t" + hostileSecret},
		"secret with a byte-order mark":  {BaseURL: "http://x", ClientID: "cid", Secret: "\ufeff" + hostileSecret},
		"secret with a zero-width space": {BaseURL: "http://x", ClientID: "cid", Secret: hostileSecret + "\u200b"},
	} {
		_, err := New(cfg)
		if err == nil || strings.Contains(err.Error(), hostileSecret) {
			t.Errorf("%s: err = %v, want a refusal that does not repeat the value", name, err)
		}
	}
}

// Retries in progress are logged at WARN with the attempt, the cause and
// the wait.
func TestClient_logsRetriesAtWarn(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			plaidError(w, 502, "API_ERROR", "INTERNAL_SERVER_ERROR")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"request_id":"r"}`)
	}))
	defer srv.Close()
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	if _, err := newHostileClient(t, srv.URL, 2).RemoveItem(ctx, hostileToken, RemoveReason{}); err != nil {
		t.Fatal(err)
	}
	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e["@message"] == "Retrying Plaid request" {
			if e["@level"] != "warn" || e["attempt"] != float64(1) || e["cause"] != "HTTP 502 INTERNAL_SERVER_ERROR" || e["retry_in"] == nil {
				t.Errorf("retry log line = %v", e)
			}
			return
		}
	}
	t.Errorf("no retry log line in %v", entries)
}

// An institution's answer becomes the data source's state: never rewritten,
// but refused whole, naming the field and not the value, when a field
// carries a token or the secret.
func TestClient_institutionAnswerWithASecretIsRefused(t *testing.T) {
	upper := strings.ToUpper(hostileToken)
	for field, answer := range map[string]string{
		"name":     `"name":"Bank ` + upper + `","products":["transactions"],"url":"https://bank.example"`,
		"products": `"name":"Bank","products":["` + hostileSecret + `"],"url":"https://bank.example"`,
		"url":      `"name":"Bank","products":["transactions"],"url":"https://x/` + leakcheck.PercentEncodeAll(hostileToken) + `"`,
	} {
		t.Run(field, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"institution":{"institution_id":"ins_1",`+answer+`,"country_codes":["US"],"status":{"item_logins":{"status":"HEALTHY"}}},"request_id":"r"}`)
			}))
			defer srv.Close()
			inst, err := newHostileClient(t, srv.URL, 0).GetInstitution(context.Background(), "ins_1", []string{"US"})
			if err == nil {
				t.Fatalf("accepted %+v", inst)
			}
			if !strings.Contains(err.Error(), "institution."+field) {
				t.Errorf("the error does not name the field: %v", err)
			}
			if leak := leakcheck.Find(err.Error(), hostileSecret, hostileToken); leak != "" {
				t.Errorf("%s is in the error", leak)
			}
		})
	}
}

// Cancelled while a creating call waits for its answer: the request has
// arrived, so the error says something may have been created, and is still
// a cancellation.
func TestClient_creatingCallCancelledInFlight(t *testing.T) {
	arrived := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		close(arrived)
		<-r.Context().Done()
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-arrived; cancel() }()
	_, err := newHostileClient(t, srv.URL, 3).CreateSandboxPublicToken(ctx, SandboxPublicTokenRequest{InstitutionID: "ins_1", InitialProducts: []string{"auth"}})
	var oe *OutcomeUnknownError
	if !errors.As(err, &oe) || !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want an OutcomeUnknownError wrapping context.Canceled", err)
	}
}

// The item_id of an exchange becomes the resource's id, which Terraform
// prints in clear ("Creation complete [id=…]"): an answer whose item_id
// echoes the secret or a token, or carries characters that could rewrite
// the terminal, is refused, as /item/get's is.
func TestClient_exchangeRefusesAnItemIDCarryingASecret(t *testing.T) {
	for name, itemID := range map[string]string{"secret": hostileSecret, "token": hostileToken, "secret upper": strings.ToUpper(hostileSecret),
		"terminal escape": "it\x1b[2J\x1b]0;pwned\x07", "line break": "it\nError: forged"} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				body, _ := json.Marshal(map[string]string{"access_token": "access-sandbox-9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a", "item_id": itemID, "request_id": "r"})
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			got, err := newHostileClient(t, srv.URL, 0).ExchangePublicToken(context.Background(), "public-sandbox-1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9")
			var oe *OutcomeUnknownError
			if !errors.As(err, &oe) {
				t.Fatalf("ExchangePublicToken = %+v, %v; want an OutcomeUnknownError", got, err)
			}
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(itemID)) {
				t.Errorf("the error repeats the item_id: %v", err)
			}
		})
	}
}

// /item/get's item_id becomes the resource's id too (on adoption, import
// and refresh), printed unfiltered in plans and diagnostics.
func TestClient_getItemRefusesAnItemIDThatCouldRewriteTheTerminal(t *testing.T) {
	for name, itemID := range map[string]string{"terminal escape": "it\x1b[2J", "line break": "it\nError: forged", "space": "it x", "non-ASCII": "it\u202e"} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				body, _ := json.Marshal(map[string]any{"item": map[string]string{"item_id": itemID}, "request_id": "r"})
				_, _ = w.Write(body)
			}))
			defer srv.Close()
			got, err := newHostileClient(t, srv.URL, 0).GetItem(context.Background(), hostileToken)
			var ue *UnexpectedResponseError
			if !errors.As(err, &ue) {
				t.Fatalf("GetItem = %+v, %v; want an UnexpectedResponseError", got, err)
			}
		})
	}
}

// net/http parses a redirect's Location before it asks CheckRedirect: one
// it cannot parse must still be a RedirectError, sent once and naming no
// more than the host, with the shared client and with one the caller
// brings.
func TestClient_unparsableLocationIsARedirect(t *testing.T) {
	const userinfo = "mallory:Hunter2Hunter2"
	for name, custom := range map[string]*http.Client{"shared client": nil, "caller's client": {}} {
		t.Run(name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				w.Header().Set("Location", "http://"+userinfo+"@[bad/steal?x=1")
				w.WriteHeader(http.StatusFound)
			}))
			defer srv.Close()
			c, err := New(Config{BaseURL: srv.URL, ClientID: "cid", Secret: hostileSecret, HTTPClient: custom,
				Retry: RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}, RequestsPerMinute: 100000})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetItem(context.Background(), hostileToken)
			var re *RedirectError
			if !errors.As(err, &re) || re.HTTPStatus != http.StatusFound {
				t.Fatalf("err = %v, want a RedirectError for HTTP 302", err)
			}
			if strings.Contains(err.Error(), userinfo) || strings.Contains(err.Error(), "steal") {
				t.Errorf("the error quotes more than the host: %v", err)
			}
			if calls.Load() != 1 {
				t.Errorf("the redirect was sent %d times, want once", calls.Load())
			}
		})
	}
}
