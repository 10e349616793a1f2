package emulator_test

import (
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

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// controlRequest sends a control API request with the given Host and
// headers (pairs) and returns the status and decoded answer.
func controlRequest(t *testing.T, baseURL, method, path, host, body string, header ...string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, baseURL+path, strings.NewReader(body))
	if host != "" {
		req.Host = host
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

// A web page can reach a loopback server under its own name by rebinding
// that name's DNS to 127.0.0.1; the Host header still carries its name.
func TestControlAPI_refusesHostsOtherThanLoopback(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, host := range []string{"evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil.example", "10.0.0.1:8080", "plaid-emulator:8080", "localhost:80@evil.example", "127.0.0.1:80@evil.example", "localhost:evil.example"} {
		if status, _ := controlRequest(t, h.url, "GET", "/emulator/calls", host, ""); status != http.StatusMisdirectedRequest {
			t.Errorf("GET with Host %q: %d, want 421", host, status)
		}
		if status, _ := controlRequest(t, h.url, "POST", "/emulator/items", host, `{"count":1}`, "Content-Type", "application/json"); status != http.StatusMisdirectedRequest {
			t.Errorf("POST with Host %q: %d, want 421", host, status)
		}
	}
	if n := len(h.e.Items()); n != 0 {
		t.Errorf("refused requests seeded %d Items", n)
	}
	for _, host := range []string{"localhost", "LOCALHOST:8080", "127.0.0.1", "127.3.2.1:80", "[::1]:8080", "[::1]"} {
		if status, _ := controlRequest(t, h.url, "GET", "/emulator/health", host, ""); status != http.StatusOK {
			t.Errorf("GET with loopback Host %q: %d, want 200", host, status)
		}
	}

	named := newHarness(t, emulator.Options{ControlHosts: []string{"plaid-emulator"}})
	if status, _ := controlRequest(t, named.url, "GET", "/emulator/health", "plaid-emulator:8080", ""); status != http.StatusOK {
		t.Errorf("a Host given in ControlHosts: %d, want 200", status)
	}
	if status, _ := controlRequest(t, named.url, "GET", "/emulator/health", "evil.example", ""); status != http.StatusMisdirectedRequest {
		t.Errorf("another Host beside ControlHosts: %d, want 421", status)
	}
}

// The emulator's default credentials are public, so Plaid's endpoints are
// guarded like the control API: a page that rebinds its name to 127.0.0.1
// can neither create an Item and read its token nor make the emulator post
// webhooks to other local ports. With AnyHost (-allow-non-loopback) they
// answer any Host, for an emulator reached by a container's name.
func TestPlaidAPI_refusesHostsOtherThanLoopback(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	create := `{"institution_id":"ins_109508","initial_products":["transactions"],"options":{"webhook":"http://127.0.0.1:22/"}}`
	auth := []string{"Content-Type", "application/json", "PLAID-CLIENT-ID", "emulator-client-id", "PLAID-SECRET", "emulator-secret"}
	for _, host := range []string{"evil.example", "evil.example:8080", "plaid-emulator:8080", "localhost:80@evil.example"} {
		for _, path := range []string{"/sandbox/public_token/create", "/item/get", "/institutions/get_by_id"} {
			body := create
			if path != "/sandbox/public_token/create" {
				body = `{}`
			}
			if status, _ := controlRequest(t, h.url, "POST", path, host, body, auth...); status != http.StatusMisdirectedRequest {
				t.Errorf("POST %s with Host %q: %d, want 421", path, host, status)
			}
		}
	}
	if n := len(h.e.Items()); n != 0 {
		t.Errorf("refused requests created %d Items", n)
	}
	if status, _ := controlRequest(t, h.url, "POST", "/sandbox/public_token/create", "localhost:8080", create, auth...); status != http.StatusOK {
		t.Errorf("a loopback Host: %d, want 200", status)
	}

	anyHost := newHarness(t, emulator.Options{AnyHost: true})
	if status, _ := controlRequest(t, anyHost.url, "POST", "/item/get", "plaid-emulator:8080", `{}`, auth...); status != http.StatusBadRequest {
		t.Errorf("AnyHost, Plaid API under another Host: %d, want its own 400", status)
	}
	if status, _ := controlRequest(t, anyHost.url, "GET", "/emulator/health", "plaid-emulator:8080", ""); status != http.StatusMisdirectedRequest {
		t.Errorf("AnyHost leaves the control API guarded: %d, want 421", status)
	}
}

// A cross-site page can post a form (urlencoded, multipart or text/plain)
// to any address without a CORS preflight; the control API takes only
// JSON, and refuses browsers' cross-origin requests outright.
func TestControlAPI_refusesFormPostsAndCrossOrigin(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, tc := range []struct {
		name   string
		body   string
		header []string
	}{
		{"urlencoded form", "count=5", []string{"Content-Type", "application/x-www-form-urlencoded"}},
		{"empty urlencoded form", "", []string{"Content-Type", "application/x-www-form-urlencoded"}},
		{"multipart form", "--x\r\nContent-Disposition: form-data; name=\"count\"\r\n\r\n5\r\n--x--\r\n", []string{"Content-Type", "multipart/form-data; boundary=x"}},
		{"text/plain carrying JSON", `{"count":5}`, []string{"Content-Type", "text/plain"}},
		{"JSON without a Content-Type", `{"count":5}`, nil},
	} {
		if status, _ := controlRequest(t, h.url, "POST", "/emulator/items", "", tc.body, tc.header...); status != http.StatusUnsupportedMediaType {
			t.Errorf("%s: %d, want 415", tc.name, status)
		}
	}
	if status, _ := controlRequest(t, h.url, "PUT", "/emulator/faults", "", `{"error_500_rate":1}`, "Content-Type", "text/plain"); status != http.StatusUnsupportedMediaType {
		t.Errorf("faults as text/plain: %d, want 415", status)
	}
	if status, _ := controlRequest(t, h.url, "POST", "/emulator/items", "", `{"count":5}`, "Content-Type", "application/json", "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); status != http.StatusForbidden {
		t.Errorf("a cross-origin browser request: %d, want 403", status)
	}
	if n := len(h.e.Items()); n != 0 {
		t.Errorf("refused requests seeded %d Items", n)
	}
	if f := h.e.Faults(); f.Error500Rate != 0 {
		t.Errorf("a refused request set faults: %+v", f)
	}
	// What stays allowed: JSON, and no body at all for the defaults.
	if status, out := controlRequest(t, h.url, "POST", "/emulator/items", "", `{"count":2}`, "Content-Type", "application/json; charset=utf-8"); status != 201 || !isListOf(out["items"], 2) {
		t.Errorf("JSON with a charset: %d %v", status, out)
	}
	if status, out := controlRequest(t, h.url, "POST", "/emulator/items", "", ""); status != 201 || !isListOf(out["items"], 1) {
		t.Errorf("no body, no Content-Type (the defaults): %d %v", status, out)
	}
}

// Every endpoint caps what it reads of a body: 1 MiB.
func TestBodiesAreCapped(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	huge := `{"products":["` + strings.Repeat("a", 2<<20) + `"]}`
	if status, out := controlRequest(t, h.url, "POST", "/emulator/items", "", huge, "Content-Type", "application/json"); status != http.StatusRequestEntityTooLarge {
		t.Errorf("a 2 MiB control request: %d %v, want 413", status, out)
	}
	if status, body := h.post("/item/get", `{"access_token":"`+strings.Repeat("a", 2<<20)+`"}`); status != 400 || body["error_code"] != "INVALID_BODY" {
		t.Errorf("a 2 MiB Plaid request: %d %v, want 400 INVALID_BODY", status, body["error_code"])
	}
}

// A client that sends its headers or its body too slowly is cut off, so
// that slow connections cannot pile up.
func TestListen_cutsOffSlowClients(t *testing.T) {
	srv, err := emulator.ListenWith(emulator.New(emulator.Options{}), "127.0.0.1:0", emulator.ListenOptions{ReadHeaderTimeout: 200 * time.Millisecond, ReadTimeout: 400 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	addr := strings.TrimPrefix(srv.URL, "http://")
	for name, partial := range map[string]string{
		"headers never finished": "POST /emulator/items HTTP/1.1\r\nHost: 127.0.0.1\r\n",
		"body never finished":    "POST /emulator/items HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"count\":",
	} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(conn, partial)
		// Generous: the server must act long before this; a slow machine
		// only delays it.
		_ = conn.SetReadDeadline(time.Now().Add(20 * time.Second))
		_, err = io.ReadAll(conn)
		var netErr net.Error
		if errors.As(err, &netErr) && netErr.Timeout() {
			t.Errorf("%s: the server still held the connection after 20s", name)
		}
		conn.Close()
	}
	if n := len(srv.Items()); n != 0 {
		t.Errorf("a cut-off request seeded %d Items", n)
	}
}

// A webhook receiver that redirects gets the webhook; where it points
// gets nothing.
func TestWebhooks_doNotFollowRedirects(t *testing.T) {
	var redirected atomic.Int32
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { redirected.Add(1) }))
	t.Cleanup(target.Close)
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/elsewhere", http.StatusTemporaryRedirect)
	}))
	t.Cleanup(redirector.Close)

	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{Webhook: redirector.URL + "/hook"})
	if err := h.e.Revoke(it.ItemID); err != nil {
		t.Fatal(err)
	}
	h.e.WaitForWebhooks()
	if n := redirected.Load(); n != 0 {
		t.Errorf("the redirect's target received %d requests", n)
	}
	d := h.e.Webhooks()
	if len(d) != 1 || d[0].Status != http.StatusTemporaryRedirect || !strings.Contains(d[0].Error, "redirect not followed") {
		t.Errorf("deliveries: %+v, want one 307 noted as not followed", d)
	}
}

