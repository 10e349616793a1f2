package emulator_test

import (
	"os"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The schema in Plaid's spec of each webhook /sandbox/item/fire_webhook
// can send, by "TYPE CODE". AUTHORIZATION_GRANTED has none in the spec.
var firedWebhookSchemas = map[string]string{
	"TRANSACTIONS DEFAULT_UPDATE":                "DefaultUpdateWebhook",
	"AUTH DEFAULT_UPDATE":                        "AuthDefaultUpdateWebhook",
	"HOLDINGS DEFAULT_UPDATE":                    "HoldingsDefaultUpdateWebhook",
	"INVESTMENTS_TRANSACTIONS DEFAULT_UPDATE":    "InvestmentsDefaultUpdateWebhook",
	"LIABILITIES DEFAULT_UPDATE":                 "LiabilitiesDefaultUpdateWebhook",
	"ITEM NEW_ACCOUNTS_AVAILABLE":                "NewAccountsAvailableWebhook",
	"AUTH SMS_MICRODEPOSITS_VERIFICATION":        "HostedMMDVerificationWebhook",
	"ITEM USER_PERMISSION_REVOKED":               "UserPermissionRevokedWebhook",
	"ITEM USER_ACCOUNT_REVOKED":                  "UserAccountRevokedWebhook",
	"ITEM PENDING_DISCONNECT":                    "PendingDisconnectWebhook",
	"TRANSACTIONS RECURRING_TRANSACTIONS_UPDATE": "RecurringTransactionsUpdateWebhook",
	"ITEM LOGIN_REPAIRED":                        "ItemLoginRepairedWebhook",
	"TRANSACTIONS SYNC_UPDATES_AVAILABLE":        "SyncUpdatesAvailableWebhook",
	"ASSETS PRODUCT_READY":                       "AssetsProductReadyWebhook",
	"ASSETS ERROR":                               "AssetsErrorWebhook",
	"ITEM ERROR":                                 "ItemErrorWebhook",
}

// Every code fire_webhook takes, with every type it can be sent as, is
// delivered with a body that Plaid's schema for that webhook accepts; left
// out, the type is the code's own.
func TestEmulator_firedWebhooksHaveTheSpecsBodies(t *testing.T) {
	specPath := os.Getenv("PLAID_OPENAPI_SPEC")
	if specPath == "" {
		t.Skip("PLAID_OPENAPI_SPEC is not set: set it to the path of Plaid's OpenAPI spec to check webhook bodies against it")
	}
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	hook, got := webhookReceiver(t)
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{Webhook: hook.URL})
	receive := func() map[string]any {
		t.Helper()
		select {
		case body := <-got:
			return body
		case <-time.After(5 * time.Second):
			t.Fatal("no webhook arrived")
			return nil
		}
	}
	for _, code := range plaid.SandboxWebhookCodes() {
		types := plaid.SandboxWebhookTypesOf(code)
		// Once without webhook_type, then once per type named.
		requests := []string{`{"access_token":"` + it.AccessToken + `","webhook_code":"` + code + `"}`}
		for _, typ := range types {
			requests = append(requests, `{"access_token":"`+it.AccessToken+`","webhook_code":"`+code+`","webhook_type":"`+typ+`"}`)
		}
		for i, req := range requests {
			wantType := types[0]
			if i > 0 {
				wantType = types[i-1]
			}
			if status, answer := h.post("/sandbox/item/fire_webhook", req); status != 200 || answer["webhook_fired"] != true {
				t.Fatalf("%s: %d %v", req, status, answer)
			}
			body := receive()
			if body["webhook_code"] != code || body["webhook_type"] != wantType || body["environment"] != "sandbox" {
				t.Errorf("%s: delivered %v, want type %s", req, body, wantType)
			}
			schemaName, ok := firedWebhookSchemas[wantType+" "+code]
			if !ok {
				if code != "AUTHORIZATION_GRANTED" {
					t.Errorf("no schema listed for %s %s", wantType, code)
				}
				continue
			}
			ref := doc.Components.Schemas[schemaName]
			if ref == nil {
				t.Fatalf("the spec has no schema %s", schemaName)
			}
			if err := ref.Value.VisitJSON(body); err != nil {
				t.Errorf("%s %s: the body violates %s: %v\n%v", wantType, code, schemaName, err, body)
			}
		}
	}
	for _, bad := range []string{
		`{"access_token":"` + it.AccessToken + `","webhook_code":"NOT_A_CODE"}`,
		`{"access_token":"` + it.AccessToken + `","webhook_code":"LOGIN_REPAIRED","webhook_type":"ASSETS"}`,
		`{"access_token":"` + it.AccessToken + `","webhook_code":"DEFAULT_UPDATE","webhook_type":"NOT_A_TYPE"}`,
	} {
		if status, answer := h.post("/sandbox/item/fire_webhook", bad); status != 400 || answer["error_code"] != "INVALID_FIELD" {
			t.Errorf("%s: %d %v, want INVALID_FIELD", bad, status, answer)
		}
	}
}

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
