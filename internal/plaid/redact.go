package plaid

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The redaction boundary has three parts, one per kind of text:
//
//   - Server text that is shown (error fields, headers, transport errors)
//     passes ShowServerText (shown.go): an allow-list that keeps plain
//     printable words and hides everything else, then hides registered
//     values. It never decodes anything, so no encoding can slip past it.
//   - Server values that are stored in state (an Item's webhook, ids,
//     institution, products, error_code) are never rewritten: they are
//     checked by shape and refused whole when they hold a registered value
//     (stored.go), so that Terraform stores what Plaid sent or nothing.
//   - Text the provider composes (errors, diagnostics, log lines) passes
//     Redact, the second net: it hides registered values and token shapes,
//     and changes nothing else.
//
// What is registered (registry.go): the configured secret, and each token
// the client sends or receives on the fields that carry tokens.

// redactedMark replaces a registered value or a token.
const redactedMark = "<redacted>"

// tokenShape matches a Plaid token wherever it sits (there is no word
// boundary: `token_access-sandbox-…` matches too). The id must hold a digit,
// as every token Plaid issues does, so that words such as a webhook path's
// `user-production-events` are not taken for one. The kind and environment
// stay in the redacted text: they help the reader and reveal nothing.
var tokenShape = regexp.MustCompile(`(?i)(access|public|link|processor|user)-(sandbox|development|production)-((?:[a-z0-9]+-)*[a-z]*[0-9][a-z0-9]*(?:-[a-z0-9]+)*)`)

// TokenPattern is the regular expression Redact uses to find token-shaped
// text. Leak checks should look for the literal tokens, not this pattern.
func TokenPattern() *regexp.Regexp { return tokenShape }

// Redact returns s without any registered value and without anything
// shaped like a Plaid token. Every other byte of s stays as it is: it is
// the second net for text the provider composed, whose server parts have
// already passed ShowServerText. Its cost grows with len(s), whatever the
// number of values registered.
func Redact(s string) string {
	if s == "" {
		return s
	}
	var spans []labelled
	for _, m := range tokenShape.FindAllStringSubmatchIndex(s, -1) {
		spans = append(spans, labelled{span{m[0], m[1]}, s[m[2]:m[3]] + "-" + s[m[4]:m[5]] + "-" + redactedMark})
	}
	found := findKnown(s)
	if strings.Contains(s, hiddenMark) || strings.Contains(s, redactedMark) {
		// Read past the marks of server text hidden earlier: a field
		// hidden whole must not keep apart two halves of a value that
		// the fields around it show.
		blanked := strings.NewReplacer(hiddenMark, strings.Repeat(" ", len(hiddenMark)), redactedMark, strings.Repeat(" ", len(redactedMark))).Replace(s)
		found = append(found, findKnown(blanked)...)
	}
	for _, sp := range found {
		spans = append(spans, labelled{sp, redactedMark})
	}
	spans = append(spans, encodedValues(s)...)
	if len(spans) == 0 {
		return s
	}
	return replaceSpans(s, spans)
}

// encodedValues are the words of s (runs between spaces) that hold an
// escape (%XX, a backslash, &#) and decode to a registered value or a
// token: the provider's own text carries no such thing, but the second net
// should not depend on that. Each word is decoded once, a bounded number of
// layers, so the cost stays linear in len(s).
func encodedValues(s string) []labelled {
	if !strings.ContainsAny(s, `%\&`) {
		return nil
	}
	var spans []labelled
	start := -1
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] > ' ' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			if word := s[start:i]; strings.ContainsAny(word, `%\`) || strings.Contains(word, "&#") {
				if holdsSecret(word) {
					spans = append(spans, labelled{span{start, i}, redactedMark})
				}
			}
			start = -1
		}
	}
	return spans
}

// labelled is a span of a text and what replaces it.
type labelled struct {
	span
	label string
}

// replaceSpans replaces the spans of s, merging those that overlap; a
// merged span gets the plain mark, as no single label describes it.
func replaceSpans(s string, spans []labelled) string {
	slices.SortFunc(spans, func(a, b labelled) int { return a.start - b.start })
	merged := spans[:1]
	for _, r := range spans[1:] {
		last := &merged[len(merged)-1]
		if r.start < last.end {
			if r.end > last.end {
				last.end = r.end
				last.label = redactedMark
			}
			continue
		}
		merged = append(merged, r)
	}
	var b strings.Builder
	at := 0
	for _, r := range merged {
		b.WriteString(s[at:r.start])
		b.WriteString(r.label)
		at = r.end
	}
	b.WriteString(s[at:])
	return b.String()
}

// WithLogMasks returns ctx with log masks for the secret and every token:
// token-shaped text, and each configured secret, in any letter case. Masks
// live on a context and Terraform gives every RPC a new one, so this is
// called where requests are made. Each mask is one regular expression, so
// masking a line costs its length, however many tokens a run has seen.
// Log lines still carry only ShowServerText's and Redact's output: masks
// are the second net, not the first.
func WithLogMasks(ctx context.Context) context.Context {
	masks := []*regexp.Regexp{tokenShape}
	if m := secretMask(); m != nil {
		masks = append(masks, m)
	}
	return tflog.MaskLogRegexes(ctx, masks...)
}

var compiledMask struct {
	sync.Mutex
	generation int
	re         *regexp.Regexp
}

// secretMask is one regular expression for the configured secrets, rebuilt
// only when they change.
func secretMask() *regexp.Regexp {
	secrets, generation := configuredSecrets()
	if len(secrets) == 0 {
		return nil
	}
	compiledMask.Lock()
	defer compiledMask.Unlock()
	if compiledMask.re == nil || compiledMask.generation != generation {
		// Each secret as is, and percent-encoded or JSON-escaped byte by
		// byte: three alternatives each, so a line costs its length.
		var quoted []string
		for _, v := range secrets {
			var percent, escaped strings.Builder
			for i := 0; i < len(v); i++ {
				fmt.Fprintf(&percent, "%%%02x", v[i])
				fmt.Fprintf(&escaped, `\\u00%02x`, v[i])
			}
			quoted = append(quoted, regexp.QuoteMeta(v), percent.String(), escaped.String())
		}
		compiledMask.re = regexp.MustCompile(`(?i)` + strings.Join(quoted, "|"))
		compiledMask.generation = generation
	}
	return compiledMask.re
}
