package plaid

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// Every spelling a hostile server echoes a value in (leakcheck.Echoes:
// encodings, look-alike letters, invisible separators) leaves
// ShowServerText without the value, and the check is the literal finder,
// not the redactor's own pattern.
func TestShowServerText_hidesEveryEchoedSpelling(t *testing.T) {
	registerFuzzSecrets()
	idPart := strings.TrimPrefix(fuzzAccessToken, "access-sandbox-")
	for what, value := range map[string]string{"secret": fuzzSecret, "token": fuzzAccessToken, "never-registered token": fuzzPublicToken} {
		for _, echo := range leakcheck.Echoes(value) {
			for _, text := range []string{echo.Text, "the value " + echo.Text + " is not valid", "x" + echo.Text + "y"} {
				got := ShowServerText(text)
				if leak := leakcheck.Find(got, fuzzSecret, fuzzAccessToken, idPart); leak != "" {
					t.Errorf("%s, %s: %s survived: %q", what, echo.How, leak, got)
				}
				if strings.Contains(strings.ToLower(got), strings.TrimPrefix(fuzzPublicToken, "public-sandbox-")) {
					t.Errorf("%s, %s: the never-registered token survived: %q", what, echo.How, got)
				}
			}
		}
	}
}

// The spellings the attack on the earlier, decoding redactor got through,
// each named; and a value cut in two by anything at all.
func TestShowServerText_hidesTheSpellingsThatOnceGotThrough(t *testing.T) {
	registerFuzzSecrets()
	octal := func(s string) string {
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			fmt.Fprintf(&b, `\%03o`, s[i])
		}
		return b.String()
	}
	percentN := func(s string, times int) string {
		out := leakcheck.PercentEncodeAll(s)
		for range times - 1 {
			out = strings.ReplaceAll(out, "%", "%25")
		}
		return out
	}
	half := len(fuzzSecret) / 2
	for name, text := range map[string]string{
		"zero-padded HTML references":        htmlRefs(fuzzSecret, "&#%010d;"),
		"percent-encoded four times":         percentN(fuzzSecret, 4),
		"percent-encoded five times":         percentN(fuzzSecret, 5),
		"split by U+3164":                    fuzzSecret[:half] + "\u3164" + fuzzSecret[half:],
		"split by U+2800":                    fuzzSecret[:half] + "\u2800" + fuzzSecret[half:],
		"split by U+FE0F":                    fuzzSecret[:half] + "\ufe0f" + fuzzSecret[half:],
		"combining marks on every character": strings.Join(strings.Split(fuzzSecret, ""), "\u0301"),
		"fullwidth":                          leakcheck.Fullwidth(fuzzSecret),
		"%uXXXX":                             htmlRefs(fuzzSecret, "%%u%04x"),
		"octal":                              octal(fuzzSecret),
		"U+2010 hyphens in a token":          strings.ReplaceAll(fuzzAccessToken, "-", "\u2010"),
		"split by a space":                   fuzzSecret[:half] + " " + fuzzSecret[half:],
		"split by a line break and a tab":    fuzzSecret[:10] + "\n" + fuzzSecret[10:20] + "\t" + fuzzSecret[20:],
		"split by punctuation":               strings.Join(strings.Split(fuzzSecret, ""), "."),
		"base64":                             "Basic " + base64.StdEncoding.EncodeToString([]byte("user:"+fuzzSecret)),
		"hex":                                fmt.Sprintf("%x", fuzzSecret),
		"token piece alone":                  "see " + fuzzAccessToken[len(fuzzAccessToken)-12:],
	} {
		t.Run(name, func(t *testing.T) {
			got := ShowServerText(text)
			if leak := leakcheck.Find(got, fuzzSecret, fuzzAccessToken); leak != "" {
				t.Errorf("%s survived: %q", leak, got)
			}
			// Every piece of 8 characters too: a split may leave halves.
			for _, v := range []string{fuzzSecret, strings.TrimPrefix(fuzzAccessToken, "access-sandbox-")} {
				for i := 0; i+8 <= len(v); i++ {
					if strings.Contains(strings.ToLower(got), v[i:i+8]) {
						t.Errorf("a piece of a value (%d..%d) survived: %q", i, i+8, got)
						return
					}
				}
			}
		})
	}
}

// A word that is hidden (an escape, an encoded character, a long run, a
// character outside ASCII) does not keep the halves of a value apart: the
// reader would see "half <hidden> half", and the literal finder would not.
func TestShowServerText_aHiddenWordDoesNotKeepAValueApart(t *testing.T) {
	registerFuzzSecrets()
	half := len(fuzzSecret) / 2
	for _, middle := range []string{`\x`, "%41", "&#1;", "abcdefghij123456", strings.Repeat("z", 81), "\u0000", "ж"} {
		got := ShowServerText("key " + fuzzSecret[:half] + " " + middle + " " + fuzzSecret[half:] + " end")
		for _, piece := range []string{fuzzSecret[:half], fuzzSecret[half:]} {
			if strings.Contains(strings.ToLower(got), piece) {
				t.Errorf("split by %q: half of the secret shows: %q", middle, got)
				break
			}
		}
	}
}

