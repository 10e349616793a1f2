package acctest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// These tests prove the harness, not the provider: that the hostile server
// does what the acceptance tests rely on it doing, with plain net/http
// clients. Were any of them wrong, a passing acceptance test would prove
// nothing.

const (
	harnessSecret = "emu-secret-5f0c1a2b3c4d5e6f7a8b9c0d"
	harnessToken  = "access-sandbox-3f1c2e4a-9b8d-4c7e-a6f5-0123456789ab"
)

func harnessLiterals() []leakcheck.Literal {
	return []leakcheck.Literal{{What: "the secret", Value: harnessSecret}, {What: "the token", Value: harnessToken}}
}

// newHarness is an emulator behind a hostile server.
func newHarness(t *testing.T) (*emulator.Emulator, *Hostile) {
	t.Helper()
	e := emulator.New(emulator.Options{Secret: harnessSecret})
	upstream := httptest.NewServer(e.Handler())
	t.Cleanup(func() { upstream.Close(); e.Close() })
	return e, NewHostile(t, upstream.URL)
}

func post(t *testing.T, client *http.Client, url string, body any) (*http.Response, []byte, error) {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, url, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PLAID-CLIENT-ID", "emulator-client-id")
	req.Header.Set("PLAID-SECRET", harnessSecret)
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	return resp, got, err
}

func TestHostile_forwardsWhatIsNotScripted(t *testing.T) {
	e, h := newHarness(t)
	item := e.Seed(emulator.SeedOptions{})
	h.On("/item/remove", SucceedWithErrorBody())

	resp, body, err := post(t, http.DefaultClient, h.URL+"/item/get", map[string]string{"access_token": item.AccessToken})
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), item.ItemID) {
		t.Fatalf("/item/get through the hostile server: err %v, status %v; want the emulator's 200 naming the Item", err, resp)
	}
	if n := h.Received("/item/get"); n != 1 {
		t.Errorf("counted %d requests to /item/get, want 1", n)
	}

	h.Behave()
	resp, _, err = post(t, http.DefaultClient, h.URL+"/item/remove", map[string]string{"access_token": item.AccessToken})
	if err != nil || resp.StatusCode != http.StatusOK || !e.Item(item.ItemID).Removed {
		t.Fatalf("after Behave, /item/remove should reach the emulator and remove the Item: err %v, state %+v", err, e.Item(item.ItemID))
	}
}

// The redirect target's counters see a client that follows the redirect
// (Go's default client does, re-sending the body and PLAID-SECRET), and
// stay at zero for one that does not.
func TestHostile_redirectTargetCountsWhatReachesIt(t *testing.T) {
	_, h := newHarness(t)
	h.On("/item/get", h.RedirectElsewhere(t, http.StatusTemporaryRedirect))

	if !strings.HasPrefix(h.Elsewhere.URL, "http://127.0.0.2:") {
		t.Fatalf("the redirect target is %s, want a listener on 127.0.0.2", h.Elsewhere.URL)
	}

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _, err := post(t, noFollow, h.URL+"/item/get", map[string]string{"access_token": harnessToken})
	if err != nil || resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != h.Elsewhere.URL+"/item/get" {
		t.Fatalf("want a 307 to %s/item/get, got err %v, response %v", h.Elsewhere.URL, err, resp)
	}
	if h.Elsewhere.Connections() != 0 || h.Elsewhere.Requests() != 0 {
		t.Fatalf("nothing followed the redirect, yet the target counted %d connections, %d requests", h.Elsewhere.Connections(), h.Elsewhere.Requests())
	}

	resp, _, err = post(t, &http.Client{}, h.URL+"/item/get", map[string]string{"access_token": harnessToken})
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a following client should get the target's 400: err %v, response %v", err, resp)
	}
	if c, r, s := h.Elsewhere.Connections(), h.Elsewhere.Requests(), h.Elsewhere.RequestsWithSecret(); c != 1 || r != 1 || s != 1 {
		t.Errorf("after one followed redirect the target counted %d connections, %d requests, %d with the secret; want 1, 1, 1", c, r, s)
	}
}

