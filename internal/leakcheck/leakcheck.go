// Package leakcheck finds literal secrets in text, for tests and for the
// TRACE leak scan (internal/cmd/scan-secrets). It shares nothing with the
// provider's redactor: it looks for the exact values a test planted or an
// emulator issued, in the spellings a server, proxy or logger could give
// them, never for anything token-shaped. It imports nothing from this
// module, so that internal/plaid's own tests can use it.
package leakcheck

import (
	"fmt"
	"net/url"
	"strings"
)

// Literal is a value that must not show anywhere, named for reports: the
// value itself is never printed.
type Literal struct {
	What  string
	Value string
}

// Form is one spelling of a value that counts as a leak. Text is compared
// without regard to ASCII case, which also covers upper-cased copies and
// either case of hex digits; How names the spelling in reports.
type Form struct {
	How  string
	Text string
}

// Forms are the spellings of value that count as a leak: as is,
// percent-encoded (every byte, every byte twice, as url.QueryEscape does,
// or hyphens only), JSON-escaped (every byte or hyphens only), and, for a
// prefixed value such as "access-sandbox-…" or "emu-secret-…", its random
// part alone. Whole spellings come before parts, so that Scrub names the
// whole one when both match. Spellings that read the same are listed once.
func Forms(value string) []Form {
	return distinct(append(wholeForms(value), partForms(value)...), asciiLower)
}

// wholeForms spell all of value.
func wholeForms(value string) []Form {
	percent := PercentEncodeAll(value)
	return []Form{
		{"as is (any letter case)", value},
		{"percent-encoded byte by byte", percent},
		{"percent-encoded byte by byte, twice", strings.ReplaceAll(percent, "%", "%25")},
		{"percent-encoded byte by byte, three times", strings.ReplaceAll(percent, "%", "%2525")},
		{"percent-encoded byte by byte, four times", strings.ReplaceAll(percent, "%", "%252525")},
		{"query-escaped", url.QueryEscape(value)},
		{"with hyphens percent-encoded", PercentEncodeHyphens(value)},
		{`with hyphens JSON-escaped (\u002d)`, JSONEscapeHyphens(value)},
		{"JSON-escaped byte by byte", JSONEscapeAll(value)},
		{"as %uXXXX escapes", encodeEach(value, "%%u%04x")},
		{"as octal escapes", encodeEach(value, `\%03o`)},
		{"as HTML decimal references", encodeEach(value, "&#%d;")},
		{"as zero-padded HTML decimal references", encodeEach(value, "&#%010d;")},
		{"as HTML hex references", encodeEach(value, "&#x%x;")},
		{"in fullwidth letters", Fullwidth(value)},
		{"with U+2010 hyphens", strings.ReplaceAll(value, "-", "\u2010")},
	}
}

// encodeEach spells every byte of s with format.
func encodeEach(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

// Fullwidth spells the ASCII letters, digits and hyphens of s in their
// fullwidth forms (U+FF01 to U+FF5E), which read the same on screen.
func Fullwidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r > ' ' && r < 0x7f {
			return r - '!' + 0xff01
		}
		return r
	}, s)
}

// invisibleSplits are characters that render as nothing or as a blank: a
// server can split a value with one so that no spelling of it shows, yet a
// reader sees it whole.
var invisibleSplits = map[string]string{
	"U+3164 (Hangul filler)":      "\u3164",
	"U+2800 (braille blank)":      "\u2800",
	"U+FE0F (variation selector)": "\ufe0f",
	"U+0301 (combining accent)":   "\u0301",
	"U+200B (zero-width space)":   "\u200b",
}

// partForms are the random part alone (after "access-sandbox-" or
// "emu-secret-"): a redactor that replaces a prefix or a shape leaves it
// behind. Its longest run without hyphens survives any re-spelling of the
// hyphens (&#45;, \\u002d), so it is looked for too.
func partForms(value string) []Form {
	parts := strings.SplitN(value, "-", 3)
	if len(parts) != 3 || len(parts[2]) < 16 {
		return nil
	}
	forms := []Form{{"its random part", parts[2]}}
	longest := ""
	for _, run := range strings.Split(parts[2], "-") {
		if len(run) > len(longest) {
			longest = run
		}
	}
	if len(longest) >= 12 {
		forms = append(forms, Form{"a piece of its random part", longest})
	}
	return forms
}

