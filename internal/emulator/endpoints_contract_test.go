package emulator_test

import (
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// Each endpoint added for the institutions, Item and webhook-verification
// families is checked whole against Plaid's spec, request and answer, on a
// call that succeeds and on one it refuses.
func TestNewEndpoints_requestAndAnswerOnContract(t *testing.T) {
	c, err := acctest.LoadContract()
	if err != nil {
		t.Fatal(err)
	}
	if c == nil {
		t.Skip("set " + acctest.SpecEnv + " to check the endpoints against Plaid's spec")
	}
	e := emulator.New(emulator.Options{})
	var mu sync.Mutex
	checked := map[string]int{}
	e.OnExchange(func(ex emulator.Exchange) {
		mu.Lock()
		checked[ex.Path]++
		mu.Unlock()
		if err := c.Check(ex); err != nil {
			t.Errorf("contract: %v", err)
		}
	})
	srv := httptest.NewServer(e.Handler())
	t.Cleanup(func() { srv.Close(); e.Close() })
	h := &harness{t: t, e: e, url: srv.URL}
	kid := e.WebhookKeys()[0].Kid
	for _, tc := range []struct {
		path, body string
		status     int
	}{
		{"/institutions/get", `{"count":2,"offset":0,"country_codes":["US"],"options":{"include_optional_metadata":true,"products":["auth"]}}`, 200},
		{"/institutions/get", `{"count":2,"offset":0,"country_codes":["US"],"options":{"oauth":true}}`, 200},
		{"/institutions/get", `{"count":2,"offset":0,"country_codes":["US"],"options":{"routing_numbers":["011000138"],"include_optional_metadata":false}}`, 200},
		{"/institutions/search", `{"query":"bank","products":["transactions"],"country_codes":["US"],"options":{"include_optional_metadata":true,"oauth":false}}`, 200},
		{"/institutions/search", `{"query":"nowhere","country_codes":["GB"]}`, 200},
		{"/institutions/get_by_id", `{"institution_id":"ins_109508","country_codes":["US"],"options":{"include_optional_metadata":true,"include_status":true}}`, 200},
		{"/item/import", `{"products":["transactions","investments"],"user_auth":{"user_id":"u","auth_token":"t"},"options":{"webhook":"https://example.com/hook"}}`, 200},
		{"/item/import", `{"products":["transactions"],"institution_id":"ins_1","user_auth":{"user_id":"u","auth_token":"t"}}`, 400},
		{"/webhook_verification_key/get", `{"key_id":"` + kid + `"}`, 200},
		{"/webhook_verification_key/get", `{"key_id":"not-a-key"}`, 400},
	} {
		if status, out := h.post(tc.path, tc.body); status != tc.status {
			t.Errorf("%s %s: %d %v, want %d", tc.path, tc.body, status, out, tc.status)
		}
	}
	_, out := h.post("/item/import", `{"products":["transactions"],"user_auth":{"user_id":"u","auth_token":"t"}}`)
	token, _ := out["access_token"].(string)
	if status, out := h.post("/item/get", `{"access_token":"`+token+`"}`); status != 200 {
		t.Errorf("/item/get of an imported Item: %d %v", status, out)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, path := range []string{"/institutions/get", "/institutions/search", "/institutions/get_by_id", "/item/import", "/item/get", "/webhook_verification_key/get"} {
		if checked[path] == 0 {
			t.Errorf("no exchange with %s was checked", path)
		}
	}
}

// The new endpoints are in the fault table: faults can be aimed at each.
func TestNewEndpoints_takeFaults(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	if status, out := h.control("PUT", "/emulator/faults", `{"error_500_rate":1,"paths":["/institutions/search","/webhook_verification_key/get","/item/import","/institutions/get"]}`); status != 200 {
		t.Fatalf("faults: %d %v", status, out)
	}
	for path, body := range map[string]string{
		"/institutions/search":          `{"query":"bank","country_codes":["US"]}`,
		"/institutions/get":             `{"count":1,"offset":0,"country_codes":["US"]}`,
		"/item/import":                  `{"products":["auth"],"user_auth":{"user_id":"u","auth_token":"t"}}`,
		"/webhook_verification_key/get": `{"key_id":"k"}`,
	} {
		if status, out := h.post(path, body); status != 500 || out["error_code"] != "INTERNAL_SERVER_ERROR" {
			t.Errorf("%s under error_500_rate 1: %d %v", path, status, out)
		}
	}
	if status, _ := h.post("/institutions/get_by_id", `{"institution_id":"ins_109508","country_codes":["US"]}`); status != 200 {
		t.Errorf("an endpoint the faults do not name: %d", status)
	}
}
