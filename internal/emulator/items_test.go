package emulator_test

import (
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// /item/get answers the status object Plaid does: an entry per product the
// spec gives one (transactions, investments), null for a product the Item
// lacks, and last_webhook null until a webhook is sent.
func TestItemGet_statusPerProduct(t *testing.T) {
	hook, got := webhookReceiver(t)
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{Products: []string{"transactions"}, Webhook: hook.URL})
	status := func() map[string]any {
		t.Helper()
		code, out := h.post("/item/get", `{"access_token":"`+it.AccessToken+`"}`)
		st, ok := out["status"].(map[string]any)
		if code != 200 || !ok {
			t.Fatalf("/item/get: %d %v", code, out)
		}
		return st
	}
	st := status()
	tx, _ := st["transactions"].(map[string]any)
	if s, _ := tx["last_successful_update"].(string); s == "" {
		t.Errorf("transactions status %v, want a last_successful_update", st["transactions"])
	}
	for _, key := range []string{"investments", "last_webhook"} {
		if v, present := st[key]; !present || v != nil {
			t.Errorf("%s = %v (present %v), want null", key, v, present)
		}
	}
	h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`","webhook_code":"LOGIN_REPAIRED"}`)
	<-got
	last, _ := status()["last_webhook"].(map[string]any)
	if last["code_sent"] != "LOGIN_REPAIRED" || last["sent_at"] == nil {
		t.Errorf("last_webhook after a webhook: %v", last)
	}
}

// /item/import makes an Item and answers its access token, which then
// works like any other.
func TestItemImport(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	status, out := h.post("/item/import", `{"products":["auth","identity"],"user_auth":{"user_id":"u1","auth_token":"t1"},"institution_id":"ins_109512","options":{"webhook":"http://127.0.0.1:9/hook"}}`)
	token, _ := out["access_token"].(string)
	if status != 200 || token == "" {
		t.Fatalf("import: %d %v", status, out)
	}
	_, got := h.post("/item/get", `{"access_token":"`+token+`"}`)
	item, _ := got["item"].(map[string]any)
	if item["institution_id"] != "ins_109512" || item["webhook"] != "http://127.0.0.1:9/hook" || !isListOf(item["products"], 2) {
		t.Errorf("the imported Item: %v", item)
	}
	for _, tc := range []struct{ body, code string }{
		{`{"products":["auth"]}`, "MISSING_FIELDS"},
		{`{"products":["auth"],"user_auth":{"user_id":"u1"}}`, "MISSING_FIELDS"},
		{`{"products":["auth"],"user_auth":{"user_id":"","auth_token":"t"}}`, "INVALID_FIELD"},
		{`{"products":[],"user_auth":{"user_id":"u","auth_token":"t"}}`, "INVALID_FIELD"},
		{`{"products":["investments"],"institution_id":"ins_109512","user_auth":{"user_id":"u","auth_token":"t"}}`, "INVALID_PRODUCT"},
		{`{"products":["auth"],"institution_id":"ins_1","user_auth":{"user_id":"u","auth_token":"t"}}`, "INVALID_INSTITUTION"},
		{`{"products":["auth"],"user_auth":{"user_id":"u","auth_token":"t","extra":1}}`, "UNKNOWN_FIELDS"},
	} {
		if status, out := h.post("/item/import", tc.body); status != 400 || out["error_code"] != tc.code {
			t.Errorf("%s: %d %v, want 400 %s", tc.body, status, out["error_code"], tc.code)
		}
	}
}
