package emulator_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

type harness struct {
	t   *testing.T
	e   *emulator.Emulator
	url string
}

func newHarness(t *testing.T, opts emulator.Options) *harness {
	t.Helper()
	e := emulator.New(opts)
	if c, err := acctest.LoadContract(); err != nil {
		t.Fatal(err)
	} else if c != nil {
		e.OnExchange(func(ex emulator.Exchange) {
			// Malformed requests are the point of some cases below, so
			// only the answers are checked here.
			if err := c.CheckAnswer(ex); err != nil {
				t.Errorf("contract: %v", err)
			}
		})
		e.OnWebhook(func(w emulator.Webhook) {
			if err := c.CheckWebhook(w); err != nil {
				t.Errorf("contract: %v", err)
			}
		})
	}
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() { srv.Close(); e.Close() })
	return &harness{t: t, e: e, url: srv.URL}
}

// post sends body with the emulator's credentials in the headers and
// returns the status and decoded answer.
func (h *harness) post(path, body string, header ...string) (int, map[string]any) {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.url+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PLAID-CLIENT-ID", h.e.ClientID())
	req.Header.Set("PLAID-SECRET", h.e.Secret())
	req.Header.Set("Plaid-Version", plaid.APIVersion)
	for i := 0; i+1 < len(header); i += 2 {
		if header[i+1] == "" {
			req.Header.Del(header[i])
		} else {
			req.Header.Set(header[i], header[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return resp.StatusCode, out
}

func TestEmulator_answersLikePlaid(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	live := h.e.Seed(emulator.SeedOptions{})
	removed := h.e.Seed(emulator.SeedOptions{})
	_ = h.e.Revoke(removed.ItemID)
	rotated := h.e.Seed(emulator.SeedOptions{})
	if _, err := h.e.Rotate(rotated.ItemID); err != nil {
		t.Fatal(err)
	}
	prod := h.e.Seed(emulator.SeedOptions{Environment: plaid.Production})
	tok := func(s string) string { return `{"access_token":"` + s + `"}` }

	for _, tc := range []struct {
		name, path, body string
		header           []string
		status           int
		code             string
	}{
		{"item get", "/item/get", tok(live.AccessToken), nil, 200, ""},
		{"unknown endpoint", "/accounts/get", tok(live.AccessToken), nil, 404, "NOT_FOUND"},
		{"not json", "/item/get", `access_token=x`, nil, 400, "INVALID_BODY"},
		{"wrong content type", "/item/get", tok(live.AccessToken), []string{"Content-Type", "text/plain"}, 400, "INVALID_BODY"},
		{"unknown field", "/item/get", `{"access_token":"` + live.AccessToken + `","extra":1}`, nil, 400, "UNKNOWN_FIELDS"},
		{"missing field", "/item/get", `{}`, nil, 400, "MISSING_FIELDS"},
		{"wrong type", "/item/get", `{"access_token":5}`, nil, 400, "INVALID_FIELD"},
		{"bad reason code", "/item/remove", `{"access_token":"` + live.AccessToken + `","reason_code":"BORED"}`, nil, 400, "INVALID_FIELD"},
		{"over-long note", "/item/remove", `{"access_token":"` + live.AccessToken + `","reason_note":"` + strings.Repeat("n", 513) + `"}`, nil, 400, "INVALID_FIELD"},
		{"bad secret", "/item/get", tok(live.AccessToken), []string{"PLAID-SECRET", "wrong"}, 400, "INVALID_API_KEYS"},
		{"no credentials", "/item/get", tok(live.AccessToken), []string{"PLAID-SECRET", "", "PLAID-CLIENT-ID", ""}, 400, "MISSING_FIELDS"},
		{"credentials in body", "/item/get", `{"client_id":"emulator-client-id","secret":"emulator-secret","access_token":"` + live.AccessToken + `"}`, []string{"PLAID-SECRET", "", "PLAID-CLIENT-ID", ""}, 200, ""},
		{"other environment", "/item/get", tok(prod.AccessToken), nil, 400, "INVALID_ACCESS_TOKEN"},
		{"malformed token", "/item/get", tok("nope"), nil, 400, "INVALID_ACCESS_TOKEN"},
		{"rotated token", "/item/get", tok(rotated.AccessToken), nil, 400, "INVALID_ACCESS_TOKEN"},
		{"removed item", "/item/get", tok(removed.AccessToken), nil, 400, "ITEM_NOT_FOUND"},
		{"remove with reason", "/item/remove", `{"access_token":"` + live.AccessToken + `","reason_code":"OTHER","reason_note":"test"}`, nil, 200, ""},
		{"second remove", "/item/remove", tok(live.AccessToken), nil, 400, "ITEM_NOT_FOUND"},
		{"unknown institution", "/institutions/get_by_id", `{"institution_id":"ins_1","country_codes":["US"]}`, nil, 400, "INVALID_INSTITUTION"},
		{"institution", "/institutions/get_by_id", `{"institution_id":"ins_109508","country_codes":["US"],"options":{"include_status":true}}`, nil, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := h.post(tc.path, tc.body, tc.header...)
			if status != tc.status || (tc.code != "" && body["error_code"] != tc.code) {
				t.Errorf("%s: got %d %v, want %d %s", tc.path, status, body["error_code"], tc.status, tc.code)
			}
			if body["request_id"] == nil || body["request_id"] == "" {
				t.Errorf("answer has no request_id: %v", body)
			}
		})
	}
	// Two removal requests reached it (the refused reason_code and note
	// did not): the one that removed it and the one answered ITEM_NOT_FOUND.
	if st := h.e.Item(live.ItemID); !st.Removed || st.RemoveCount != 2 || st.RemovedOnce() {
		t.Errorf("live item after two removes: %+v, want removed with remove_count 2", st)
	}
}

func TestEmulator_removedAnswersInvalidTokenSwitch(t *testing.T) {
	h := newHarness(t, emulator.Options{RemovedAnswersInvalidToken: true})
	it := h.e.Seed(emulator.SeedOptions{})
	_ = h.e.Revoke(it.ItemID)
	if status, body := h.post("/item/get", `{"access_token":"`+it.AccessToken+`"}`); status != 400 || body["error_code"] != "INVALID_ACCESS_TOKEN" {
		t.Errorf("got %d %v", status, body["error_code"])
	}
}

func TestEmulator_sandboxFlowAndProductionMode(t *testing.T) {
	h := newHarness(t, emulator.Options{PublicTokenTTL: 50 * time.Millisecond})
	status, body := h.post("/sandbox/public_token/create", `{"institution_id":"ins_109508","initial_products":["transactions"]}`)
	if status != 200 {
		t.Fatalf("create: %d %v", status, body)
	}
	pub, _ := body["public_token"].(string)
	status, body = h.post("/item/public_token/exchange", `{"public_token":"`+pub+`"}`)
	if token, _ := body["access_token"].(string); status != 200 || !strings.HasPrefix(token, "access-sandbox-") {
		t.Fatalf("exchange: %d %v", status, body)
	}
	if status, body = h.post("/item/public_token/exchange", `{"public_token":"`+pub+`"}`); body["error_code"] != "INVALID_PUBLIC_TOKEN" {
		t.Errorf("second exchange of a public token: %d %v", status, body)
	}
	_, body = h.post("/sandbox/public_token/create", `{"institution_id":"ins_109508","initial_products":["transactions"]}`)
	time.Sleep(60 * time.Millisecond)
	pub, _ = body["public_token"].(string)
	if _, body = h.post("/item/public_token/exchange", `{"public_token":"`+pub+`"}`); body["error_code"] != "INVALID_PUBLIC_TOKEN" {
		t.Errorf("expired public token: %v", body)
	}

	prod := newHarness(t, emulator.Options{Environment: plaid.Production})
	if status, body := prod.post("/sandbox/public_token/create", `{"institution_id":"ins_109508","initial_products":["transactions"]}`); status != 400 || body["error_code"] != "SANDBOX_ONLY" {
		t.Errorf("sandbox endpoint in production: %d %v", status, body)
	}
}

func TestEmulator_rateLimitsPerClient(t *testing.T) {
	h := newHarness(t, emulator.Options{RateLimits: map[string]emulator.RateLimit{"/item/remove": {PerClient: 3}}})
	limited := 0
	for range 5 {
		it := h.e.Seed(emulator.SeedOptions{})
		if status, body := h.post("/item/remove", `{"access_token":"`+it.AccessToken+`"}`); status == 429 {
			if body["error_type"] != "RATE_LIMIT_EXCEEDED" {
				t.Errorf("429 with %v", body)
			}
			limited++
		}
	}
	if limited != 2 {
		t.Errorf("%d of 5 removes were limited, want 2", limited)
	}
}

func TestEmulator_faults(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{})
	h.e.SetFaults(emulator.Faults{LostResponseRate: 1, Paths: []string{"/item/remove"}})
	req, _ := http.NewRequest(http.MethodPost, h.url+"/item/remove", bytes.NewBufferString(`{"access_token":"`+it.AccessToken+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PLAID-CLIENT-ID", h.e.ClientID())
	req.Header.Set("PLAID-SECRET", h.e.Secret())
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("a lost response still arrived")
	}
	if st := h.e.Item(it.ItemID); !st.Removed {
		t.Error("the remove behind a lost response did not happen")
	}
	h.e.SetFaults(emulator.Faults{HTML502Rate: 1})
	req, _ = http.NewRequest(http.MethodPost, h.url+"/item/get", strings.NewReader(`{}`))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("html 502 fault: %v %v", resp, err)
	}
	h.e.SetFaults(emulator.Faults{MaintenanceSeconds: 60})
	if status, body := h.post("/item/get", `{"access_token":"x"}`); status != 503 || body["error_code"] != "PLANNED_MAINTENANCE" {
		t.Errorf("maintenance: %d %v", status, body)
	}
}

func TestEmulator_revokeSendsWebhook(t *testing.T) {
	hook, got := webhookReceiver(t)
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{Webhook: hook.URL})
	_ = h.e.Revoke(it.ItemID)
	select {
	case body := <-got:
		if body["webhook_code"] != "USER_PERMISSION_REVOKED" || body["item_id"] != it.ItemID {
			t.Errorf("webhook body %v", body)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook arrived")
	}
}

func TestListenRefusesNonLoopback(t *testing.T) {
	if _, err := emulator.Listen(emulator.New(emulator.Options{}), "0.0.0.0:0", false); err != emulator.ErrNotLoopback {
		t.Errorf("Listen on 0.0.0.0 = %v, want ErrNotLoopback", err)
	}
	srv, err := emulator.Listen(emulator.New(emulator.Options{}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/emulator/health")
	if err != nil || resp.StatusCode != 200 {
		t.Errorf("health: %v %v", resp, err)
	}
}
