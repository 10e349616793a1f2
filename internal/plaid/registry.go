package plaid

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// The registry of what must never show: the configured secret and every
// token this process has sent or received. Redact, ShowServerText and the
// checks of stored values look for them through it.
//
// Values are kept as the hashes of their skeletons (lower-cased letters and
// digits only), grouped by length: a text is searched with one rolling hash
// per distinct length, so the cost of a search grows with the text's length
// and the handful of lengths, never with the number of values registered.
// An Aho–Corasick automaton would do the same search, but no library of one
// takes new patterns after it is built, and a big run registers a token with
// almost every call: rebuilding an automaton of 100,000 patterns for each
// would cost far more than the searches it speeds up.

// MaxRegisteredTokens bounds the tokens one provider process keeps. A run
// registers one or two per Item (the token it sends, or the one an exchange
// returns), so a run of 100,000 Items fits; beyond it a call that would
// register one more fails (ErrTooManyTokens) instead of growing without
// bound on what a server sends.
const MaxRegisteredTokens = 250_000

// ErrTooManyTokens is the error of a call that would register a token past
// MaxRegisteredTokens.
var ErrTooManyTokens = fmt.Errorf("this provider process has handled %d access and public tokens, the most it keeps track of to keep them out of its output; run Terraform on fewer Items at a time (for example with -target or in several configurations)", MaxRegisteredTokens)

// MinSecretLength is how many letters and digits a secret (the client
// secret, a gateway header's value) must have at the least. The registry
// finds values by their letters and digits, and fewer could not be told
// from ordinary words in what the provider shows: Plaid's secrets have 30,
// and the emulator's default has 14.
const MinSecretLength = 8

// SecretCannotBeKept reports whether s has fewer than MinSecretLength
// letters and digits, or more than maxRegisteredLength: the registry could
// not keep it out of the output.
func SecretCannotBeKept(s string) bool {
	n := len(skeletonOf(s).text)
	return n < MinSecretLength || n > maxRegisteredLength
}

// minTokenPieceLength is the shortest hyphen-separated piece of a token's
// id that is registered on its own: a UUID's last piece has twelve
// characters, and a server that echoes only that still gives part of the
// token away.
const minTokenPieceLength = 12

// maxRegisteredLength bounds a registered value, so that the lengths a
// search steps through stay few (tokens and secrets are far shorter).
const maxRegisteredLength = 256

var known struct {
	sync.RWMutex
	// byLength holds the skeleton hashes of registered values, by length.
	byLength map[int]map[uint64]struct{}
	// lengths are the keys of byLength, in ascending order.
	lengths []int
	tokens  int
	// secrets are the configured secrets as given, for the log masks;
	// generation changes whenever they do.
	secrets    []string
	generation int
}

// RegisterSecret registers configured secrets (the client secret, the
// values of a gateway's headers): their skeletons, and those of their
// base64 encodings, which a server may echo inside a blob. They are not
// counted against MaxRegisteredTokens: they come from configuration, not
// from a server.
func RegisterSecret(values ...string) {
	known.Lock()
	defer known.Unlock()
	for _, v := range values {
		if v == "" || slices.Contains(known.secrets, v) {
			continue
		}
		known.secrets = append(known.secrets, v)
		known.generation++
		addSkeletonLocked(v)
		for _, needle := range base64Needles(v) {
			addSkeletonLocked(needle)
		}
	}
}

// registerToken registers a token the client sends or receives: the part
// after its kind and environment (which Redact's token shape does not need
// to find it whole) and each long piece of that part.
func registerToken(token string) error {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil
	}
	id := token
	if rest, ok := tokenID(token); ok {
		id = rest
	}
	if len(id) > maxRegisteredLength {
		return errors.New("a token longer than any Plaid issues")
	}
	known.Lock()
	defer known.Unlock()
	if known.tokens >= MaxRegisteredTokens {
		if containsSkeletonLocked(id) {
			return nil // already known: nothing grows
		}
		return ErrTooManyTokens
	}
	known.tokens++
	addSkeletonLocked(id)
	for _, piece := range strings.Split(id, "-") {
		if len(piece) >= minTokenPieceLength && len(piece) < len(id) {
			addSkeletonLocked(piece)
		}
	}
	return nil
}

// tokenID is the id of "access-sandbox-<id>", after its kind and
// environment.
func tokenID(token string) (id string, ok bool) {
	kind, rest, ok1 := strings.Cut(token, "-")
	env, id, ok2 := strings.Cut(rest, "-")
	if !ok1 || !ok2 || id == "" || !tokenKinds[strings.ToLower(kind)] || !tokenEnvironments[strings.ToLower(env)] {
		return "", false
	}
	return id, true
}

var (
	tokenKinds        = map[string]bool{"access": true, "public": true, "link": true, "processor": true, "user": true}
	tokenEnvironments = map[string]bool{"sandbox": true, "development": true, "production": true}
)

// addSkeletonLocked adds the skeleton of v; known must be locked. A
// skeleton shorter than MinSecretLength is left out: it would match
// ordinary words.
func addSkeletonLocked(v string) {
	sk := skeletonOf(v).text
	if len(sk) < MinSecretLength || len(sk) > maxRegisteredLength {
		return
	}
	if known.byLength == nil {
		known.byLength = map[int]map[uint64]struct{}{}
	}
	set, ok := known.byLength[len(sk)]
	if !ok {
		set = map[uint64]struct{}{}
		known.byLength[len(sk)] = set
		known.lengths = append(known.lengths, len(sk))
		slices.Sort(known.lengths)
	}
	set[hashOf(sk)] = struct{}{}
}

