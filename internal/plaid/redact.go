package plaid

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// This file is the one redaction boundary. Everything a server or the
// transport says (error fields, headers, URLs, transport error text) passes
// Redact before it reaches an error value, a diagnostic or a log line, and
// the provider passes its diagnostics through it too. A server may echo the
// secret or a token back in any field, in any case, percent-encoded,
// JSON-escaped or glued to other characters, so Redact looks for them in a
// decoded, lower-cased view of the text and removes the original spans.

// redactedMark replaces what Redact removes.
const redactedMark = "<redacted>"

// tokenShape matches anything shaped like a Plaid token, in any case and
// wherever it sits: there is no word boundary, so `token_access-sandbox-…`
// matches too. The prefix (kind and environment) is kept in the redacted
// text because it helps the reader and reveals nothing.
var tokenShape = regexp.MustCompile(`(?i)(access|public|link|processor|user)-(sandbox|development|production)-[a-z0-9-]+`)

// TokenPattern is the regular expression Redact uses to find token-shaped
// text. Leak checks should look for the literal tokens, not this pattern.
func TokenPattern() *regexp.Regexp { return tokenShape }

// minKnownSecretLength is the shortest value the registry keeps: redacting
// shorter strings would mangle ordinary words, and no Plaid credential is
// that short (secrets have 30 characters, token ids 36).
const minKnownSecretLength = 8

// known is the process-wide registry of the secret and every token this
// process has sent or received. It only grows: a token once seen stays
// secret for the life of the provider process.
var known struct {
	sync.RWMutex
	set map[string]bool // lower-cased values
	// values are the lower-cased registered values, for Redact, in the
	// order they were registered: a token before the pieces of it.
	values []string
	// byPrefix indexes values by their first minKnownSecretLength bytes,
	// so that Redact looks only at the values that can occur in a text
	// instead of at every value a big run has registered.
	byPrefix map[string][]int
	// unshaped are the values tokenShape would not find by itself (the
	// client secret, an odd token), for the log masks.
	unshaped []string
	// maskGeneration changes whenever unshaped does, so the compiled log
	// mask is rebuilt only then.
	maskGeneration int
}

// remember adds values to the registry. For a token, the part after the
// kind and environment is kept too, so that an echo of its bare id is
// caught.
func remember(values ...string) {
	known.Lock()
	defer known.Unlock()
	if known.set == nil {
		known.set = map[string]bool{}
	}
	for _, v := range values {
		m := tokenShape.FindStringSubmatchIndex(v)
		whole := m != nil && m[0] == 0 && m[1] == len(v)
		// A token-shaped value is masked in logs by tokenShape; only the
		// others need a mask of their own.
		addKnown(v, !whole)
		if whole {
			random := v[m[5]+1:]
			addKnown(random, false)
			// An echo of one segment of the id (a UUID's last twelve
			// characters, say) still gives part of the token away.
			if piece := longestSegment(random); len(piece) >= minTokenPieceLength {
				addKnown(piece, false)
			}
		}
	}
}

// minTokenPieceLength is the shortest segment of a token's id that is
// redacted on its own: a UUID's last segment has twelve characters, and
// shorter runs would match ordinary text.
const minTokenPieceLength = 12

// longestSegment is the longest run of s between hyphens.
func longestSegment(s string) string {
	longest := ""
	for _, run := range strings.Split(s, "-") {
		if len(run) > len(longest) {
			longest = run
		}
	}
	return longest
}

// addKnown registers one value; known must be locked.
func addKnown(v string, needsMask bool) {
	lv := lowerASCII(v)
	if len(lv) < minKnownSecretLength || known.set[lv] {
		return
	}
	addValue(lv)
	if needsMask {
		known.unshaped = append(known.unshaped, v)
		known.maskGeneration++
	}
	for _, encoded := range base64Needles(v) {
		if le := lowerASCII(encoded); len(le) >= minKnownSecretLength && !known.set[le] {
			addValue(le)
		}
	}
}

// addValue adds a lower-cased value of at least minKnownSecretLength bytes;
// known must be locked.
func addValue(lv string) {
	if known.byPrefix == nil {
		known.byPrefix = map[string][]int{}
	}
	known.set[lv] = true
	prefix := lv[:minKnownSecretLength]
	known.byPrefix[prefix] = append(known.byPrefix[prefix], len(known.values))
	known.values = append(known.values, lv)
}

