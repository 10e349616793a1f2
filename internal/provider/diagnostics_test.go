package provider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The advice fits the provider: no "after N retries" when retries are off,
// and Plaid's status page only when requests go to Plaid.
func TestNextStep_fitsRetriesAndBaseURL(t *testing.T) {
	maintenance := &plaid.Error{HTTPStatus: 503, ErrorType: "API_ERROR", ErrorCode: "PLANNED_MAINTENANCE"}
	limited := &plaid.Error{HTTPStatus: 429, ErrorType: "RATE_LIMIT_EXCEEDED", ErrorCode: "RATE_LIMIT"}
	for _, tc := range []struct {
		name        string
		data        providerData
		err         error
		want, never []string
	}{
		{"plaid, retries", providerData{environment: plaid.Sandbox, baseURL: "https://sandbox.plaid.com", maxRetries: 10}, maintenance,
			[]string{"status.plaid.com", "after 10 retries"}, nil},
		{"emulator, no retries", providerData{environment: plaid.Sandbox, baseURL: "http://127.0.0.1:8080", maxRetries: 0}, maintenance,
			[]string{"http://127.0.0.1:8080"}, []string{"status.plaid.com", "retr"}},
		{"rate limit, no retries", providerData{environment: plaid.Sandbox, baseURL: "https://sandbox.plaid.com"}, limited,
			[]string{"requests_per_minute"}, []string{"after every retry", "after 0", "kept"}},
		{"emulator, no retries, 500", providerData{environment: plaid.Sandbox, baseURL: "http://127.0.0.1:8080", maxRetries: 0}, &plaid.Error{HTTPStatus: 500, ErrorType: "API_ERROR", ErrorCode: "INTERNAL_SERVER_ERROR"},
			[]string{"http://127.0.0.1:8080"}, []string{"kept", "status.plaid.com"}},
		{"plaid, no retries, 503", providerData{environment: plaid.Sandbox, baseURL: "https://sandbox.plaid.com"}, maintenance,
			[]string{"status.plaid.com"}, []string{"kept", "retr"}},
		{"emulator, rate limit", providerData{environment: plaid.Sandbox, baseURL: "http://127.0.0.1:8080", maxRetries: 3}, limited,
			[]string{"http://127.0.0.1:8080", "after 3 retries"}, []string{"Plaid kept"}},
		// ADDITION_LIMIT is a 429 the client does not retry (a quota code):
		// the advice must not say it was retried, nor that retrying helps.
		{"item addition limit, retries on", providerData{environment: plaid.Sandbox, baseURL: "https://sandbox.plaid.com", maxRetries: 3},
			&plaid.Error{HTTPStatus: 429, ErrorType: "RATE_LIMIT_EXCEEDED", ErrorCode: "ADDITION_LIMIT"},
			[]string{"retrying will not help"}, []string{"after 3 retries", "kept", "max_retries", "requests_per_minute"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := nextStep(tc.err, &tc.data)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("advice %q does not contain %q", got, w)
				}
			}
			for _, n := range tc.never {
				if strings.Contains(got, n) {
					t.Errorf("advice %q contains %q", got, n)
				}
			}
		})
	}
}