// Nor does a field hidden whole between two fields that each hold half a
// value: Redact, over the composed error, reads past the marks.
func TestRedact_readsPastTheMarksOfHiddenFields(t *testing.T) {
	registerFuzzSecrets()
	half := len(fuzzSecret) / 2
	var st shownStats
	e := &Error{HTTPStatus: 500, ErrorType: strings.ToUpper(fuzzSecret[:half]), ErrorCode: "not a code!", ErrorMessage: fuzzSecret[half:], RequestID: "r"}
	e.sanitize(&st)
	got := e.Error()
	for _, piece := range []string{fuzzSecret[:half], fuzzSecret[half:]} {
		if strings.Contains(strings.ToLower(got), piece) {
			t.Fatalf("half of the secret shows: %q", got)
		}
	}
}

func htmlRefs(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}

// Plaid's own messages are plain words: they pass unchanged, so that the
// diagnostics say what Plaid said.
func TestShowServerText_keepsPlaidsMessages(t *testing.T) {
	registerFuzzSecrets()
	for _, s := range []string{
		"the requested product is not yet ready. please provide a webhook or try the request again later",
		`provided access token is in an invalid format. expected format: access-<environment>-<identifier>`,
		"the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state",
		"Item has been removed. See https://plaid.com/docs/errors/item/#item_not_found (2026-12-02T16:13:01Z)",
		"application/json; charset=utf-8",
		"dial tcp 127.0.0.1:9: connect: connection refused",
		"100% of 50%: done",
	} {
		if got := ShowServerText(s); got != s {
			t.Errorf("ShowServerText(%q) = %q, want it unchanged", s, got)
		}
	}
	if got := ShowServerText("Cr\u00e9dit  Agricole\n\tdown"); got != "Credit Agricole down" {
		t.Errorf("accents and spacing: got %q", got)
	}
	if got := ShowServerText("request r1\u202eevil"); got != "request "+hiddenMark {
		t.Errorf("a bidi override must hide its word: got %q", got)
	}
	if got := ShowServerText("x " + strings.ToUpper(fuzzPublicToken) + " y"); got != "x PUBLIC-SANDBOX-"+redactedMark+" y" {
		t.Errorf("the token's kind should stay readable: got %q", got)
	}
}

// A hostile answer of megabytes costs no more than its first few KiB, and
// no cut leaves half a value at the end.
func TestShowServerText_cutsFirstAndNeverShowsHalfAValue(t *testing.T) {
	registerFuzzSecrets()
	got := ShowServerText(strings.Repeat("word ", 1<<20))
	if len(got) > maxShownText+len("…") {
		t.Errorf("kept %d bytes", len(got))
	}
	for cut := maxShownInput - len(fuzzSecret) + 1; cut < maxShownInput; cut += 7 {
		text := strings.Repeat("a", cut-1) + " " + fuzzSecret + " tail"
		if strings.Contains(ShowServerText(text), fuzzSecret[:6]) {
			t.Fatalf("a secret across the input cut at %d shows its first half", cut)
		}
	}
}

// Redact, the second net for the provider's own text, hides registered
// values and token shapes and changes nothing else: line breaks, URLs and
// words that merely look like a token's prefix stay.
func TestRedact_changesNothingButValues(t *testing.T) {
	registerFuzzSecrets()
	for _, s := range []string{
		"Plaid answered HTTP 400 ITEM_ERROR/ITEM_NOT_FOUND: the Item was removed (request_id Hb2c9Xq)",
		"webhook https://hooks.example.com/plaid/user-production-events\nand https://x/enduser-sandbox-hooks",
		`a Plaid access token starts with "access-" followed by the environment (for example "access-sandbox-")`,
		"terraform state rm 'plaid_item.adopted[\"checking\"]'",
		"",
	} {
		if got := Redact(s); got != s {
			t.Errorf("Redact(%q) = %q, want it unchanged", s, got)
		}
	}
	for _, s := range []string{"token " + fuzzAccessToken, "SECRET=" + strings.ToUpper(fuzzSecret), "split " + fuzzSecret[:12] + "\n" + fuzzSecret[12:]} {
		if leak := leakcheck.Find(Redact(s), fuzzSecret, fuzzAccessToken); leak != "" {
			t.Errorf("Redact(%q) left %s", s, leak)
		}
	}
}