// Each placement's answer, as a client decodes it (the Content-Type header
// and every string field of the JSON body), carries both the secret and the
// token it received.
func TestHostile_echoCarriesWhatItReceived(t *testing.T) {
	_, h := newHarness(t)
	for _, p := range EchoPlacements {
		t.Run(string(p), func(t *testing.T) {
			h.On("/item/get", Echo(p))
			resp, body, err := post(t, http.DefaultClient, h.URL+"/item/get", map[string]string{"access_token": harnessToken})
			if err != nil {
				t.Fatal(err)
			}
			wantStatus := http.StatusBadRequest // an answer the client does not retry
			switch p {
			case EchoInContentTypeOn200:
				wantStatus = http.StatusOK
			case EchoInRetriedAnswer:
				wantStatus = http.StatusInternalServerError
			}
			if resp.StatusCode != wantStatus {
				t.Errorf("status %d, want %d", resp.StatusCode, wantStatus)
			}
			seen := resp.Header.Get("Content-Type")
			var fields map[string]any
			if err := json.Unmarshal(body, &fields); err == nil {
				for _, v := range fields {
					if s, ok := v.(string); ok {
						seen += "\n" + s
					}
				}
			} else if p != EchoInContentType && p != EchoInContentTypeOn200 {
				t.Fatalf("the answer is not JSON: %v", err)
			}
			found := strings.Join(leakcheck.FindAll(seen, harnessLiterals()...), "; ")
			if !strings.Contains(found, "the secret") || !strings.Contains(found, "the token") {
				t.Errorf("the decoded answer should carry both the secret and the token; found: %q", found)
			}
		})
	}
}

// A lost answer: the upstream did the work, the client got no answer, and
// the hostile server counted the one request.
func TestHostile_loseAnswerAfterTheWorkIsDone(t *testing.T) {
	e, h := newHarness(t)
	h.On("/sandbox/public_token/create", LoseAnswer())
	_, _, err := post(t, http.DefaultClient, h.URL+"/sandbox/public_token/create",
		map[string]any{"institution_id": plaid.DefaultSandboxInstitutionID, "initial_products": []string{"transactions"}})
	if err == nil {
		t.Fatal("the client got an answer; want the connection closed without one")
	}
	if n := h.Received("/sandbox/public_token/create"); n != 1 {
		t.Errorf("counted %d requests, want 1", n)
	}
	reached := 0
	for _, c := range e.Calls() {
		if c.Path == "/sandbox/public_token/create" && c.Status == http.StatusOK {
			reached++
		}
	}
	if reached != 1 {
		t.Errorf("the emulator answered %d creations, want 1: the work must be done before the answer is lost", reached)
	}
}

func TestHostile_removalLies(t *testing.T) {
	e, h := newHarness(t)
	item := e.Seed(emulator.SeedOptions{})
	for _, tc := range []struct {
		name   string
		m      Misbehaviour
		status int
		code   string
	}{
		{"200 with an error body", SucceedWithErrorBody(), http.StatusOK, "INTERNAL_SERVER_ERROR"},
		{"404 route not found as ITEM_NOT_FOUND", RouteNotFoundAsItemNotFound(), http.StatusNotFound, "ITEM_NOT_FOUND"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h.On("/item/remove", tc.m)
			resp, body, err := post(t, http.DefaultClient, h.URL+"/item/remove", map[string]string{"access_token": item.AccessToken})
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				ErrorCode string `json:"error_code"`
			}
			_ = json.Unmarshal(body, &got)
			if resp.StatusCode != tc.status || got.ErrorCode != tc.code {
				t.Errorf("got HTTP %d with error_code %q, want %d with %q", resp.StatusCode, got.ErrorCode, tc.status, tc.code)
			}
			if st := e.Item(item.ItemID); st.Removed {
				t.Errorf("the lie must not touch the Item, yet it is removed: %+v", st)
			}
		})
	}
}