// candidates are the indexes in known.values, in registration order and
// above after, of the values that may occur in the lower-cased texts: those
// whose first minKnownSecretLength bytes do. A value occurs only where its
// prefix does, so no value that occurs is left out. known must be locked.
//
// Each bucket is taken once however often its prefix occurs: every token
// begins "access-s", and a hostile answer repeating that would otherwise
// cost its length times the number of tokens registered.
func candidates(after int, texts ...[]byte) []int {
	var out []int
	var seen map[string]bool
	for _, text := range texts {
		for i := 0; i+minKnownSecretLength <= len(text); i++ {
			bucket, ok := known.byPrefix[string(text[i:i+minKnownSecretLength])]
			if !ok {
				continue
			}
			prefix := string(text[i : i+minKnownSecretLength])
			if seen[prefix] {
				continue
			}
			if seen == nil {
				seen = map[string]bool{}
			}
			seen[prefix] = true
			for _, idx := range bucket {
				if idx > after {
					out = append(out, idx)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// base64Needles are the parts of v's base64 encodings (standard and URL
// alphabets) that depend on v alone, for each of the three offsets v can
// have in a longer encoded text: a server may echo a value inside a base64
// blob (a basic-auth header, an encoded cursor). Redact compares them
// lower-cased, which only adds matches.
func base64Needles(v string) []string {
	var needles []string
	for offset := range 3 {
		padded := append(make([]byte, offset), v...)
		// Characters of the first group that carry the offset's bytes,
		// and the last, partial group, depend on more than v.
		skip := []int{0, 2, 3}[offset]
		end := len(padded) / 3 * 4
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			if text := enc.EncodeToString(padded); end > skip {
				needles = append(needles, text[skip:end])
			}
		}
	}
	return needles
}

// rememberTokensIn registers every string value under a JSON key that names
// a token, a secret or a password ("access_token", "public_token",
// "new_access_token", "override_password", ...), anywhere in a request or
// answer body. Reading the keys
// instead of listing fields per endpoint means an endpoint added later is
// covered without anyone remembering to.
func rememberTokensIn(body []byte) {
	if !bytes.Contains(body, []byte("token")) && !bytes.Contains(body, []byte("secret")) && !bytes.Contains(body, []byte("password")) {
		return
	}
	var doc any
	if json.Unmarshal(body, &doc) != nil {
		return
	}
	var found []string
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, child := range v {
				walk(k, child)
			}
		case []any:
			for _, child := range v {
				walk(key, child)
			}
		case string:
			if k := strings.ToLower(key); strings.HasSuffix(k, "token") || strings.HasSuffix(k, "secret") || strings.HasSuffix(k, "password") {
				found = append(found, v)
			}
		}
	}
	walk("", doc)
	remember(found...)
}

// Redact returns s without the secret, without any token this process has
// sent or received, and without anything shaped like a Plaid token. It finds
// them literally, case-insensitively, percent-encoded (also twice),
// JSON- or Go-escaped (\u0061, \x61) and as HTML character references,
// wherever they sit in s.
func Redact(s string) string {
	if s == "" {
		return s
	}
	view := decodedView(s)
	var spans []redaction
	for _, m := range tokenShape.FindAllSubmatchIndex(view.text, -1) {
		label := string(view.text[m[2]:m[3]]) + "-" + string(view.text[m[4]:m[5]]) + "-" + redactedMark
		spans = append(spans, view.span(m[0], m[1], label))
	}
	// A registered value is also found with whitespace or invisible
	// format characters (a line break, a zero-width space, a soft hyphen)
	// put inside it: neither the secret nor a token has any, and the
	// halves would otherwise show. Token shapes are not looked for this
	// way, as the word after a token would then be taken for part of it.
	squeezed, hasGaps := view.withoutGaps()
	known.RLock()
	for _, idx := range candidates(-1, view.text) {
		spans = view.find(spans, known.values[idx])
	}
	if hasGaps {
		for _, idx := range candidates(-1, squeezed.text) {
			spans = squeezed.find(spans, known.values[idx])
		}
	}
	known.RUnlock()
	if len(spans) > 0 {
		s = applyRedactions(s, spans)
	}
	// Decoding can also hide a value: "%0d1e2f…" decodes its first two
	// characters away. So registered values are looked for once more in
	// the text as it stands.
	return redactLiterally(s)
}

// lowerBytes lowers ASCII letters byte by byte, so that its result has
// the same length and offsets as s even when s is not valid UTF-8.
func lowerBytes(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// redactLiterally replaces each registered value found in s as it is,
// ignoring ASCII case.
func redactLiterally(s string) string {
	known.RLock()
	defer known.RUnlock()
	// Lowered once: this runs for every string a server sends, against
	// every value registered, and a big run registers thousands.
	lower := lowerBytes(s)
	next := candidates(-1, []byte(lower))
	for len(next) > 0 {
		idx := next[0]
		next = next[1:]
		v := known.values[idx]
		if !strings.Contains(lower, v) {
			continue
		}
		var b strings.Builder
		var marks []int // where each mark starts in the new text
		for {
			i := strings.Index(lower, v)
			if i < 0 {
				break
			}
			b.WriteString(s[:i])
			marks = append(marks, b.Len())
			b.WriteString(redactedMark)
			s, lower = s[i+len(v):], lower[i+len(v):]
		}
		b.WriteString(s)
		s = b.String()
		lower = lowerBytes(s)
		// The text changed only at the marks: a value after this one can
		// newly occur only where its beginning overlaps one (every other
		// place was in the text before, and its values are in next
		// already). Rescanning the whole text after every replacement
		// would make a long answer echoing many values quadratic.
		around := make([][]byte, 0, len(marks))
		for _, m := range marks {
			from, to := max(0, m-minKnownSecretLength+1), min(len(lower), m+len(redactedMark)+minKnownSecretLength-1)
			around = append(around, []byte(lower[from:to]))
		}
		if added := candidates(idx, around...); len(added) > 0 {
			next = slices.Compact(slices.Sorted(slices.Values(append(next, added...))))
		}
	}
	return s
}

// redaction is a byte range of the original string and its replacement.
type redaction struct {
	start, end int
	label      string
}

// applyRedactions replaces the spans of s, merging those that overlap; a
// merged span gets the plain mark, as no single label describes it.
func applyRedactions(s string, spans []redaction) string {
	slices.SortFunc(spans, func(a, b redaction) int { return a.start - b.start })
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

// view is s decoded and lower-cased, with the original byte range of each
// decoded byte.
type view struct {
	text     []byte
	from, to []int
}

func (v view) span(start, end int, label string) redaction {
	return redaction{start: v.from[start], end: v.to[end-1], label: label}
}

// find appends a span for each occurrence of needle in v.
func (v view) find(spans []redaction, value string) []redaction {
	needle := []byte(value)
	for from := 0; from < len(v.text); {
		i := bytes.Index(v.text[from:], needle)
		if i < 0 {
			break
		}
		start := from + i
		spans = append(spans, v.span(start, start+len(needle), redactedMark))
		from = start + 1
	}
	return spans
}

// withoutGaps is v without whitespace, Unicode format characters
// (category Cf: zero-width spaces and joiners, soft hyphens, bidi marks)
// and invalid UTF-8 (or the U+FFFD it decodes to), and whether it had any.
func (v view) withoutGaps() (view, bool) {
	out := view{text: make([]byte, 0, len(v.text)), from: make([]int, 0, len(v.text)), to: make([]int, 0, len(v.text))}
	gaps := false
	for i := 0; i < len(v.text); {
		r, n := utf8.DecodeRune(v.text[i:])
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			gaps = true
			i += n
			continue
		}
		out.text = append(out.text, v.text[i:i+n]...)
		out.from = append(out.from, v.from[i:i+n]...)
		out.to = append(out.to, v.to[i:i+n]...)
		i += n
	}
	return out, gaps
}

// decodedView undoes the encodings a server might wrap a secret in. It
// decodes repeatedly (up to three layers: `%2541` is `%41` is `A`), then
// lower-cases ASCII letters.
func decodedView(s string) view {
	v := view{text: []byte(s), from: make([]int, len(s)), to: make([]int, len(s))}
	for i := range s {
		v.from[i], v.to[i] = i, i+1
	}
	for range 3 {
		next, changed := decodeOnce(v)
		if !changed {
			break
		}
		v = next
	}
	for i, c := range v.text {
		if 'A' <= c && c <= 'Z' {
			v.text[i] = c + 'a' - 'A'
		}
	}
	return v
}

// decodeOnce decodes one layer of %XX, \uXXXX, \xXX and &#N; / &#xH;.
func decodeOnce(in view) (view, bool) {
	out := view{text: make([]byte, 0, len(in.text)), from: make([]int, 0, len(in.text)), to: make([]int, 0, len(in.text))}
	changed := false
	emit := func(decoded []byte, first, last int) {
		for _, c := range decoded {
			out.text = append(out.text, c)
			out.from = append(out.from, in.from[first])
			out.to = append(out.to, in.to[last])
		}
	}
	t := in.text
	for i := 0; i < len(t); {
		if r, n := escapeAt(t[i:]); n > 0 {
			var buf [utf8.UTFMax]byte
			emit(buf[:utf8.EncodeRune(buf[:], r)], i, i+n-1)
			i += n
			changed = true
			continue
		}
		emit(t[i:i+1], i, i)
		i++
	}
	return out, changed
}

// escapeAt decodes the escape at the start of b, reporting its length (0
// when b does not start with one).
func escapeAt(b []byte) (rune, int) {
	hexRun := func(b []byte, n int) (rune, bool) {
		if len(b) < n {
			return 0, false
		}
		v, err := strconv.ParseUint(string(b[:n]), 16, 32)
		return rune(v), err == nil
	}
	switch {
	case len(b) >= 3 && b[0] == '%':
		if r, ok := hexRun(b[1:], 2); ok {
			return r, 3
		}
	case len(b) >= 6 && b[0] == '\\' && (b[1] == 'u' || b[1] == 'U'):
		if r, ok := hexRun(b[2:], 4); ok {
			return r, 6
		}
	case len(b) >= 2 && b[0] == '\\' && b[1] == '\\':
		// A quoted backslash, as Go's %q and JSON write one: net/http
		// quotes a Location it cannot parse, so `\u002d` in an answer
		// reaches an error as `\\u002d`, one layer above the escape.
		return '\\', 2
	case len(b) >= 4 && b[0] == '\\' && b[1] == 'x':
		if r, ok := hexRun(b[2:], 2); ok {
			return r, 4
		}
	case len(b) >= 4 && b[0] == '&' && b[1] == '#':
		end := bytes.IndexByte(b[:min(len(b), 12)], ';')
		if end < 3 {
			return 0, 0
		}
		digits, base := b[2:end], 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		if v, err := strconv.ParseUint(string(digits), base, 32); err == nil && v <= utf8.MaxRune {
			return rune(v), end + 1
		}
	}
	return 0, 0
}

func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// WithLogMasks returns ctx with log masks for the secret and every token:
// token-shaped text in any case, and each registered value that is not
// token-shaped (the secret) literally, case-insensitively, percent-encoded
// and JSON-escaped. Masks live on a context and Terraform gives every RPC a
// new one, so this is called where requests are made and where their
// outcome is logged. Log lines should still carry Redact's output: masks are
// the second net, not the first.
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

// secretMask is one regular expression for every registered value that is
// not token-shaped, rebuilt only when that list changes.
func secretMask() *regexp.Regexp {
	known.RLock()
	generation, values := known.maskGeneration, slices.Clone(known.unshaped)
	known.RUnlock()
	if len(values) == 0 {
		return nil
	}
	compiledMask.Lock()
	defer compiledMask.Unlock()
	if compiledMask.re != nil && compiledMask.generation == generation {
		return compiledMask.re
	}
	var alternatives []string
	for _, v := range values {
		var percent, jsonEscaped strings.Builder
		for _, c := range []byte(v) {
			fmt.Fprintf(&percent, "%%%02x", c)
			fmt.Fprintf(&jsonEscaped, `\\u00%02x`, c)
		}
		alternatives = append(alternatives, regexp.QuoteMeta(v), percent.String(), jsonEscaped.String())
	}
	compiledMask.re = regexp.MustCompile(`(?i)` + strings.Join(alternatives, "|"))
	compiledMask.generation = generation
	return compiledMask.re
}

// serverText is how any string from a server enters an error: redacted,
// without control characters (which could rewrite the terminal), and
// bounded, since a hostile answer may be megabytes long.
func serverText(s string) string {
	const maxServerText = 2000
	// Control characters go first: removing them after redaction could
	// join the halves of a token that they split.
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		// Invisible format characters go too: a bidi override (U+202E)
		// makes a terminal show the rest of the line reversed.
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, s)
	s = Redact(s)
	if len(s) > maxServerText {
		cut := maxServerText
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}