// Log masks are the secret and the token shape: a TRACE line cannot show
// either, and masking costs the same with any number of tokens registered.
func TestWithLogMasks_masksTheSecretAndTokens(t *testing.T) {
	registerFuzzSecrets()
	var buf bytes.Buffer
	ctx := WithLogMasks(tflogtest.RootLogger(context.Background(), &buf))
	for _, s := range []string{fuzzSecret, strings.ToUpper(fuzzSecret), fuzzAccessToken, "token_" + strings.ToUpper(fuzzAccessToken), fuzzPublicToken} {
		tflog.Info(ctx, "message "+s, map[string]any{"field": "value " + s})
	}
	if buf.Len() == 0 {
		t.Fatal("nothing was logged")
	}
	if leak := leakcheck.Find(buf.String(), fuzzSecret, fuzzAccessToken, fuzzPublicToken); leak != "" {
		t.Errorf("%s is in the log", leak)
	}
}

// Only the fields that carry tokens on the endpoints that return them are
// registered; error answers and other fields add nothing, so a server can
// neither have ordinary words hidden nor fill the registry.
func TestClient_registersOnlyTheTokenFieldsOfKnownEndpoints(t *testing.T) {
	const received = "access-sandbox-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
	const planted = "OrdinaryPhrase42xy"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == PathItemGet {
			w.WriteHeader(400)
			_, _ = io.WriteString(w, `{"error_type":"X","error_code":"Y","access_token":"`+planted+`","request_id":"r"}`)
			return
		}
		_, _ = io.WriteString(w, `{"access_token":"`+received+`","item_id":"it","link_token":"LinkTokenPlanted99","request_id":"r"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, 0)
	if _, err := c.ExchangePublicToken(context.Background(), "public-sandbox-x1"); err != nil {
		t.Fatal(err)
	}
	bareID := strings.TrimPrefix(received, "access-sandbox-")
	if got := Redact("id " + strings.ToUpper(bareID)); strings.Contains(strings.ToLower(got), bareID) {
		t.Errorf("the received token's id survived: %q", got)
	}
	_, _ = c.GetItem(context.Background(), "access-sandbox-x1")
	for _, s := range []string{planted, "LinkTokenPlanted99"} {
		if got := Redact(s); got != s {
			t.Errorf("%q was registered from a field or answer that carries no token: %q", s, got)
		}
	}
}

// The registry is bounded: past MaxRegisteredTokens a new token is refused
// with ErrTooManyTokens, a token already known is not, and a request that
// would carry a new one is not sent.
func TestRegistry_refusesTokensPastItsCap(t *testing.T) {
	saved := known.tokens
	known.Lock()
	known.tokens = MaxRegisteredTokens
	known.Unlock()
	t.Cleanup(func() { known.Lock(); known.tokens = saved; known.Unlock() })

	if err := registerToken(fuzzAccessToken); err != nil {
		t.Errorf("a token already registered was refused: %v", err)
	}
	if err := registerToken("access-sandbox-99999999-8888-4777-8666-555555555555"); !errors.Is(err, ErrTooManyTokens) {
		t.Errorf("got %v, want ErrTooManyTokens", err)
	}
	sent := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { sent = true }))
	defer srv.Close()
	_, err := newTestClient(t, srv.URL, 0).GetItem(context.Background(), "access-sandbox-77777777-8888-4777-8666-555555555555")
	if !errors.Is(err, ErrTooManyTokens) || sent {
		t.Errorf("got %v (sent: %v), want ErrTooManyTokens and nothing sent", err, sent)
	}
}

// A secret shorter than MinSecretLength could not be kept out of the
// output; the client refuses it, without showing it.
func TestNew_refusesAShortSecret(t *testing.T) {
	_, err := New(Config{BaseURL: "http://127.0.0.1:9", ClientID: "cid", Secret: "s3cr3t"})
	if err == nil || strings.Contains(err.Error(), "s3cr3t") || !strings.Contains(err.Error(), "6 letters and digits") {
		t.Errorf("got %v", err)
	}
}

// A secret long enough but with fewer than MinSecretLength letters and
// digits, or more than the registry keeps, would not be registered and
// would show wherever a server echoed it: the client refuses it too.
func TestNew_refusesASecretTheRegistryCannotKeep(t *testing.T) {
	for name, secret := range map[string]string{"mostly punctuation": "a-b-c-d-e-f-g", "too long": strings.Repeat("0123456789abcdef", 17)} {
		c, err := New(Config{BaseURL: "http://127.0.0.1:9", ClientID: "cid", Secret: secret})
		if err == nil {
			if got := ShowServerText("echo " + secret); strings.Contains(got, secret) {
				t.Errorf("%s: accepted, and an echo of it shows: %q", name, got)
			} else {
				t.Errorf("%s: accepted (%v)", name, c)
			}
		} else if strings.Contains(err.Error(), secret) {
			t.Errorf("%s: the error shows it: %v", name, err)
		}
	}
}

// registerBenchTokens registers benchTokens distinct UUID tokens, as a run
// over that many Items does.
func registerBenchTokens(tb testing.TB) {
	tb.Helper()
	for i := range benchTokens {
		if err := registerToken(fmt.Sprintf("access-sandbox-%08x-%04x-4%03x-8%03x-%012x", i, i&0xffff, i&0xfff, (i>>12)&0xfff, i*7919)); err != nil {
			tb.Fatal(err)
		}
	}
}
