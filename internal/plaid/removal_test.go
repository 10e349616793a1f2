package plaid

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
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
	if got, want := RemoveReasonCodes(), enum("ItemRemoveReasonCode"); !slices.Equal(got, want) {
		t.Errorf("RemoveReasonCodes() = %v, spec says %v", got, want)
	}
	if got, want := TerminateReasonCodes(), enum("ProductsTerminateReasonCode"); !slices.Equal(got, want) {
		t.Errorf("TerminateReasonCodes() = %v, spec says %v", got, want)
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
	for code, want := range map[string][2]bool{"CONNECTION_IS_NON_FUNCTIONAL": {true, false}, "USER_OFFBOARDING": {false, true}, "OTHER": {true, true}, "": {false, false}} {
		if IsRemoveReasonCode(code) != want[0] || IsTerminateReasonCode(code) != want[1] {
			t.Errorf("%q: remove %v terminate %v, want %v", code, IsRemoveReasonCode(code), IsTerminateReasonCode(code), want)
		}
	}
}
