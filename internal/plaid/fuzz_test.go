package plaid

import (
	"errors"
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// Values the fuzz targets plant. The secret and the access token are
// registered as a client registers them (New, a request body); the public
// token is never registered, so only its shape can give it away.
const (
	fuzzSecret      = "f0e1d2c3b4a5968778695a4b3c2d1e"
	fuzzAccessToken = "access-sandbox-5b8f1c2e-7a3d-4e9b-8c6f-0d1e2f3a4b5c"
	fuzzPublicToken = "public-sandbox-9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"
)

func registerFuzzSecrets() {
	RegisterSecret(fuzzSecret)
	if err := registerRequestTokens([]byte(`{"access_token":"` + fuzzAccessToken + `"}`)); err != nil {
		panic(err)
	}
}

// The error decoder meets whatever a server or proxy sends: it must never
// panic, must always return an error, and must never let the planted
// secret or tokens through, in any form, in any field or in Error().
func FuzzDecodeError(f *testing.F) {
	registerFuzzSecrets()
	for _, seed := range []string{
		`{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","error_message":"m","display_message":null,"request_id":"r"}`,
		`{"error_type":"INVALID_INPUT","error_code":"INVALID_ACCESS_TOKEN","error_message":"` + fuzzAccessToken + ` bad","display_message":"` + fuzzPublicToken + `"}`,
		`{"error_type":"` + strings.ToUpper(fuzzAccessToken) + `","error_code":"token_` + fuzzAccessToken + `","error_message":"secret ` + fuzzSecret + ` is not valid","request_id":"` + fuzzPublicToken + `"}`,
		`{"error_type":"X","error_code":"Y","error_message":"` + leakcheck.PercentEncodeAll(fuzzAccessToken) + `","documentation_url":"https://x/?t=` + fuzzAccessToken + `","suggested_action":"` + strings.ToUpper(fuzzSecret) + `"}`,
		`{"error_type":"X","error_code":"Y","error_message":"` + strings.ReplaceAll(leakcheck.JSONEscapeAll(fuzzSecret), `\`, `\\`) + `","request_id":"` + strings.ReplaceAll(fuzzPublicToken, "-", `\u002d`) + `"}`,
		`<html><body>502 Bad Gateway</body></html>`,
		``, `{`, `null`, `[]`, `{"error_code":5}`, `{"error_code":""}`, "\x00\xff",
	} {
		f.Add(400, "application/json", seed)
	}
	f.Add(502, `text/html; charset="`+fuzzAccessToken+`"`, "<html>")
	f.Add(500, "application/json; x="+leakcheck.PercentEncodeAll(fuzzSecret), "")
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		err := decodeError(status, contentType, []byte(body), &shownStats{})
		if err == nil {
			t.Fatal("decodeError returned nil")
		}
		var pe *Error
		var ue *UnexpectedResponseError
		if !errors.As(err, &pe) && !errors.As(err, &ue) {
			t.Fatalf("unexpected error type %T", err)
		}
		shown := []string{err.Error()}
		if pe != nil {
			shown = append(shown, pe.ErrorType, pe.ErrorCode, pe.ErrorMessage, pe.RequestID, pe.DocumentationURL)
			if pe.DisplayMessage != nil {
				shown = append(shown, *pe.DisplayMessage)
			}
			if pe.SuggestedAction != nil {
				shown = append(shown, *pe.SuggestedAction)
			}
		}
		if ue != nil {
			shown = append(shown, ue.ContentType)
		}
		for _, s := range shown {
			if leak := leakcheck.Find(s, fuzzSecret, fuzzAccessToken); leak != "" {
				t.Fatalf("%s survived decoding", leak)
			}
			// The public token was never sent or received, so only its
			// shape can give it away: a piece of its id is just text the
			// redactor has no reason to know.
			if strings.Contains(strings.ToLower(s), fuzzPublicToken) {
				t.Fatal("the never-registered public token survived decoding")
			}
		}
	})
}

// Token parsing must never panic, what it accepts must carry the kind's
// prefix and a known environment, and its errors must not depend on the
// value (so they cannot repeat it).
func FuzzParseToken(f *testing.F) {
	fixed := map[string]bool{}
	for _, probe := range []string{"", "access-sandbox-", "access-staging-x", "access-sandbox-a b", "access-development-x"} {
		if _, err := ParseToken(AccessToken, probe); err != nil {
			fixed[err.Error()] = true
		}
	}
	for _, seed := range []string{"access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6", "access-production-x", "access-development-x", "access--", "public-sandbox-", "", "access-sandbox-\u00e9"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		env, err := ParseToken(AccessToken, token)
		if err != nil {
			if !fixed[err.Error()] {
				t.Fatalf("the error depends on the value: %v", err)
			}
			return
		}
		if !strings.HasPrefix(token, "access-"+string(env)+"-") || (env != Sandbox && env != Production) {
			t.Fatalf("accepted %q as %q", token, env)
		}
	})
}
