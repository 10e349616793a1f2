package emulator_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Every webhook the emulator can send (each one fire_webhook can fire,
// USER_PERMISSION_REVOKED on a revocation, WEBHOOK_UPDATE_ACKNOWLEDGED on
// a webhook update) is made and checked against the spec's schema for it,
// by the harness's contract observer. AUTHORIZATION_GRANTED is the one
// exception: the spec lists the code but documents no body, which this
// test also checks, so that it starts checking one once Plaid adds it.
func TestWebhooks_everyBodyOnContract(t *testing.T) {
	c, err := acctest.LoadContract()
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		t.Skip("set " + acctest.SpecEnv + " to check webhook bodies against Plaid's spec")
	}
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	t.Cleanup(hook.Close)
	h := newHarness(t, emulator.Options{})
	var mu sync.Mutex
	made := map[string]bool{}
	h.e.OnWebhook(func(w emulator.Webhook) {
		mu.Lock()
		defer mu.Unlock()
		made[w.Type+" "+w.Code] = true
	})
	everyProduct := []string{"assets", "auth", "identity", "investments", "liabilities", "transactions"}
	it := h.e.Seed(emulator.SeedOptions{Products: everyProduct, Webhook: hook.URL})
	want := map[string]bool{}
	for _, w := range plaid.SandboxWebhooks {
		if w.Code == "AUTHORIZATION_GRANTED" {
			if name, _, err := c.WebhookSchema(w.Type, w.Code); err == nil {
				t.Errorf("the spec now documents %s (%s): check it like the others", w.Code, name)
			}
			continue
		}
		body := fmt.Sprintf(`{"access_token":%q,"webhook_type":%q,"webhook_code":%q}`, it.AccessToken, w.Type, w.Code)
		if status, out := h.post("/sandbox/item/fire_webhook", body); status != 200 {
			t.Errorf("fire %s %s: %d %v", w.Type, w.Code, status, out)
		}
		want[w.Type+" "+w.Code] = true
	}
	if status, _ := h.post("/item/webhook/update", fmt.Sprintf(`{"access_token":%q,"webhook":%q}`, it.AccessToken, hook.URL)); status != 200 {
		t.Errorf("webhook update: %d", status)
	}
	if err := h.e.Revoke(it.ItemID); err != nil {
		t.Fatal(err)
	}
	want["ITEM WEBHOOK_UPDATE_ACKNOWLEDGED"], want["ITEM USER_PERMISSION_REVOKED"] = true, true
	h.e.WaitForWebhooks()
	mu.Lock()
	defer mu.Unlock()
	for w := range want {
		if !made[w] {
			t.Errorf("no %s webhook was made", w)
		}
	}
	if len(made) != len(want) {
		t.Errorf("made %d kinds of webhook, want %d: %v", len(made), len(want), made)
	}
}

// fire_webhook fires only what Plaid lets it: a type that goes with the
// code, of a product the Item has.
func TestFireWebhook_refusesWhatPlaidRefuses(t *testing.T) {
	hook, got := webhookReceiver(t)
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{Products: []string{"transactions"}, Webhook: hook.URL})
	for _, tc := range []struct{ body, code string }{
		{`"webhook_type":"AUTH","webhook_code":"DEFAULT_UPDATE"`, "SANDBOX_PRODUCT_NOT_ENABLED"},
		{`"webhook_code":"PRODUCT_READY"`, "SANDBOX_PRODUCT_NOT_ENABLED"},
		// With no type, ERROR is the Assets one, as the spec's description
		// of the endpoint says ("ERROR: Assets webhook ... If the Item does
		// not support Assets, a SANDBOX_PRODUCT_NOT_ENABLED error will
		// result"); the Item's own ERROR webhook needs webhook_type ITEM.
		{`"webhook_code":"ERROR"`, "SANDBOX_PRODUCT_NOT_ENABLED"},
		{`"webhook_type":"ITEM","webhook_code":"SYNC_UPDATES_AVAILABLE"`, "INVALID_FIELD"},
		{`"webhook_type":"NOPE","webhook_code":"LOGIN_REPAIRED"`, "INVALID_FIELD"},
	} {
		if status, out := h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`",`+tc.body+`}`); status != 400 || out["error_code"] != tc.code {
			t.Errorf("%s: %d %v, want 400 %s", tc.body, status, out["error_code"], tc.code)
		}
	}
	// With no type, DEFAULT_UPDATE is the transactions one.
	if status, _ := h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`","webhook_code":"DEFAULT_UPDATE"}`); status != 200 {
		t.Fatalf("DEFAULT_UPDATE: %d", status)
	}
	if body := <-got; body["webhook_type"] != "TRANSACTIONS" || body["new_transactions"] == nil {
		t.Errorf("DEFAULT_UPDATE with no type: %v", body)
	}
}
