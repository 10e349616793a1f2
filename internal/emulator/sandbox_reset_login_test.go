package emulator_test

import (
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// reset_login puts the Item in ITEM_LOGIN_REQUIRED, where it stays (other
// webhooks do not clear it) until it is repaired: LOGIN_REPAIRED.
func TestEmulator_resetLoginLastsUntilRepaired(t *testing.T) {
	hook, _ := webhookReceiver(t)
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{Webhook: hook.URL})
	itemError := func() any {
		t.Helper()
		_, body := h.post("/item/get", `{"access_token":"`+it.AccessToken+`"}`)
		item, _ := body["item"].(map[string]any)
		if e, ok := item["error"].(map[string]any); ok {
			return e["error_code"]
		}
		return item["error"]
	}
	if status, _ := h.post("/sandbox/item/reset_login", `{"access_token":"`+it.AccessToken+`"}`); status != 200 {
		t.Fatalf("reset_login: %d", status)
	}
	for _, code := range []string{"", "NEW_ACCOUNTS_AVAILABLE", "USER_PERMISSION_REVOKED"} {
		if code != "" {
			h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`","webhook_code":"`+code+`"}`)
		}
		if got := itemError(); got != "ITEM_LOGIN_REQUIRED" {
			t.Errorf("after reset_login and %q: the Item's error is %v, want ITEM_LOGIN_REQUIRED", code, got)
		}
		if st := h.e.Item(it.ItemID); !st.LoginRequired {
			t.Errorf("after reset_login and %q: %+v, want login_required", code, st)
		}
	}
	if status, _ := h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`","webhook_code":"LOGIN_REPAIRED"}`); status != 200 {
		t.Fatalf("LOGIN_REPAIRED: %d", status)
	}
	if got := itemError(); got != nil {
		t.Errorf("after LOGIN_REPAIRED the Item's error is %v, want none", got)
	}
}
