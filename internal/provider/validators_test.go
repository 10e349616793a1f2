package provider

import (
	"strings"
	"testing"
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