// A call cut short by Ctrl-C is one line, whatever wraps the cancellation;
// a creating call whose outcome is unknown keeps its own guidance.
func TestAddPlaidError_interruptedIsOneLine(t *testing.T) {
	for _, err := range []error{
		fmt.Errorf("POST /item/remove: %w", context.Canceled),
		fmt.Errorf("POST /item/remove: stopped while waiting to retry: %w", context.Canceled),
	} {
		diags := newDiags()
		addPlaidError(&diags, "Could Not Remove the Plaid Item", "Removing Item it-1 with /item/remove", err, &providerData{})
		if len(diags) != 1 || diags[0].Detail() != "" || strings.Contains(diags[0].Summary(), "\n") ||
			!strings.HasPrefix(diags[0].Summary(), "Interrupted: Removing Item it-1 with /item/remove") {
			t.Errorf("for %v: %v", err, diags)
		}
	}
	unknown := &plaid.OutcomeUnknownError{Path: "/sandbox/public_token/create", Creates: "a sandbox Item", Err: fmt.Errorf("POST x: %w", context.Canceled)}
	diags := newDiags()
	addPlaidError(&diags, "Could Not Create the Sandbox Item", "Creating a sandbox Item", unknown, &providerData{})
	if len(diags) != 1 || strings.HasPrefix(diags[0].Summary(), "Interrupted") || !strings.Contains(diags[0].Detail(), "did not send the request again") {
		t.Errorf("an interrupted create whose outcome is unknown: %v", diags)
	}
}

func newDiags() diag.Diagnostics { return nil }

// Each kind of failure the client now tells apart gets advice that fits it.
func TestDescribePlaidError_adviceFitsTheCause(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/sandbox/public_token/create":
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"error_type":"API_ERROR","error_code":"INTERNAL_SERVER_ERROR","error_message":"m","request_id":"r"}`))
		default:
			w.Header().Set("Location", "http://127.0.0.2:9/")
			w.WriteHeader(307)
		}
	}))
	defer srv.Close()
	data := stubProviderData(t, srv.URL, echoSecret, 3)
	client := data.client
	_, createErr := client.CreateSandboxPublicToken(context.Background(), plaid.SandboxPublicTokenRequest{InstitutionID: "ins_1", InitialProducts: []string{"auth"}})
	_, redirectErr := client.GetItem(context.Background(), echoAccessToken)
	for name, tc := range map[string]struct {
		err       error
		want, not string
	}{
		"creating call may have gone through": {createErr, "GET /emulator/items", "kept failing"},
		"redirect":                            {redirectErr, "127.0.0.2", "retries"},
	} {
		text := describePlaidError("Doing it", tc.err, data)
		if !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
			t.Errorf("%s: want %q and not %q in:\n%s", name, tc.want, tc.not, text)
		}
	}
}

// The gone warning is true in every mode (a -refresh-only plan removes
// nothing until applied), and each resource's says what happens to it.
func TestItemGoneWarning_fitsModeAndResource(t *testing.T) {
	for name, tc := range map[string]struct {
		next         string
		want, banned []string
	}{
		"plaid_item":         {itemGoneFromConfiguration, []string{"adopts the token again", "for_each"}, []string{"sandbox"}},
		"plaid_sandbox_item": {sandboxItemGoneFromConfiguration, []string{"creates a new sandbox Item"}, []string{"adopt", "for_each"}},
	} {
		t.Run(name, func(t *testing.T) {
			d := itemGoneWarning("it-1", tc.next).Detail()
			for _, w := range append(tc.want, "it-1", "this plan forgets the resource", "when the plan is applied") {
				if !strings.Contains(d, w) {
					t.Errorf("the warning does not say %q: %s", w, d)
				}
			}
			for _, b := range append(tc.banned, "has been removed from state") {
				if strings.Contains(d, b) {
					t.Errorf("the warning says %q: %s", b, d)
				}
			}
		})
	}
}

// stubProviderData is the provider's data for a client of the test server
// at url, sandbox environment: unpaced, with maxRetries retries a
// millisecond apart, so that a test of what the provider makes of an
// answer does not wait out Plaid's pacing or backoff.
func stubProviderData(t testing.TB, url, secret string, maxRetries int) *providerData {
	t.Helper()
	client, err := plaid.New(plaid.Config{BaseURL: url, ClientID: "cid", Secret: secret, RequestsPerMinute: 100000,
		Retry: plaid.RetryPolicy{MaxRetries: maxRetries, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return &providerData{client: client, environment: plaid.Sandbox, baseURL: url, maxRetries: maxRetries}
}