// The emulator never posts a webhook to itself: its control API would take
// the request as the machine's own.
func TestWebhooks_neverToTheEmulatorItself(t *testing.T) {
	srv, err := emulator.Listen(emulator.New(emulator.Options{}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	for _, hook := range []string{srv.URL + "/emulator/items", "http://localhost:" + port + "/emulator/items", "http://127.0.0.2:" + port + "/hook", "http://[::1]:" + port + "/hook"} {
		it := srv.Seed(emulator.SeedOptions{Webhook: hook})
		if err := srv.Revoke(it.ItemID); err != nil {
			t.Fatal(err)
		}
	}
	srv.WaitForWebhooks()
	for _, d := range srv.Webhooks() {
		if d.Status != 0 || !strings.Contains(d.Error, "own address") {
			t.Errorf("webhook to %s: %+v, want not sent: own address", d.URL, d)
		}
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("the emulator received %d calls from itself", len(calls))
	}

	// Served by another server (as tests do with httptest), the emulator
	// learns its address from the requests it answers.
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{})
	if status, body := h.post("/item/webhook/update", `{"access_token":"`+it.AccessToken+`","webhook":"`+h.url+`/emulator/items"}`); status != 200 {
		t.Fatalf("webhook update: %d %v", status, body)
	}
	h.e.WaitForWebhooks()
	if d := h.e.Webhooks(); len(d) != 1 || d[0].Status != 0 || !strings.Contains(d[0].Error, "own address") {
		t.Errorf("deliveries: %+v, want one not sent: own address", d)
	}
}

// The call log keeps the most recent calls up to its cap and counts what
// it dropped; the control API shows both.
func TestCallLog_isCappedAndCountsDrops(t *testing.T) {
	h := newHarness(t, emulator.Options{MaxCalls: 3})
	paths := []string{"/item/get", "/item/remove", "/item/webhook/update", "/item/access_token/invalidate", "/institutions/get_by_id"}
	for _, p := range paths {
		h.post(p, `{}`)
	}
	calls := h.e.Calls()
	if len(calls) != 3 || calls[0].Path != paths[2] || calls[2].Path != paths[4] {
		t.Errorf("kept %d calls %+v, want the last 3 in order", len(calls), calls)
	}
	if n := h.e.DroppedCalls(); n != 2 {
		t.Errorf("DroppedCalls = %d, want 2", n)
	}
	_, out := h.control("GET", "/emulator/calls", "")
	if !isListOf(out["calls"], 3) || out["dropped"] != float64(2) || out["max_calls"] != float64(3) {
		t.Errorf("GET /emulator/calls: %v", out)
	}
	h.e.ResetCalls()
	if len(h.e.Calls()) != 0 || h.e.DroppedCalls() != 0 {
		t.Error("ResetCalls left calls or a dropped count")
	}
	if d := emulator.New(emulator.Options{}).MaxCalls(); d != emulator.DefaultMaxCalls {
		t.Errorf("default cap %d", d)
	}
}

// remove_count counts removal requests, those answered ITEM_NOT_FOUND
// included, so a second removal shows; lost answers are counted apart.
func TestRemoveCount_countsEveryRemovalRequest(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	remove := func(token string) (int, any) {
		status, body := h.post("/item/remove", `{"access_token":"`+token+`"}`)
		return status, body["error_code"]
	}

	once := h.e.Seed(emulator.SeedOptions{})
	remove(once.AccessToken)
	if st := h.e.Item(once.ItemID); st.RemoveCount != 1 || !st.RemovedOnce() {
		t.Errorf("removed once: %+v", st)
	}

	twice := h.e.Seed(emulator.SeedOptions{})
	remove(twice.AccessToken)
	if status, code := remove(twice.AccessToken); status != 400 || code != "ITEM_NOT_FOUND" {
		t.Fatalf("second remove: %d %v", status, code)
	}
	remove(twice.AccessToken)
	if st := h.e.Item(twice.ItemID); st.RemoveCount != 3 || st.RemovedOnce() {
		t.Errorf("removed three times: %+v, want remove_count 3", st)
	}
	_, out := h.control("GET", "/emulator/items/"+twice.ItemID, "")
	if out["remove_count"] != float64(3) {
		t.Errorf("control API state: %v", out)
	}

	revoked := h.e.Seed(emulator.SeedOptions{})
	_ = h.e.Revoke(revoked.ItemID)
	if st := h.e.Item(revoked.ItemID); st.RemoveCount != 0 {
		t.Errorf("revoked, never asked to remove: %+v", st)
	}
	remove(revoked.AccessToken)
	if st := h.e.Item(revoked.ItemID); st.RemoveCount != 1 {
		t.Errorf("revoked, then one removal answered ITEM_NOT_FOUND: %+v", st)
	}

	rotated := h.e.Seed(emulator.SeedOptions{})
	if _, err := h.e.Rotate(rotated.ItemID); err != nil {
		t.Fatal(err)
	}
	remove(rotated.AccessToken)
	if st := h.e.Item(rotated.ItemID); st.RemoveCount != 0 || st.Removed {
		t.Errorf("a removal with the rotated token: %+v, want not counted, Item live", st)
	}

	// A lost answer: the client must ask again, and that second request
	// is expected.
	lost := h.e.Seed(emulator.SeedOptions{})
	h.e.SetFaults(emulator.Faults{LostResponseRate: 1, MaxFaults: 1, Paths: []string{"/item/remove"}})
	req, _ := http.NewRequest(http.MethodPost, h.url+"/item/remove", strings.NewReader(`{"access_token":"`+lost.AccessToken+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PLAID-CLIENT-ID", h.e.ClientID())
	req.Header.Set("PLAID-SECRET", h.e.Secret())
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the lost answer arrived")
	}
	if _, code := remove(lost.AccessToken); code != "ITEM_NOT_FOUND" {
		t.Fatalf("retry after the lost answer: %v", code)
	}
	if st := h.e.Item(lost.ItemID); st.RemoveCount != 2 || st.RemoveAnswersLost != 1 || !st.RemovedOnce() {
		t.Errorf("one lost answer and its retry: %+v", st)
	}

	// Requests refused before the Item is looked at are not counted.
	limited := h.e.Seed(emulator.SeedOptions{})
	h.e.SetFaults(emulator.Faults{})
	h.e.SetRateLimits(map[string]emulator.RateLimit{"/item/remove": {PerClient: 1}})
	remove(limited.AccessToken)
	if status, _ := remove(limited.AccessToken); status != 429 {
		t.Fatalf("over the client limit: %d", status)
	}
	if st := h.e.Item(limited.ItemID); st.RemoveCount != 1 {
		t.Errorf("a rate-limited request was counted: %+v", st)
	}
}

// The control API checks what it is given and names the field at fault.
func TestControlAPI_validatesInput(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	for _, tc := range []struct {
		method, path, body, field string
	}{
		{"PUT", "/emulator/faults", `{"error_500_rate":1.5}`, "error_500_rate"},
		{"PUT", "/emulator/faults", `{"drop_rate":-0.1}`, "drop_rate"},
		{"PUT", "/emulator/faults", `{"lost_response_rate":0.6,"html_502_rate":0.6}`, "drop_rate+lost_response_rate+html_502_rate+error_500_rate+error_503_rate"},
		{"PUT", "/emulator/faults", `{"latency_ms":-1}`, "latency_ms"},
		{"PUT", "/emulator/faults", `{"latency_ms":600001}`, "latency_ms"},
		{"PUT", "/emulator/faults", `{"maintenance_seconds":-2}`, "maintenance_seconds"},
		{"PUT", "/emulator/faults", `{"max_faults":-1}`, "max_faults"},
		{"PUT", "/emulator/faults", `{"error_500_rate":0.5,"paths":["/item/delete"]}`, "paths"},
		{"PUT", "/emulator/rate_limits", `{"/item/nope":{"per_item":1}}`, "/item/nope"},
		{"PUT", "/emulator/rate_limits", `{"/item/get":{"per_item":-1}}`, "/item/get"},
		{"POST", "/emulator/items", `{"count":-1}`, "count"},
		{"POST", "/emulator/items", `{"count":10001}`, "count"},
		{"POST", "/emulator/items", `{"institution_id":"ins_1"}`, "institution_id"},
		{"POST", "/emulator/items", `{"institution_id":"ins_109512","products":["investments"]}`, "products"},
		{"POST", "/emulator/items", `{"products":["teleportation"]}`, "products"},
		{"POST", "/emulator/items", `{"webhook":"ftp://127.0.0.1/hook"}`, "webhook"},
		{"POST", "/emulator/items", `{"environment":"staging"}`, "environment"},
	} {
		status, out := h.control(tc.method, tc.path, tc.body)
		msg, _ := out["error"].(string)
		if status != 400 || out["field"] != tc.field || !strings.Contains(msg, tc.field) {
			t.Errorf("%s %s %s: %d %v, want 400 naming %s", tc.method, tc.path, tc.body, status, out, tc.field)
		}
	}
	if f := h.e.Faults(); f.Error500Rate != 0 || f.LatencyMS != 0 {
		t.Errorf("refused faults took effect: %+v", f)
	}
	if l := h.e.RateLimits(); l["/item/get"].PerItem != 40 {
		t.Errorf("refused limits took effect: %+v", l)
	}
	if n := len(h.e.Items()); n != 0 {
		t.Errorf("refused requests seeded %d Items", n)
	}
	for _, ok := range []struct{ method, path, body string }{
		{"PUT", "/emulator/faults", `{"error_500_rate":0.5,"error_503_rate":0.5,"latency_ms":10,"paths":["/item/remove"]}`},
		{"PUT", "/emulator/rate_limits", `{"/item/get":{"per_item":0,"per_client":10}}`},
		{"POST", "/emulator/items", `{"count":2,"institution_id":"ins_109512","products":["auth"],"webhook":"http://127.0.0.1:9/hook"}`},
	} {
		if status, out := h.control(ok.method, ok.path, ok.body); status >= 300 {
			t.Errorf("%s %s %s: %d %v, want accepted", ok.method, ok.path, ok.body, status, out)
		}
	}
}

// The read timeout bounds how long a client takes to send; it must not cut
// off an answer that a latency fault holds back on purpose.
func TestListen_readTimeoutSparesDelayedAnswers(t *testing.T) {
	e := emulator.New(emulator.Options{})
	srv, err := emulator.ListenWith(e, "127.0.0.1:0", emulator.ListenOptions{ReadTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	it := e.Seed(emulator.SeedOptions{})
	e.SetFaults(emulator.Faults{LatencyMS: 900})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/item/get", strings.NewReader(`{"access_token":"`+it.AccessToken+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PLAID-CLIENT-ID", e.ClientID())
	req.Header.Set("PLAID-SECRET", e.Secret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("an answer delayed past the read timeout was lost: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}
