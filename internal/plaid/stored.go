package plaid

import (
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Values from a server that Terraform stores (an Item's id, webhook,
// institution, products, error_code) are never rewritten: a rewritten
// webhook makes Terraform see a change that is not there, and an apply
// that then fails taints the resource. Each is checked instead, by its
// shape where it has one, and an answer with a value that fails is refused
// whole with an error that names the field, never the value.

// maxStoredText bounds a free-text value (a webhook URL, an institution's
// name): Plaid's are far shorter.
const maxStoredText = 2048

// maxStoredList bounds a list of values (products, country codes): Plaid
// has a few dozen products. A longer list is refused before its values are
// checked, so that an answer of megabytes costs no more than a short one.
const maxStoredList = 100

var (
	// itemIDShape: Plaid's item_ids are 37 letters and digits.
	itemIDShape = regexp.MustCompile(`^[A-Za-z0-9]{1,128}$`)
	// institutionIDShape: ins_ and digits.
	institutionIDShape = regexp.MustCompile(`^ins_[0-9]{1,20}$`)
	// enumShape is the shape of Plaid's lower-case enum values: products,
	// update_type.
	enumShape = regexp.MustCompile(`^[a-z][a-z0-9_]{0,63}$`)
	// countryCodeShape is an ISO 3166-1 alpha-2 code.
	countryCodeShape = regexp.MustCompile(`^[A-Z]{2}$`)
)

// storedField checks the values of one answer, keeping the first problem.
type storedField struct {
	path    string
	problem string
}

// fail records what is wrong with field, if nothing was wrong before.
func (c *storedField) fail(field, problem string) {
	if c.problem == "" {
		c.path, c.problem = field, problem
	}
}

// shaped checks a value with a strict shape.
func (c *storedField) shaped(field, value string, shape *regexp.Regexp, want string) {
	if !shape.MatchString(value) {
		c.fail(field, "is not "+want)
		return
	}
	c.secretFree(field, value)
}

// list checks each value of a list with a strict shape, refusing the list
// whole when it is longer than any Plaid sends.
func (c *storedField) list(field string, values []string, shape *regexp.Regexp, want string) {
	if len(values) > maxStoredList {
		c.fail(field, "is longer than any Plaid sends")
		return
	}
	for _, v := range values {
		c.shaped(field, v, shape, want)
	}
}

// text checks a free-text value: bounded, without characters that could
// rewrite a terminal, and without a registered value in any spelling.
func (c *storedField) text(field, value string) {
	if problem := storedTextProblem(value); problem != "" {
		c.fail(field, problem)
		return
	}
	c.secretFree(field, value)
}

// timestamp checks an RFC 3339 time.
func (c *storedField) timestamp(field, value string) {
	if _, err := time.Parse(time.RFC3339, value); err != nil {
		c.fail(field, "is not an RFC 3339 time")
	}
}

// secretFree refuses a value that holds a registered value or an issued
// token, however it is spelled.
func (c *storedField) secretFree(field, value string) {
	if HoldsIssuedToken(value) {
		c.fail(field, "carries a token or the secret")
	}
}

// err is the error of an answer of path with a refused value, or nil.
func (c *storedField) err(path string) error {
	if c.problem == "" {
		return nil
	}
	return &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json",
		Problem: "the " + c.path + " of the answer of " + path + " " + c.problem + ", so nothing of it was stored"}
}

// storedTextProblem says what makes s unfit to be stored and shown, or "".
func storedTextProblem(s string) string {
	switch {
	case len(s) > maxStoredText:
		return "is longer than any Plaid sends"
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	}
	for _, r := range s {
		// Control and format characters (a bidi override, a zero-width
		// space) and line separators could rewrite the terminal that
		// shows the plan, or hide what the value holds.
		if unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Cs) {
			return "has control, format or invisible characters"
		}
	}
	return ""
}

// holdsSecret reports whether s holds a registered value or a token in any
// spelling: as is, in any case, split by anything, behind up to sixteen
// layers of %XX, %uXXXX, \uXXXX, \xXX, octal or &#…; escapes, or in
// compatibility letters (fullwidth, say). It refuses rather than shows, so
// unlike ShowServerText it may decode: what it misses is refused by no one,
// but what it finds is never rewritten either.
func holdsSecret(s string) bool { return holdsSecretShaped(s, tokenShape.MatchString) }

// HoldsIssuedToken is HoldsSecret with the stricter shape of a token Plaid
// issues (holdsIssuedTokenShape) in place of tokenShape. It is the test of
// what Terraform stores (a webhook, say), where a word that merely begins
// like a token must pass, so that the provider's plan-time check of a
// configured webhook refuses exactly what an answer would be refused for.
func HoldsIssuedToken(s string, also ...string) bool {
	return holdsSecretShaped(s, holdsIssuedTokenShape) || holdsOneOf(s, also)
}

// minIssuedTokenID and minIssuedTokenGroup describe the id of a token
// Plaid issues: a UUID, 32 hex digits in groups of 8, 4, 4, 4 and 12.
const (
	minIssuedTokenID    = 20
	minIssuedTokenGroup = 8
)

