package emulator_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// control sends a control API request as a script would: JSON when there
// is a body (see controlRequest).
func (h *harness) control(method, path, body string) (int, map[string]any) {
	h.t.Helper()
	if body == "" {
		return controlRequest(h.t, h.url, method, path, "", body)
	}
	return controlRequest(h.t, h.url, method, path, "", body, "Content-Type", "application/json")
}

// The control API is what users' CI drives: seed, revoke, rotate, faults,
// the call log.
func TestControlAPI(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	status, out := h.control("POST", "/emulator/items", `{"count":2}`)
	items, _ := out["items"].([]any)
	if status != 201 || len(items) != 2 {
		t.Fatalf("seed: %d %v", status, out)
	}
	first, _ := items[0].(map[string]any)
	id, _ := first["item_id"].(string)
	token, _ := first["access_token"].(string)

	if status, _ := h.control("POST", "/emulator/items/"+id+"/rotate", ``); status != 200 {
		t.Errorf("rotate: %d", status)
	}
	if _, body := h.post("/item/get", `{"access_token":"`+token+`"}`); body["error_code"] != "INVALID_ACCESS_TOKEN" {
		t.Errorf("old token after rotate: %v", body["error_code"])
	}
	if status, _ := h.control("POST", "/emulator/items/"+id+"/revoke", ``); status != 200 {
		t.Errorf("revoke: %d", status)
	}
	if _, st := h.control("GET", "/emulator/items/"+id, ``); st["removed"] != true || st["removed_by"] != "user" {
		t.Errorf("state after revoke: %v", st)
	}
	if status, out := h.control("POST", "/emulator/items", ``); status != 201 || !isListOf(out["items"], 1) {
		t.Errorf("seeding with an empty body (all defaults): %d %v", status, out)
	}
	if status, _ := h.control("POST", "/emulator/items/nope/revoke", ``); status != 404 {
		t.Errorf("revoking an unknown item: %d", status)
	}
	if status, _ := h.control("PUT", "/emulator/faults", `{"error_500_rate":1}`); status != 200 {
		t.Errorf("faults: %d", status)
	}
	if status, _ := h.post("/item/get", `{"access_token":"x"}`); status != 500 {
		t.Errorf("with error_500_rate 1: %d", status)
	}
	if status, _ := h.control("PUT", "/emulator/faults", `{"error_500_rat":1}`); status != 400 {
		t.Errorf("a misspelt fault must be refused, got %d", status)
	}
	_, calls := h.control("GET", "/emulator/calls", ``)
	list, _ := calls["calls"].([]any)
	if len(list) != 2 {
		t.Errorf("call log holds %d calls, want 2", len(list))
	}
	raw, _ := json.Marshal(calls)
	if strings.Contains(string(raw), token) || strings.Contains(string(raw), h.e.Secret()) {
		t.Error("the call log holds a token or the secret")
	}
}

// webhookReceiver is a loopback server that hands each webhook it gets to
// the returned channel.
func webhookReceiver(t *testing.T) (*httptest.Server, <-chan map[string]any) {
	got := make(chan map[string]any, 8)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		got <- body
	}))
	t.Cleanup(hook.Close)
	return hook, got
}

func TestEmulator_webhookUpdateAndFire(t *testing.T) {
	hook, got := webhookReceiver(t)
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{})
	expect := func(code string) map[string]any {
		t.Helper()
		select {
		case body := <-got:
			if body["webhook_code"] != code || body["item_id"] != it.ItemID {
				t.Errorf("webhook %v, want %s", body, code)
			}
			return body
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s webhook arrived", code)
		}
		return nil
	}

	if status, body := h.post("/item/webhook/update", `{"access_token":"`+it.AccessToken+`","webhook":"`+hook.URL+`"}`); status != 200 {
		t.Fatalf("webhook update: %d %v", status, body)
	}
	if body := expect("WEBHOOK_UPDATE_ACKNOWLEDGED"); body != nil && body["new_webhook_url"] != hook.URL {
		t.Errorf("new_webhook_url = %v", body["new_webhook_url"])
	}
	if status, body := h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`","webhook_code":"NEW_ACCOUNTS_AVAILABLE"}`); status != 200 || body["webhook_fired"] != true {
		t.Fatalf("fire: %d %v", status, body)
	}
	expect("NEW_ACCOUNTS_AVAILABLE")
	if status, _ := h.post("/item/webhook/update", `{"access_token":"`+it.AccessToken+`","webhook":null}`); status != 200 {
		t.Fatalf("clearing the webhook: %d", status)
	}
	if st := h.e.Item(it.ItemID); st.Webhook != nil {
		t.Errorf("webhook after clearing: %v", *st.Webhook)
	}
	if status, body := h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`","webhook_code":"NOT_A_CODE"}`); status != 400 || body["error_code"] != "INVALID_FIELD" {
		t.Errorf("bad webhook_code: %d %v", status, body)
	}

	// Webhooks go to loopback only.
	far := h.e.Seed(emulator.SeedOptions{Webhook: "https://hooks.example.com/plaid"})
	_ = h.e.Revoke(far.ItemID)
	h.e.WaitForWebhooks()
	for _, d := range h.e.Webhooks() {
		if d.URL == "https://hooks.example.com/plaid" && (d.Status != 0 || !strings.Contains(d.Error, "loopback")) {
			t.Errorf("a webhook was sent off this machine: %+v", d)
		}
	}
}

