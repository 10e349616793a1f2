package plaid

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// Each form a server could echo a secret or token in; the planted values
// are registered as the client registers them.
func TestRedact_removesEveryForm(t *testing.T) {
	registerFuzzSecrets()
	percentAll, jsonAll := leakcheck.PercentEncodeAll, leakcheck.JSONEscapeAll
	idPart := strings.TrimPrefix(fuzzAccessToken, "access-sandbox-")
	for name, text := range map[string]string{
		"plain token":                "token " + fuzzAccessToken + " is bad",
		"upper-case token":           "TOKEN " + strings.ToUpper(fuzzAccessToken),
		"mixed-case token":           "Access-Sandbox-" + idPart,
		"glued token":                "token_" + fuzzAccessToken + "_x",
		"glued upper-case token":     "TOKEN_" + strings.ToUpper(fuzzAccessToken) + "XYZ",
		"percent-encoded token":      "t=" + percentAll(fuzzAccessToken),
		"percent-encoded hyphens":    strings.ReplaceAll(fuzzAccessToken, "-", "%2D"),
		"double percent-encoded":     strings.ReplaceAll(percentAll(fuzzAccessToken), "%", "%25"),
		"JSON-escaped token":         `"` + jsonAll(fuzzAccessToken) + `"`,
		"JSON-escaped hyphens":       strings.ReplaceAll(fuzzAccessToken, "-", `\u002d`),
		"JSON hyphens quoted again":  strings.ReplaceAll(fuzzAccessToken, "-", `\\u002d`),
		"HTML references":            strings.ReplaceAll(fuzzAccessToken, "-", "&#45;"),
		"bare token id":              "id " + idPart,
		"unregistered token":         "see " + fuzzPublicToken,
		"unregistered, upper, glued": "x" + strings.ToUpper(fuzzPublicToken),
		"unregistered, encoded":      percentAll(fuzzPublicToken),
		"plain secret":               "secret " + fuzzSecret + " is not valid",
		"upper-case secret":          strings.ToUpper(fuzzSecret),
		"glued secret":               "abc" + fuzzSecret + "def",
		"percent-encoded secret":     percentAll(fuzzSecret),
		"JSON-escaped secret":        jsonAll(fuzzSecret),
		"quoted in a content type":   `application/json; charset="` + fuzzSecret + `"`,
	} {
		t.Run(name, func(t *testing.T) {
			got := Redact(text)
			if leak := leakcheck.Find(got, fuzzSecret, fuzzAccessToken, fuzzPublicToken, idPart); leak != "" {
				t.Errorf("%s survived: %q", leak, got)
			}
			if !strings.Contains(got, redactedMark) {
				t.Errorf("nothing marked as redacted in %q", got)
			}
			if again := Redact(got); again != got {
				t.Errorf("Redact is not idempotent: %q then %q", got, again)
			}
		})
	}
}