// containsSkeletonLocked reports whether v's skeleton is registered.
func containsSkeletonLocked(v string) bool {
	sk := skeletonOf(v).text
	_, ok := known.byLength[len(sk)][hashOf(sk)]
	return ok
}

// skeleton is a text's letters and digits, lower-cased, with the byte
// offset in the text of each.
type skeleton struct {
	text []byte
	at   []int
}

// skeletonOf keeps the ASCII letters and digits of s. Every other byte
// (spaces, punctuation, anything a server could put between the halves of
// a secret) is left out, so that a registered value is found however it
// is split up.
func skeletonOf(s string) skeleton {
	sk := skeleton{text: make([]byte, 0, len(s)), at: make([]int, 0, len(s))}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			continue
		}
		sk.text = append(sk.text, c)
		sk.at = append(sk.at, i)
	}
	return sk
}

// hashBase is the multiplier of the rolling hash (the 64-bit FNV prime).
const hashBase = 1099511628211

func hashOf(b []byte) uint64 {
	var h uint64
	for _, c := range b {
		h = h*hashBase + uint64(c)
	}
	return h
}

// span is a byte range [start, end) of a text.
type span struct{ start, end int }

// findKnown returns the byte ranges of s whose skeletons are registered
// values: one rolling hash over s's skeleton for each registered length.
// A 64-bit hash may, once in billions of years of text, match something
// never registered; that only hides a few characters too many.
func findKnown(s string) []span {
	known.RLock()
	defer known.RUnlock()
	if len(known.lengths) == 0 {
		return nil
	}
	sk := skeletonOf(s)
	var found []span
	for _, n := range known.lengths {
		if n > len(sk.text) {
			break
		}
		set := known.byLength[n]
		var h, top uint64 = 0, 1
		for i := 0; i < n; i++ {
			h = h*hashBase + uint64(sk.text[i])
			if i > 0 {
				top *= hashBase
			}
		}
		for i := 0; ; i++ {
			if _, ok := set[h]; ok {
				found = append(found, span{sk.at[i], sk.at[i+n-1] + 1})
			}
			if i+n >= len(sk.text) {
				break
			}
			h = (h-uint64(sk.text[i])*top)*hashBase + uint64(sk.text[i+n])
		}
	}
	return found
}

// holdsKnown reports whether s holds a registered value.
func holdsKnown(s string) bool { return len(findKnown(s)) > 0 }

// configuredSecrets are the registered secrets as given, and their
// generation, for the log masks.
func configuredSecrets() ([]string, int) {
	known.RLock()
	defer known.RUnlock()
	return slices.Clone(known.secrets), known.generation
}

// base64Needles are the parts of v's base64 encodings (standard and URL
// alphabets) that depend on v alone, for each of the three offsets v can
// have in a longer encoded text.
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

// registerRequestTokens registers every string under a JSON key that names
// a token, a secret or a password ("access_token", "public_token",
// "override_password", ...) in a request body. The body is the client's
// own, so reading every key is safe, and an endpoint added later is
// covered without anyone remembering to. A secret or a password is
// configuration, not a token: its skeleton is registered, but it is
// neither counted against MaxRegisteredTokens nor refused for its length
// (the sandbox's user_custom takes a JSON document as its password), and
// it adds no log mask, whose cost would grow with each one.
func registerRequestTokens(body []byte) error {
	if !bytes.Contains(body, []byte("token")) && !bytes.Contains(body, []byte("secret")) && !bytes.Contains(body, []byte("password")) {
		return nil
	}
	var doc any
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil //nolint:nilerr // the client's own body, which json.Marshal wrote: nothing to register
	}
	var found, configured []string
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
			switch k := strings.ToLower(key); {
			case strings.HasSuffix(k, "token"):
				found = append(found, v)
			case strings.HasSuffix(k, "secret") || strings.HasSuffix(k, "password"):
				configured = append(configured, v)
			}
		}
	}
	walk("", doc)
	if len(configured) > 0 {
		known.Lock()
		for _, v := range configured {
			addSkeletonLocked(v)
		}
		known.Unlock()
	}
	for _, v := range found {
		if err := registerToken(v); err != nil {
			return err
		}
	}
	return nil
}

// registerAnswerTokens registers the tokens a successful answer of path
// carries, read only from the top-level fields the endpoint table names
// (answerTokens): a server cannot fill the registry through any other
// field, nor have ordinary words hidden.
func registerAnswerTokens(path string, body []byte) error {
	fields := endpointFor(path).answerTokens
	if len(fields) == 0 {
		return nil
	}
	var answer map[string]json.RawMessage
	if err := json.Unmarshal(body, &answer); err != nil {
		return nil //nolint:nilerr // not JSON: the caller refuses the answer as such
	}
	for _, field := range fields {
		var token string
		if raw, ok := answer[field]; ok && json.Unmarshal(raw, &token) == nil {
			if err := registerToken(token); err != nil {
				return fmt.Errorf("its %s could not be kept out of the provider's output: %w", field, err)
			}
		}
	}
	return nil
}