func TestEmulator_resetLoginAndPerItemLimit(t *testing.T) {
	h := newHarness(t, emulator.Options{RateLimits: map[string]emulator.RateLimit{"/item/get": {PerItem: 2}}})
	it := h.e.Seed(emulator.SeedOptions{})
	if status, _ := h.post("/sandbox/item/reset_login", `{"access_token":"`+it.AccessToken+`"}`); status != 200 {
		t.Fatalf("reset_login: %d", status)
	}
	_, body := h.post("/item/get", `{"access_token":"`+it.AccessToken+`"}`)
	item, _ := body["item"].(map[string]any)
	itemErr, _ := item["error"].(map[string]any)
	if itemErr["error_code"] != "ITEM_LOGIN_REQUIRED" {
		t.Errorf("item error after reset_login: %v", item["error"])
	}
	h.post("/item/get", `{"access_token":"`+it.AccessToken+`"}`)
	if status, body := h.post("/item/get", `{"access_token":"`+it.AccessToken+`"}`); status != 429 || body["error_code"] != "ITEM_GET_LIMIT" {
		t.Errorf("third /item/get for one Item under a limit of 2: %d %v", status, body)
	}
	other := h.e.Seed(emulator.SeedOptions{})
	if status, _ := h.post("/item/get", `{"access_token":"`+other.AccessToken+`"}`); status != 200 {
		t.Errorf("another Item is not limited by the first one's count: %d", status)
	}
}

func TestEmulator_droppedConnection(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{})
	h.e.SetFaults(emulator.Faults{DropRate: 1})
	req, _ := http.NewRequest(http.MethodPost, h.url+"/item/remove", strings.NewReader(`{"access_token":"`+it.AccessToken+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("a dropped connection still answered")
	}
	if st := h.e.Item(it.ItemID); st.Removed {
		t.Error("a dropped request must do nothing")
	}
}

func isListOf(v any, n int) bool {
	list, ok := v.([]any)
	return ok && len(list) == n
}

// An Item seeded with a consent expiry answers it in /item/get, as Plaid
// does for some OAuth Items; one that is not a time is refused, naming the
// field.
func TestControlAPI_seedsConsentExpiry(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	status, out := h.control("POST", "/emulator/items", `{"consent_expiration_time":"2027-01-31T00:00:00Z"}`)
	items, _ := out["items"].([]any)
	if status != 201 || len(items) != 1 {
		t.Fatalf("seed: %d %v", status, out)
	}
	seeded, _ := items[0].(map[string]any)
	token, _ := seeded["access_token"].(string)
	_, body := h.post("/item/get", `{"access_token":"`+token+`"}`)
	if item, _ := body["item"].(map[string]any); item["consent_expiration_time"] != "2027-01-31T00:00:00Z" {
		t.Errorf("consent_expiration_time in /item/get: %v", item["consent_expiration_time"])
	}
	plain := h.e.Seed(emulator.SeedOptions{})
	_, body = h.post("/item/get", `{"access_token":"`+plain.AccessToken+`"}`)
	if item, _ := body["item"].(map[string]any); item["consent_expiration_time"] != nil {
		t.Errorf("an Item seeded without consent expiry answers %v", item["consent_expiration_time"])
	}
	if status, out := h.control("POST", "/emulator/items", `{"consent_expiration_time":"next week"}`); status != 400 || !strings.Contains(fmt.Sprint(out), "consent_expiration_time") {
		t.Errorf("a consent expiry that is not a time: %d %v", status, out)
	}
}
