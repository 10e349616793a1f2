package plaid

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// getItemAnswering is GetItem against a server whose /item/get answers item.
func getItemAnswering(t *testing.T, item map[string]any) (*ItemResponse, error) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		body, _ := json.Marshal(map[string]any{"item": item, "request_id": "r"})
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	return newHostileClient(t, srv.URL, 0).GetItem(context.Background(), hostileToken)
}

// A webhook whose path only begins like a token (a kind, an environment
// and a short word with a digit) is a user's URL, not a token: refusing it
// would fail every refresh of the Item, and an adoption after Plaid had
// already been told the webhook. It is stored as sent; one that holds an
// issued token, registered or not, is still refused.
func TestGetItem_storesWebhooksThatOnlyLookLikeATokenPrefix(t *testing.T) {
	for _, webhook := range []string{
		"https://hooks.example.com/plaid/link-sandbox-webhook-1",
		"https://hooks.example.com/plaid/user-production-v2",
		"https://hooks.example.com/access-development-2024/events",
		"https://hooks.example.com/plaid/public-sandbox-42?retry=3",
		"https://hooks.example.com/plaid/user-production-events-2024-v2-and-more-words-here.json",
	} {
		got, err := getItemAnswering(t, map[string]any{"item_id": "abc123", "webhook": webhook})
		if err != nil {
			t.Errorf("webhook %q refused: %v", webhook, err)
			continue
		}
		if *got.Item.Webhook != webhook {
			t.Errorf("webhook %q stored as %q", webhook, *got.Item.Webhook)
		}
	}
	for name, webhook := range map[string]string{
		"an unregistered token":                  "https://hooks.example.com/access-production-1d2c3b4a-5f6e-4a7b-9c8d-0e1f2a3b4c5d",
		"the token sent":                         "https://hooks.example.com/x?t=" + hostileToken,
		"its id upper-cased":                     "https://hooks.example.com/" + strings.ToUpper(strings.TrimPrefix(hostileToken, "access-sandbox-")),
		"an unregistered token with underscores": "https://hooks.example.com/access-production-1d2c3b4a_5f6e_4a7b_9c8d_0e1f2a3b4c5d",
	} {
		if _, err := getItemAnswering(t, map[string]any{"item_id": "abc123", "webhook": webhook}); err == nil || !strings.Contains(err.Error(), "item.webhook") {
			t.Errorf("a webhook holding %s: err = %v, want it refused naming item.webhook", name, err)
		}
	}
}

// A list Plaid keeps short (products, country codes) is refused when it is
// longer than any Plaid sends, before its values are checked: an answer of
// megabytes of product names would otherwise be checked, and stored, value
// by value, each check costing one search per registered length, with no
// way for Ctrl-C to stop it.
func TestGetItem_refusesAListLongerThanPlaidSends(t *testing.T) {
	products := make([]string, 50_000)
	for i := range products {
		products[i] = "transactions"
	}
	_, err := getItemAnswering(t, map[string]any{"item_id": "abc123", "products": products})
	if err == nil || !strings.Contains(err.Error(), "item.products") {
		t.Errorf("err = %v, want the answer refused naming item.products", err)
	}
	if _, err := getItemAnswering(t, map[string]any{"item_id": "abc123", "products": products[:maxStoredList]}); err != nil {
		t.Errorf("a list of %d products refused: %v", maxStoredList, err)
	}
}

// Plaid's sandbox user_custom takes a JSON description of its accounts as
// its password, hundreds of characters long: the request is sent. A
// password is configuration, not a token a server sent: it neither fails
// for its length nor counts against MaxRegisteredTokens.
func TestCreateSandboxPublicToken_sendsALongCustomUserPassword(t *testing.T) {
	password := `{"override_accounts":[{"type":"depository","subtype":"checking","starting_balance":10000,"meta":{"name":"Custom Checking 4821"},` +
		`"transactions":[{"date_transacted":"2026-11-01","date_posted":"2026-11-02","amount":12.5,"description":"coffee shop purchase","currency":"USD"}]}]}`
	var sent SandboxPublicTokenRequest
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewDecoder(r.Body).Decode(&sent)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"public_token":"public-sandbox-3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f","request_id":"r"}`))
	}))
	defer srv.Close()
	before := known.tokens
	_, err := newHostileClient(t, srv.URL, 0).CreateSandboxPublicToken(context.Background(), SandboxPublicTokenRequest{
		InstitutionID: "ins_109508", InitialProducts: []string{"transactions"},
		Options: &SandboxPublicTokenOptions{OverrideUsername: "user_custom", OverridePassword: password}})
	if err != nil {
		t.Fatalf("not sent: %v", err)
	}
	if sent.Options == nil || sent.Options.OverridePassword != password {
		t.Errorf("the password was not sent as given")
	}
	if n := known.tokens - before; n != 1 {
		t.Errorf("%d values counted against MaxRegisteredTokens, want 1 (the public token)", n)
	}
}
