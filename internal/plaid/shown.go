package plaid

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// What a server says is shown through an allow-list: plain printable words
// pass, and everything else is hidden or dropped, never decoded. A list of
// the encodings a secret could hide in (percent-encoding, character
// references, escapes, look-alike letters, invisible separators) is never
// complete; a list of what may pass is.

// hiddenMark replaces a run of server text that is not plain words.
const hiddenMark = "<hidden>"

const (
	// maxShownInput is how much of one server string is read at all:
	// everything after it is cut before any other work, so a hostile
	// answer of megabytes costs no more than a short one.
	maxShownInput = 4 << 10
	// maxShownText is how much of it is shown.
	maxShownText = 1000
	// maxPlainWord is the longest word shown: Plaid's messages are words,
	// and its longest URLs are shorter.
	maxPlainWord = 80
)

// shownStats counts what ShowServerText left out, for the TRACE log.
type shownStats struct {
	// Dropped counts characters outside printable ASCII that were removed.
	Dropped int
	// Hidden counts runs replaced by a mark.
	Hidden int
}

// show is ShowServerText, counting into st.
func (st *shownStats) show(s string) string {
	out, one := showServerText(s)
	st.Dropped += one.Dropped
	st.Hidden += one.Hidden
	return out
}

// showStrict is for the fields that have a strict shape (error_code,
// error_type, request_id): shown as sent when they match it and hold no
// registered value or token, or as a mark.
func (st *shownStats) showStrict(s string, shape *regexp.Regexp) string {
	switch {
	case s == "":
		return ""
	case !shape.MatchString(s):
		st.Hidden++
		return hiddenMark
	case holdsKnown(s) || tokenShape.MatchString(s):
		st.Hidden++
		return redactedMark
	}
	return s
}

var (
	// codeShape is the shape of Plaid's error_code and error_type.
	codeShape = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,79}$`)
	// requestIDShape is the shape of a request_id.
	requestIDShape = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// ShowServerText is how any string from a server or the transport enters
// an error, a diagnostic or a log line. In order:
//
//  1. it is cut to maxShownInput bytes (and a word cut in two is dropped,
//     as it may be half a secret);
//  2. it is normalised (NFKD), so that compatibility forms such as
//     fullwidth letters become the ASCII they stand for, and accents come
//     apart from their letters;
//  3. printable ASCII and spaces are kept; combining marks are dropped, and
//     a word holding any other character (an invisible separator, a
//     look-alike letter, a control character) is hidden whole;
//  4. registered values and token shapes are hidden, wherever they sit and
//     however the text around them splits them (a word hidden in step 5
//     included);
//  5. a word that is not plain (an escape, a %XX or &# sequence, a long run
//     of letters mixed with digits, an overlong word) is hidden;
//  6. the result is cut to maxShownText bytes.
func ShowServerText(s string) string {
	out, _ := showServerText(s)
	return out
}

// word is a run of s between spaces, as kept by step 3.
type word struct {
	span
	// hidden reports a word that held a character step 3 does not keep.
	hidden bool
}

func showServerText(s string) (string, shownStats) {
	var st shownStats
	if s == "" {
		return s, st
	}
	cut := false
	if len(s) > maxShownInput {
		end := maxShownInput
		for end > 0 && !utf8.RuneStart(s[end]) {
			end--
		}
		s, cut = s[:end], true
	}
	s = norm.NFKD.String(s)

	var kept strings.Builder
	var words []word
	current := -1 // index in words of the word being written, or -1
	for _, r := range s {
		switch {
		case r > ' ' && r < 0x7f:
			if current < 0 {
				if kept.Len() > 0 {
					kept.WriteByte(' ')
				}
				words = append(words, word{span: span{start: kept.Len()}})
				current = len(words) - 1
			}
			kept.WriteRune(r)
			words[current].end = kept.Len()
		case unicode.IsSpace(r):
			current = -1
		case unicode.In(r, unicode.Mn, unicode.Me):
			// An accent, apart from its letter since NFKD: the letter
			// stays. Dropping it also rejoins what a combining mark
			// or a variation selector split.
			st.Dropped++
		default:
			st.Dropped++
			if current < 0 {
				if kept.Len() > 0 {
					kept.WriteByte(' ')
				}
				words = append(words, word{span: span{start: kept.Len(), end: kept.Len()}})
				current = len(words) - 1
			}
			words[current].hidden = true
		}
	}
	text := kept.String()
	if cut && len(words) > 0 {
		last := words[len(words)-1]
		text = strings.TrimRight(text[:last.start], " ")
		words = words[:len(words)-1]
	}

	var spans []labelled
	for _, m := range tokenShape.FindAllStringSubmatchIndex(text, -1) {
		spans = append(spans, labelled{span{m[0], m[1]}, text[m[2]:m[3]] + "-" + text[m[4]:m[5]] + "-" + redactedMark})
	}
	// Registered values are looked for in the text as it is, and as it
	// will read once the hidden words are gone: "half <hidden> half"
	// must not show a secret whose halves a hidden word kept apart.
	blanked := []byte(text)
	var hidden []labelled
	for _, w := range words {
		// A word of nothing but dropped characters is empty: the mark
		// takes its place all the same.
		if w.hidden || notPlain(text[w.start:w.end]) {
			hidden = append(hidden, labelled{w.span, hiddenMark})
			for i := w.start; i < w.end; i++ {
				blanked[i] = ' '
			}
		}
	}
	for _, sp := range append(findKnown(text), findKnown(string(blanked))...) {
		spans = append(spans, labelled{sp, redactedMark})
	}
	spans = append(spans, hidden...)
	st.Hidden += len(spans)
	if len(spans) > 0 {
		text = replaceSpans(text, spans)
	}
	if len(text) > maxShownText {
		end := strings.LastIndexByte(text[:maxShownText], ' ')
		if end < 0 {
			end = 0
		}
		text, cut = text[:end], true
	}
	if cut {
		text += "…"
	}
	return text, st
}

// notPlain reports a word that plain prose does not have: an escape or an
// encoded character, a long run over the base64 alphabet that holds a digit
// (an id, a hash, an encoded value), a very long such run, or an overlong
// word.
func notPlain(w string) bool {
	if len(w) > maxPlainWord || strings.Contains(w, `\`) || strings.Contains(w, "&#") {
		return true
	}
	run, digits := 0, false
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == '%' && i+1 < len(w) && (isHexDigit(w[i+1]) || w[i+1] == 'u' || w[i+1] == 'U') {
			return true
		}
		if isAlnum(c) || strings.IndexByte("+/=_-", c) >= 0 {
			run++
			digits = digits || ('0' <= c && c <= '9')
			if run >= 40 || (run >= 16 && digits) {
				return true
			}
			continue
		}
		run, digits = 0, false
	}
	return false
}

func isHexDigit(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