// Echoes are the spellings a hostile test server echoes value in: each
// whole spelling Forms counts as a leak, so that nothing planted is
// something the check could not see, and the same value upper-cased and
// glued to other characters, which defeats a redactor that looks for
// word boundaries. How names each, for subtests.
func Echoes(value string) []Form {
	upper := strings.ToUpper(value)
	// Compared as written: the upper-cased copy is the point.
	same := func(s string) string { return s }
	echoes := append(wholeForms(value),
		Form{"upper case", upper},
		Form{"glued", "token_" + value + "_x"},
		Form{"glued upper case", "TOKEN_" + upper + "_X"},
	)
	for name, c := range invisibleSplits {
		half := len(value) / 2
		echoes = append(echoes, Form{"split by " + name, value[:half] + c + value[half:]},
			Form{"every character split by " + name, strings.Join(strings.Split(value, ""), c)})
	}
	return distinct(echoes, same)
}

// distinct drops spellings that read the same as an earlier one once key
// has normalised them.
func distinct(forms []Form, key func(string) string) []Form {
	seen := map[string]bool{}
	out := forms[:0]
	for _, f := range forms {
		if k := key(f.Text); !seen[k] {
			seen[k] = true
			out = append(out, f)
		}
	}
	return out
}

// PercentEncodeAll percent-encodes every byte of s (%61%63…), a valid if
// unusual encoding that leaves no character of s readable. The hex digits
// are lower case; strings.ToUpper gives the upper-case spelling.
func PercentEncodeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02x", s[i])
	}
	return b.String()
}

// PercentEncodeHyphens spells each hyphen of s as %2D.
func PercentEncodeHyphens(s string) string { return strings.ReplaceAll(s, "-", "%2D") }

// JSONEscapeAll spells every byte of s as a JSON \u00XX escape.
func JSONEscapeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, `\u%04x`, s[i])
	}
	return b.String()
}

// JSONEscapeHyphens spells each hyphen of s as the JSON escape \u002d.
func JSONEscapeHyphens(s string) string { return strings.ReplaceAll(s, "-", `\u002d`) }

// FindAll reports every literal found in text, in each of its Forms, as
// "what, how (n times)". It never includes the value: test output is
// scanned for leaks too.
func FindAll(text string, literals ...Literal) []string {
	folded := asciiLower(text)
	// The same text without what lies outside ASCII: a value split by an
	// invisible character, a combining mark or a blank letter reads whole
	// on screen, so it counts whole here.
	squeezed := asciiLower(withoutNonASCII(text))
	var found []string
	for _, l := range literals {
		if l.Value == "" {
			continue
		}
		for _, f := range Forms(l.Value) {
			needle := asciiLower(f.Text)
			if n := strings.Count(folded, needle); n > 0 {
				found = append(found, fmt.Sprintf("%s, %s (%d times)", l.What, f.How, n))
			} else if n := strings.Count(squeezed, needle); n > 0 && squeezed != folded {
				found = append(found, fmt.Sprintf("%s, %s, split by characters outside ASCII (%d times)", l.What, f.How, n))
			}
		}
	}
	return found
}

// withoutNonASCII drops every character outside ASCII from s.
func withoutNonASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 {
			return r
		}
		return -1
	}, s)
}

// Find reports the first of values that shows in text, in any of its
// Forms, naming it by its position ("value #0"); "" when none does.
func Find(text string, values ...string) string {
	for i, v := range values {
		if found := FindAll(text, Literal{What: fmt.Sprintf("value #%d", i), Value: v}); len(found) > 0 {
			return found[0]
		}
	}
	return ""
}

// Scrub replaces every form of every literal in text with a placeholder
// naming it, so that a test can show unexpected text without printing what
// leaked in it.
func Scrub(text string, literals ...Literal) string {
	for _, l := range literals {
		if l.Value == "" {
			continue
		}
		for _, f := range Forms(l.Value) {
			text = replaceFold(text, f.Text, "<"+l.What+" "+f.How+">")
		}
	}
	return text
}

// replaceFold replaces old in s without regard to ASCII case. asciiLower
// keeps every byte where it was, so an index in the folded text is one in s.
func replaceFold(s, old, repl string) string {
	foldedS, foldedOld := asciiLower(s), asciiLower(old)
	var b strings.Builder
	for {
		i := strings.Index(foldedS, foldedOld)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, foldedS = s[i+len(old):], foldedS[i+len(old):]
	}
}

// asciiLower lower-cases ASCII letters only, byte by byte. Secrets and
// tokens are ASCII, and unlike strings.ToLower (or strings.Map, which
// rewrites invalid UTF-8) it never changes the length of the text.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