func TestRedact_leavesOrdinaryTextAlone(t *testing.T) {
	registerFuzzSecrets()
	for _, s := range []string{
		"Plaid answered HTTP 400 ITEM_ERROR/ITEM_NOT_FOUND: the Item was removed (request_id Hb2c9Xq)",
		"POST /item/get to base_url http://127.0.0.1:8080 got no answer: connection refused",
		`a Plaid access token starts with "access-" followed by the environment (for example "access-sandbox-")`,
		"100% of 50%: done \\n &amp; more",
		"",
	} {
		if got := Redact(s); got != s {
			t.Errorf("Redact(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestRedact_keepsTheTokenKind(t *testing.T) {
	if got := Redact("x " + strings.ToUpper(fuzzPublicToken) + " y"); got != "x public-sandbox-"+redactedMark+" y" {
		t.Errorf("got %q", got)
	}
}

// Short values would mangle ordinary words; they are not registered.
func TestRemember_ignoresShortValues(t *testing.T) {
	remember("abc")
	if got := Redact("abc def"); got != "abc def" {
		t.Errorf("got %q", got)
	}
}

func TestWithLogMasks_masksTheSecretInEveryForm(t *testing.T) {
	registerFuzzSecrets()
	var buf bytes.Buffer
	ctx := WithLogMasks(tflogtest.RootLogger(context.Background(), &buf))
	for _, s := range []string{fuzzSecret, strings.ToUpper(fuzzSecret), leakcheck.PercentEncodeAll(fuzzSecret), leakcheck.JSONEscapeAll(fuzzSecret),
		fuzzAccessToken, "token_" + strings.ToUpper(fuzzAccessToken), fuzzPublicToken} {
		tflog.Info(ctx, "message "+s, map[string]any{"field": "value " + s})
	}
	if buf.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	if leak := leakcheck.Find(buf.String(), fuzzSecret, fuzzAccessToken, fuzzPublicToken); leak != "" {
		t.Errorf("%s is in the log", leak)
	}
}

func TestServerText_controlCharactersCannotJoinATokenBackTogether(t *testing.T) {
	split := fuzzPublicToken[:10] + "\x00\x1b" + fuzzPublicToken[10:]
	if leak := leakcheck.Find(serverText(split), fuzzPublicToken); leak != "" {
		t.Errorf("%s survived", leak)
	}
	long := strings.Repeat("a", 10000)
	if got := serverText(long); len(got) > 2100 {
		t.Errorf("serverText kept %d bytes", len(got))
	}
}

// Tokens in real answers join the registry, so that even their bare id is
// redacted later; error answers cannot add to it.
func TestClient_registersTokensItReceives(t *testing.T) {
	const received = "access-sandbox-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
	const planted = "an ordinary phrase"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/item/get" {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error_type":"X","error_code":"Y","access_token":"`+planted+`","request_id":"r"}`)
			return
		}
		_, _ = io.WriteString(w, `{"access_token":"`+received+`","item_id":"it","request_id":"r"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, 0)
	if _, err := c.ExchangePublicToken(context.Background(), "public-sandbox-x"); err != nil {
		t.Fatal(err)
	}
	bareID := strings.TrimPrefix(received, "access-sandbox-")
	if got := Redact("id " + strings.ToUpper(bareID)); strings.Contains(lowerASCII(got), bareID) {
		t.Errorf("the received token's id survived: %q", got)
	}
	_, _ = c.GetItem(context.Background(), "access-sandbox-x")
	if got := Redact(planted); got != planted {
		t.Errorf("an error answer added to the registry: %q", got)
	}
}

func TestRememberTokensIn_readsNestedTokenSecretAndPasswordKeys(t *testing.T) {
	rememberTokensIn([]byte(`{"institution_id":"ins_1","options":{"override_password":"Hunter2-Hunter2","list":[{"new_access_token":"zz-not-shaped-zz"}]}}`))
	for _, s := range []string{"hunter2-hunter2", "ZZ-NOT-SHAPED-ZZ"} {
		if got := Redact("x " + s + " y"); got != "x "+redactedMark+" y" {
			t.Errorf("Redact(%q) = %q", s, got)
		}
	}
	if got := Redact("ins_1 institution"); got != "ins_1 institution" {
		t.Errorf("a value under another key was registered: %q", got)
	}
}

// A server may cut a secret or token in two with a line break, a space or
// an invisible character; neither half may show.
func TestRedact_findsValuesCutByGaps(t *testing.T) {
	registerFuzzSecrets()
	for _, value := range []string{fuzzSecret, fuzzAccessToken} {
		cut := len(value) * 2 / 3
		first, second := value[:cut], value[cut:]
		for name, gap := range map[string]string{"line break": "\n", "CRLF": "\r\n", "space": " ", "tab": "\t", "zero-width space": "\u200b", "soft hyphen": "\u00ad", "JSON-escaped zero-width space": `\u200b`, "invalid UTF-8": "\xff", "replacement character": "\ufffd"} {
			t.Run(name, func(t *testing.T) {
				for _, text := range []string{first + gap + second, "message: " + first + gap + second + " end", strings.ToUpper(first) + gap + strings.ToUpper(second)} {
					got := strings.ToLower(Redact(text))
					if strings.Contains(got, strings.ToLower(second)) || strings.Contains(got, strings.ToLower(first[len(first)-8:])) {
						t.Errorf("part of %q survived in %q", value, got)
					}
				}
			})
		}
	}
	if got := Redact("a line\nbreak and some words"); got != "a line\nbreak and some words" {
		t.Errorf("ordinary text with gaps was changed: %q", got)
	}
}

// A server may echo the secret or a token inside a base64 blob, at any
// offset within it.
func TestRedact_findsBase64OfKnownValues(t *testing.T) {
	registerFuzzSecrets()
	for _, value := range []string{fuzzSecret, fuzzAccessToken} {
		for _, prefix := range []string{"", "u", "us", "user:"} {
			for name, enc := range map[string]*base64.Encoding{"standard": base64.StdEncoding, "URL": base64.URLEncoding, "unpadded": base64.RawStdEncoding} {
				encoded := enc.EncodeToString([]byte(prefix + value + "!"))
				got := Redact("Authorization: Basic " + encoded + " rejected")
				// The characters that encode the value alone.
				middle := encoded[len(prefix)/3*4+4 : (len(prefix)+len(value))/3*4]
				if strings.Contains(got, middle) {
					t.Errorf("%s base64 of %q after %q survived: %q", name, value, prefix, got)
				}
			}
		}
	}
	if got := Redact("aGVsbG8gd29ybGQ="); got != "aGVsbG8gd29ybGQ=" {
		t.Errorf("ordinary base64 was changed: %q", got)
	}
}

// What a server says reaches the terminal in diagnostics: no bidi override
// may reorder what follows it, and no invisible character may hide in it.
func TestServerText_dropsInvisibleFormatCharacters(t *testing.T) {
	for _, c := range []string{"\u202e", "\u2066", "\u200b", "\ufeff", "\u00ad"} {
		if got := serverText("request r1" + c + "evil"); got != "request r1evil" {
			t.Errorf("serverText kept %U: %q", []rune(c)[0], got)
		}
	}
}

// thousandSecrets registers n values that tokenShape would not find by
// itself, in pairs that share their first eight characters, as a big run
// registers thousands of tokens (and their pieces and encodings).
func thousandSecrets(n int) []string {
	values := make([]string, 0, n)
	for i := range n / 2 {
		prefix := fmt.Sprintf("%08x", uint32(i)*2654435761)
		values = append(values, prefix+fmt.Sprintf("%022x", i), prefix+fmt.Sprintf("%022x", i+1<<40))
	}
	remember(values...)
	return values
}

// Redact looks only at the registered values whose beginning occurs in the
// text; every value must still be found, whichever it is, in any form.
func TestRedact_findsEachOfThousandsOfRegisteredValues(t *testing.T) {
	values := thousandSecrets(4000)
	for i := 0; i < len(values); i += 97 {
		for _, v := range []string{values[i], values[len(values)-1-i]} {
			for _, text := range []string{
				"secret " + v + " is not valid",
				strings.ToUpper(v),
				"x" + leakcheck.PercentEncodeAll(v) + "y",
				leakcheck.JSONEscapeAll(v),
				v[:20] + "\n" + v[20:],
				"Basic " + base64.StdEncoding.EncodeToString([]byte("u:"+v)),
			} {
				got := Redact(text)
				if leak := leakcheck.Find(got, v); leak != "" {
					t.Fatalf("value %d survived in %q", i, got)
				}
			}
		}
	}
	if got := Redact("request-id 9c2f64a7e1b4c3d9f2a1b2c3"); got != "request-id 9c2f64a7e1b4c3d9f2a1b2c3" {
		t.Errorf("ordinary text was changed: %q", got)
	}
}

// BenchmarkRedact_requestIDAmongThousands is what every answer's request_id
// costs once a big run has registered thousands of values: it should not
// grow with them.
func BenchmarkRedact_requestIDAmongThousands(b *testing.B) {
	thousandSecrets(20000)
	b.ReportAllocs()
	for b.Loop() {
		_ = Redact("7a2f3c91e5d84b06a1c2")
	}
}

// Every token of a big run begins "access-s", so they share one bucket of
// the prefix index. A hostile answer repeating that beginning (an error
// message may be megabytes long) must cost memory in proportion to the
// text and the registry, not to their product: Redact runs on every field
// a server sends, before any bound is applied.
func TestRedact_sharedPrefixRepeatedDoesNotMultiplyMemory(t *testing.T) {
	tokens := make([]string, 300)
	for i := range tokens {
		tokens[i] = fmt.Sprintf("access-sandbox-%08x-1c2d-4e5f-8a9b-%012x", i, i*7919)
	}
	remember(tokens...)
	// The spaces make Redact search the gap-free view too.
	text := strings.Repeat("access-s ", 56<<10) // about 512 KiB
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got := Redact(text)
	runtime.ReadMemStats(&after)
	if got != text {
		t.Fatalf("text without any token was changed (%d bytes became %d)", len(text), len(got))
	}
	// The decoded view and its byte offsets take about 17 bytes per byte of
	// text; 64 per byte leaves room for both views and the literal pass.
	if allocated, limit := after.TotalAlloc-before.TotalAlloc, uint64(64*len(text)); allocated > limit {
		t.Errorf("Redact of %d bytes allocated %d MiB (limit %d MiB) with %d tokens registered", len(text), allocated>>20, limit>>20, len(tokens))
	}
}

// redactLiterally looks again only around the marks it puts in; a value
// that a replacement brings together from both sides of a mark (here one
// holding the mark itself, as a server-chosen token may) is still found.
func TestRedactLiterally_findsAValueThatAReplacementJoins(t *testing.T) {
	first := "Lq7Wm2Zx9Pv4Ns8Kd3Rb"
	joined := "zz9" + redactedMark + "Tw5Hc1Yg"
	remember(first, joined)
	for _, text := range []string{
		"zz9" + first + "Tw5Hc1Yg",
		"before zz9" + strings.ToUpper(first) + "Tw5Hc1Yg and " + first + " after",
	} {
		got := redactLiterally(text)
		if strings.Contains(got, "zz9") || strings.Contains(got, "Tw5Hc1Yg") || strings.Contains(strings.ToLower(got), strings.ToLower(first)) {
			t.Errorf("redactLiterally(%q) = %q, want both values gone", text, got)
		}
	}
}