// holdsIssuedTokenShape reports a tokenShape match whose id could be one
// Plaid issued: at least minIssuedTokenID letters and digits, with a group
// of at least minIssuedTokenGroup holding a digit. The id runs on through
// the characters a URL path keeps in a word (-_.~+), so that a token whose
// hyphens were swapped for underscores still counts. A webhook path such
// as user-production-v2 or link-sandbox-webhook-1 matches tokenShape
// (hidden where it is shown, which costs nothing) but not this, so it is
// stored as sent rather than failing every refresh.
func holdsIssuedTokenShape(s string) bool {
	for _, m := range tokenShape.FindAllStringSubmatchIndex(s, -1) {
		end := m[7]
		for end < len(s) && (isAlnum(s[end]) || strings.IndexByte("-_.~+", s[end]) >= 0) {
			end++
		}
		id := s[m[6]:end]
		if len(skeletonOf(id).text) < minIssuedTokenID {
			continue
		}
		groups := strings.FieldsFunc(id, func(r rune) bool { return r > 0x7f || !isAlnum(byte(r)) })
		for _, group := range groups {
			if len(group) >= minIssuedTokenGroup && strings.ContainsAny(group, "0123456789") {
				return true
			}
		}
	}
	return false
}

// holdsSecretShaped is holdsSecret with tokenIn as the test of a token's
// shape.
func holdsSecretShaped(s string, tokenIn func(string) bool) bool {
	for range 16 {
		if holdsKnown(s) || tokenIn(s) {
			return true
		}
		if flat := asciiOf(norm.NFKD.String(s)); flat != s && (holdsKnown(flat) || tokenIn(flat)) {
			return true
		}
		decoded := decodeOnce(s)
		if decoded == s {
			return false
		}
		s = decoded
	}
	return true // still decoding after sixteen layers: nothing real is
}

// asciiOf keeps the printable ASCII of s, so that what separates the
// pieces of a value (a hyphen look-alike, an invisible letter) is gone.
func asciiOf(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= ' ' && r < 0x7f {
			return r
		}
		return -1
	}, s)
}

// decodeOnce decodes one layer of %XX, %uXXXX, \uXXXX, \xXX, \NNN (octal)
// and &#N; / &#xH; (with any number of leading zeros).
func decodeOnce(s string) string {
	if !strings.ContainsAny(s, `%\&`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if r, n := escapeAt(s[i:]); n > 0 {
			b.WriteRune(r)
			i += n
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// escapeAt decodes the escape at the start of s, reporting its length (0
// when s does not start with one).
func escapeAt(s string) (rune, int) {
	number := func(digits string, base int) (rune, bool) {
		v, err := strconv.ParseUint(digits, base, 32)
		return rune(v), err == nil && v <= utf8.MaxRune
	}
	switch {
	case len(s) >= 6 && s[0] == '%' && (s[1] == 'u' || s[1] == 'U'):
		if r, ok := number(s[2:6], 16); ok {
			return r, 6
		}
	case len(s) >= 3 && s[0] == '%':
		if r, ok := number(s[1:3], 16); ok {
			return r, 3
		}
	case len(s) >= 6 && s[0] == '\\' && (s[1] == 'u' || s[1] == 'U'):
		if r, ok := number(s[2:6], 16); ok {
			return r, 6
		}
	case len(s) >= 4 && s[0] == '\\' && s[1] == 'x':
		if r, ok := number(s[2:4], 16); ok {
			return r, 4
		}
	case len(s) >= 4 && s[0] == '\\' && '0' <= s[1] && s[1] <= '7':
		if r, ok := number(s[1:4], 8); ok {
			return r, 4
		}
	case len(s) >= 2 && s[0] == '\\' && s[1] == '\\':
		return '\\', 2
	case len(s) >= 4 && s[0] == '&' && s[1] == '#':
		end := strings.IndexByte(s[:min(len(s), 64)], ';')
		if end < 3 {
			return 0, 0
		}
		digits, base := s[2:end], 10
		if digits[0] == 'x' || digits[0] == 'X' {
			digits, base = digits[1:], 16
		}
		if r, ok := number(digits, base); ok {
			return r, end + 1
		}
	}
	return 0, 0
}

// HoldsSecret reports whether s holds the configured secret, a token this
// process has sent or received, or one of also (a token not sent yet), in
// any spelling holdsSecret finds. It is for configuration that Terraform
// would show or send on (a removal note), checked at plan time.
func HoldsSecret(s string, also ...string) bool {
	return holdsSecret(s) || holdsOneOf(s, also)
}

// holdsOneOf reports whether s holds the letters and digits of one of
// values (a token's id alone will do), however s splits or spells them.
func holdsOneOf(s string, values []string) bool {
	if len(values) == 0 {
		return false
	}
	flat := string(skeletonOf(asciiOf(norm.NFKD.String(s))).text)
	for _, v := range values {
		if id, ok := tokenID(v); ok {
			v = id
		}
		if sk := string(skeletonOf(v).text); len(sk) >= MinSecretLength && strings.Contains(flat, sk) {
			return true
		}
	}
	return false
}
