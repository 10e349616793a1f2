package emulator_test

import (
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// /item/products/terminate is as strict as Plaid's spec: reason_code is
// required and drawn from terminate's own codes, not /item/remove's. A
// terminated Item is gone from then on, for every endpoint.
func TestEmulator_terminate(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	live := h.e.Seed(emulator.SeedOptions{})
	other := h.e.Seed(emulator.SeedOptions{})
	rotated := h.e.Seed(emulator.SeedOptions{})
	if _, err := h.e.Rotate(rotated.ItemID); err != nil {
		t.Fatal(err)
	}
	body := func(token, rest string) string { return `{"access_token":"` + token + `"` + rest + `}` }
	const terminate = "/item/products/terminate"

	// Every rejected request comes first: none of them may end the Item.
	for _, tc := range []struct {
		name, path, body string
		status           int
		code             string
	}{
		{"no reason code", terminate, body(live.AccessToken, ``), 400, "MISSING_FIELDS"},
		{"null reason code", terminate, body(live.AccessToken, `,"reason_code":null`), 400, "MISSING_FIELDS"},
		{"remove-only code", terminate, body(live.AccessToken, `,"reason_code":"CONNECTION_IS_NON_FUNCTIONAL"`), 400, "INVALID_FIELD"},
		{"made-up code", terminate, body(live.AccessToken, `,"reason_code":"BORED"`), 400, "INVALID_FIELD"},
		{"code of the wrong type", terminate, body(live.AccessToken, `,"reason_code":5`), 400, "INVALID_FIELD"},
		{"over-long note", terminate, body(live.AccessToken, `,"reason_code":"OTHER","reason_note":"`+strings.Repeat("n", 513)+`"`), 400, "INVALID_FIELD"},
		{"unknown field", terminate, body(live.AccessToken, `,"reason_code":"OTHER","products":["auth"]`), 400, "UNKNOWN_FIELDS"},
		{"no token", terminate, `{"reason_code":"OTHER"}`, 400, "MISSING_FIELDS"},
		{"rotated token", terminate, body(rotated.AccessToken, `,"reason_code":"OTHER"`), 400, "INVALID_ACCESS_TOKEN"},
		{"terminate-only code on remove", "/item/remove", body(live.AccessToken, `,"reason_code":"USER_OFFBOARDING"`), 400, "INVALID_FIELD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, got := h.post(tc.path, tc.body)
			if status != tc.status || got["error_code"] != tc.code {
				t.Errorf("got %d %v, want %d %s", status, got["error_code"], tc.status, tc.code)
			}
		})
	}
	if st := h.e.Item(live.ItemID); st.Removed || st.RemoveCount != 0 {
		t.Fatalf("a rejected request ended the Item: %+v", st)
	}

	// A note of 512 characters, not bytes, is within the limit.
	note := strings.Repeat("é", plaid.MaxReasonNoteLength)
	if status, got := h.post(terminate, body(live.AccessToken, `,"reason_code":"USER_OFFBOARDING","reason_note":"`+note+`"`)); status != 200 || got["request_id"] == "" || len(got) != 1 {
		t.Fatalf("terminate: %d %v, want 200 with only a request_id", status, got)
	}
	if st := h.e.Item(live.ItemID); !st.Removed || st.RemovedBy != "api" || st.RemovedWith != terminate || st.RemoveCount != 1 {
		t.Errorf("after terminate: %+v", st)
	}
	var last emulator.Call
	for _, c := range h.e.Calls() {
		if c.Path == terminate && c.Status == 200 {
			last = c
		}
	}
	if last.ItemID != live.ItemID || last.ReasonCode == nil || *last.ReasonCode != "USER_OFFBOARDING" || last.ReasonNote == nil || *last.ReasonNote != note {
		t.Errorf("call log of the terminate: %+v", last)
	}

	for _, tc := range []struct{ name, path, body string }{
		{"read", "/item/get", body(live.AccessToken, ``)},
		{"second terminate", terminate, body(live.AccessToken, `,"reason_code":"OTHER"`)},
		{"remove", "/item/remove", body(live.AccessToken, ``)},
	} {
		if status, got := h.post(tc.path, tc.body); status != 400 || got["error_type"] != "ITEM_ERROR" || got["error_code"] != "ITEM_NOT_FOUND" {
			t.Errorf("%s after terminate: %d %v %v, want ITEM_ERROR/ITEM_NOT_FOUND", tc.name, status, got["error_type"], got["error_code"])
		}
	}
	if st := h.e.Item(live.ItemID); !st.Removed || st.RemovedWith != terminate {
		t.Errorf("calls after terminate changed how the Item was ended: %+v", st)
	}
	if st := h.e.Item(other.ItemID); st.Removed {
		t.Errorf("terminating one Item ended another: %+v", st)
	}
}

func TestEmulator_terminateInProductionAndOlderPlaidSwitch(t *testing.T) {
	prod := newHarness(t, emulator.Options{Environment: plaid.Production, RemovedAnswersInvalidToken: true})
	it := prod.e.Seed(emulator.SeedOptions{})
	req := `{"access_token":"` + it.AccessToken + `","reason_code":"BILLING_TERMINATION"}`
	if status, got := prod.post("/item/products/terminate", req); status != 200 {
		t.Fatalf("terminate in production: %d %v", status, got)
	}
	if status, got := prod.post("/item/products/terminate", req); status != 400 || got["error_code"] != "INVALID_ACCESS_TOKEN" {
		t.Errorf("with removed Items answering INVALID_ACCESS_TOKEN, a second terminate got %d %v", status, got["error_code"])
	}
}
