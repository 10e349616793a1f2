package plaid

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

func TestClient_terminateSendsItsRequiredReason(t *testing.T) {
	var paths, bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		paths, bodies = append(paths, r.URL.Path), append(bodies, string(b))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"request_id":"r-terminate"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, 0)
	resp, err := c.TerminateItemProducts(context.Background(), "access-sandbox-x", TerminateReason{Code: "USER_OFFBOARDING"})
	if err != nil || resp.RequestID != "r-terminate" {
		t.Fatalf("resp=%v err=%v", resp, err)
	}
	if _, err := c.TerminateItemProducts(context.Background(), "access-sandbox-x", TerminateReason{Code: "OTHER", Note: "n"}); err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"access_token":"access-sandbox-x","reason_code":"USER_OFFBOARDING"}`,
		`{"access_token":"access-sandbox-x","reason_code":"OTHER","reason_note":"n"}`,
	}
	if !slices.Equal(bodies, want) {
		t.Errorf("bodies = %v, want %v", bodies, want)
	}
	for _, p := range paths {
		if p != "/item/products/terminate" {
			t.Errorf("called %s, want /item/products/terminate", p)
		}
	}
}

func TestClient_terminateWithoutReasonIsNotSent(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) }))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, 0).TerminateItemProducts(context.Background(), "access-sandbox-x", TerminateReason{Note: "no code"})
	if err == nil || calls.Load() != 0 {
		t.Errorf("err=%v after %d calls; want an error and no request", err, calls.Load())
	}
}

// A terminate whose answer is lost went through: the retry meets
// ITEM_NOT_FOUND, which the one classifier reads as gone. The fake keeps
// state as Plaid does, so the second answer follows from the first call.
func TestClient_terminateRetriedAfterLostAnswerFindsItemGone(t *testing.T) {
	var mu sync.Mutex
	terminated := false
	calls := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		mu.Lock()
		calls++
		already := terminated
		terminated = true
		mu.Unlock()
		if already {
			plaidError(w, 400, "ITEM_ERROR", "ITEM_NOT_FOUND")
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("the test server cannot hang up")
			return
		}
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close() // the work is done; the answer never arrives
		}
	}))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, 3).TerminateItemProducts(context.Background(), "access-sandbox-x", TerminateReason{Code: "OTHER"})
	if !IsItemNotFound(err) {
		t.Errorf("err = %v, want ITEM_NOT_FOUND", err)
	}
	if calls != 2 {
		t.Errorf("server saw %d calls, want 2 (the lost one and its retry)", calls)
	}
}

// The reason codes and the note limit are checked against Plaid's spec
// itself, not against a second copy of the lists.
func TestReasonFactsMatchPlaidSpec(t *testing.T) {
	specPath := os.Getenv("PLAID_OPENAPI_SPEC")
	if specPath == "" {
		t.Skip("PLAID_OPENAPI_SPEC is not set: set it to the path of Plaid's OpenAPI spec to check the reason codes against it")
	}
	doc, err := openapi3.NewLoader().LoadFromFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	schema := func(name string) *openapi3.Schema {
		ref, ok := doc.Components.Schemas[name]
		if !ok || ref.Value == nil {
			t.Fatalf("the spec has no schema %s", name)
		}
		return ref.Value
	}
	enum := func(name string) []string {
		var out []string
		for _, v := range schema(name).Enum {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	// The spec's version is "2020-09-14_1.697.4": the part after the
	// underscore is what ReasonCodesAddedSince records.
	specVersion := doc.Info.Version[strings.LastIndex(doc.Info.Version, "_")+1:]
	for _, c := range []struct {
		path, schema string
		got          []string
	}{
		{PathItemRemove, "ItemRemoveReasonCode", RemoveReasonCodes()},
		{PathItemProductsTerminate, "ProductsTerminateReasonCode", TerminateReasonCodes()},
	} {
		// Ours are the spec's codes plus the ones added after it; a code
		// recorded as added by a version the spec has reached must be in it.
		var want []string
		want = append(want, enum(c.schema)...)
		for _, code := range c.got {
			since, added := ReasonCodesAddedSince[c.path][code]
			if !added {
				continue
			}
			if !APIVersionBefore(specVersion, since) {
				t.Errorf("%s: %s was added in %s, but the spec (%s) does not list it", c.path, code, since, specVersion)
			} else if !slices.Contains(want, code) {
				want = append(want, code)
			}
		}
		if !slices.Equal(c.got, want) {
			t.Errorf("%s takes %v, the spec (%s) and the codes added since say %v", c.path, c.got, specVersion, want)
		}
	}
	for _, req := range []string{"ItemRemoveRequest", "ItemProductsTerminateRequest"} {
		note := schema(req).Properties["reason_note"]
		if note == nil || note.Value.MaxLength == nil || *note.Value.MaxLength != MaxReasonNoteLength {
			t.Errorf("%s.reason_note maxLength differs from MaxReasonNoteLength = %d", req, MaxReasonNoteLength)
		}
	}
	if got := schema("ItemProductsTerminateRequest").Required; !slices.Contains(got, "reason_code") {
		t.Errorf("the spec no longer requires reason_code for terminate (required: %v); TerminateItemProducts refuses to send without one", got)
	}
	for code, want := range map[string][2]bool{"CONNECTION_IS_NON_FUNCTIONAL": {true, false}, "USER_OFFBOARDING": {false, true}, "FRAUD_TRANSACTION": {false, true}, "OTHER": {true, true}, "": {false, false}} {
		if IsRemoveReasonCode(code) != want[0] || IsTerminateReasonCode(code) != want[1] {
			t.Errorf("%q: remove %v terminate %v, want %v", code, IsRemoveReasonCode(code), IsTerminateReasonCode(code), want)
		}
	}
}

func TestAPIVersionBefore(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"1.697.4", "1.698.3", true},
		{"1.698.3", "1.698.3", false},
		{"1.699.0", "1.698.3", false},
		{"1.698.10", "1.698.3", false},
	} {
		if got := APIVersionBefore(c.a, c.b); got != c.want {
			t.Errorf("APIVersionBefore(%s, %s) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

// Plaid's reason codes are upper snake case; anything else is no code
// Plaid could have added.
func TestLooksLikeReasonCode(t *testing.T) {
	for code, want := range map[string]bool{
		"FRAUD_TRANSACTION": true, "OTHER": true, "NEW_CODE_2": true,
		"": false, "fraud_transaction": false, "Fraud_Other": false, "_OTHER": false, "OTHER_": false,
		"FRAUD__OTHER": false, "2FA_LOST": false, "FRAUD OTHER": false, "FRAUD-OTHER": false,
	} {
		if got := LooksLikeReasonCode(code); got != want {
			t.Errorf("LooksLikeReasonCode(%q) = %v, want %v", code, got, want)
		}
	}
}
