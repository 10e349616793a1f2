package acctest

import (
	"fmt"
	"strings"
)

// Literal is a value that must not show anywhere, named for messages: the
// value itself is never printed.
type Literal struct {
	What  string
	Value string
}

// literalForm is one spelling of a Literal that a leak scan looks for.
type literalForm struct {
	how  string
	text string
}

// forms spells v the ways a server or a careless client could carry it. The
// scan compares case-insensitively, which also covers upper-cased copies
// and either case of hex digits. It deliberately shares nothing with the
// provider's redactor: no token pattern, just the literal value.
func forms(v string) []literalForm {
	out := []literalForm{
		{"as is (any letter case)", v},
		{"percent-encoded byte by byte", PercentEncodeAll(v)},
		{"with hyphens percent-encoded", strings.ReplaceAll(v, "-", "%2d")},
		{"with hyphens JSON-escaped (\\u002d)", JSONEscapeHyphens(v)},
		{"JSON-escaped byte by byte", JSONEscapeAll(v)},
	}
	// The random part alone (after "access-sandbox-" or "emu-secret-"): a
	// redactor that replaces a prefix or a shape leaves it behind. Its
	// longest run without hyphens survives re-quoting and re-escaping of
	// the hyphens, so it is looked for too.
	if parts := strings.SplitN(v, "-", 3); len(parts) == 3 && len(parts[2]) >= 16 {
		out = append(out, literalForm{"its random part", parts[2]})
		longest := ""
		for _, run := range strings.Split(parts[2], "-") {
			if len(run) > len(longest) {
				longest = run
			}
		}
		if len(longest) >= 12 && longest != parts[2] {
			out = append(out, literalForm{"a piece of its random part", longest})
		}
	}
	return out
}

// FindLiteralLeaks reports every literal found in text, in any of its
// forms, as "what, how (n times)". It never includes the value.
func FindLiteralLeaks(text string, literals ...Literal) []string {
	lower := strings.ToLower(text)
	var found []string
	for _, l := range literals {
		if l.Value == "" {
			continue
		}
		for _, f := range forms(l.Value) {
			if n := strings.Count(lower, strings.ToLower(f.text)); n > 0 {
				found = append(found, fmt.Sprintf("%s, %s (%d times)", l.What, f.how, n))
			}
		}
	}
	return found
}

// ScrubLiterals replaces every form of every literal in text, so that a
// test can show an unexpected error without printing what leaked in it.
func ScrubLiterals(text string, literals ...Literal) string {
	for _, l := range literals {
		if l.Value == "" {
			continue
		}
		for _, f := range forms(l.Value) {
			text = replaceFold(text, f.text, "<"+l.What+" "+f.how+">")
		}
	}
	return text
}

// replaceFold replaces old in s case-insensitively (ASCII values only, as
// secrets and tokens are).
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	lowerS, lowerOld := strings.ToLower(s), strings.ToLower(old)
	if len(lowerS) != len(s) {
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(lowerS, lowerOld)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, lowerS = s[i+len(old):], lowerS[i+len(old):]
	}
}
