// Package leakcheck finds literal secrets in text, for tests. It shares
// nothing with the provider's redactor: it looks for the exact values a test
// planted, in the forms a server could echo them in, never for anything
// token-shaped.
package leakcheck

import (
	"fmt"
	"net/url"
	"strings"
)

// Forms are the spellings of value that count as a leak: as is, in any
// (ASCII) case, percent-encoded (wholly or as url.QueryEscape does) and
// JSON-escaped character by character.
func Forms(value string) map[string]string {
	var percent, jsonEscaped strings.Builder
	for _, c := range []byte(value) {
		fmt.Fprintf(&percent, "%%%02x", c)
		fmt.Fprintf(&jsonEscaped, `\u%04x`, c)
	}
	return map[string]string{
		"literal":                 value,
		"percent-encoded":         percent.String(),
		"query-escaped":           url.QueryEscape(value),
		"JSON-escaped":            jsonEscaped.String(),
		"JSON-escaped hyphens":    strings.ReplaceAll(value, "-", `\u002d`),
		"percent-encoded hyphens": strings.ReplaceAll(value, "-", "%2D"),
	}
}

// Find reports where the first of values shows in text, in any of its
// Forms, compared without regard to ASCII case; "" when none does.
func Find(text string, values ...string) string {
	folded := lower(text)
	for i, v := range values {
		if v == "" {
			continue
		}
		for name, form := range Forms(v) {
			if strings.Contains(folded, lower(form)) {
				// The value itself is not repeated: test output is
				// scanned for leaks too.
				return fmt.Sprintf("the %s form of value #%d", name, i)
			}
		}
	}
	return ""
}

func lower(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
