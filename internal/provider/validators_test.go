package provider

import "testing"

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
