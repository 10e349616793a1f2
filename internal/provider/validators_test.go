package provider

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestLooksLikePersonalData(t *testing.T) {
	for note, want := range map[string]string{
		"customer asked to close, see ticket 4821":  "",
		"closed in 2026 after 3 failed logins":      "",
		"contact jane.doe@example.com":              "an email address",
		"called +1 (415) 555-0100 to confirm":       "a phone number",
		"phone 415.555.0100":                        "a phone number",
		"fraud ring, case FR-2026-11":               "",
		"duplicate connection created by migration": "",
	} {
		if got := looksLikePersonalData(note); got != want {
			t.Errorf("looksLikePersonalData(%q) = %q, want %q", note, got, want)
		}
	}
}

// A base_url that carries the secret after its host (a query parameter, a
// fragment, a path, or a malformed port) is refused at plan time, before
// the secret is registered with the redactor: the error names the host at
// most.
func TestCheckBaseURL_quotesNoMoreThanSchemeAndHost(t *testing.T) {
	const secret = "Zq9NotYetRegistered77"
	for _, raw := range []string{
		"https://h.example/?key=" + secret,
		"https://h.example/#" + secret,
		"https://h.example/" + secret,
		"https://h.example:" + secret,
		"https://h.example/%zz" + secret,
		"ht tps://h.example/" + secret,
	} {
		err := checkBaseURL(raw)
		if err == nil {
			t.Errorf("checkBaseURL(%q) accepted it", raw)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("checkBaseURL quotes the secret: %v", err)
		}
	}
	if err := checkBaseURL("https://h.example/v1"); err == nil || !strings.Contains(err.Error(), "https://h.example") {
		t.Errorf("checkBaseURL no longer names the host of a URL with a path: %v", err)
	}
}

// A webhook holding an issued token fails at plan, on the attribute, as the
// answer that echoed it would be refused after Plaid had taken it; one whose
// path merely begins like a token (user-production-v2) passes, as its answer
// is stored as sent.
func TestValidWebhookURL_refusesATokenButNotAPathThatLooksLikeOne(t *testing.T) {
	validate := func(s string) diag.Diagnostics {
		var resp validator.StringResponse
		validWebhookURL().ValidateString(context.Background(), validator.StringRequest{Path: path.Root("webhook"), ConfigValue: types.StringValue(s)}, &resp)
		return resp.Diagnostics
	}
	const token = "access-sandbox-1d2c3b4a-5f6e-4a7b-9c8d-0e1f2a3b4c5d"
	for _, s := range []string{"https://hooks.example.com/" + token, "https://hooks.example.com/x?t=" + strings.ToUpper(token)} {
		if d := validate(s); !d.HasError() || !strings.Contains(d[0].Summary(), "Token") {
			t.Errorf("a webhook holding a token: %v", d)
		} else if strings.Contains(strings.ToLower(d[0].Detail()), token[15:]) {
			t.Errorf("the diagnostic repeats the token: %v", d)
		}
	}
	for _, s := range []string{"https://hooks.example.com/plaid/user-production-v2", "https://hooks.example.com/plaid/link-sandbox-webhook-1", "https://webhook.site/0e1f5c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6"} {
		if d := validate(s); d.HasError() {
			t.Errorf("%q refused: %v", s, d)
		}
	}
}
