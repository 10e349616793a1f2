package plaid

import (
	"errors"
	"strings"
	"testing"
)

// The error decoder meets whatever a server or proxy sends: it must never
// panic, must always return an error, and must never let a token through.
func FuzzDecodeError(f *testing.F) {
	for _, seed := range []string{
		`{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","error_message":"m","display_message":null,"request_id":"r"}`,
		`{"error_type":"INVALID_INPUT","error_code":"INVALID_ACCESS_TOKEN","error_message":"access-sandbox-abc-123 bad","display_message":"public-production-x"}`,
		`<html><body>502 Bad Gateway</body></html>`,
		``, `{`, `null`, `[]`, `{"error_code":5}`, `{"error_code":""}`, "\x00\xff",
	} {
		f.Add(400, "application/json", seed)
	}
	f.Fuzz(func(t *testing.T, status int, contentType, body string) {
		err := decodeError(status, contentType, []byte(body))
		if err == nil {
			t.Fatal("decodeError returned nil")
		}
		var pe *Error
		var ue *UnexpectedResponseError
		if !errors.As(err, &pe) && !errors.As(err, &ue) {
			t.Fatalf("unexpected error type %T", err)
		}
		if pe != nil {
			if tokenPattern.MatchString(pe.ErrorMessage) && !strings.Contains(pe.ErrorMessage, "<redacted>") {
				t.Fatalf("a token survived in %q", pe.ErrorMessage)
			}
		}
	})
}

// Token parsing must never panic, and what it accepts must carry the
// kind's prefix and a known environment.
func FuzzParseToken(f *testing.F) {
	for _, seed := range []string{"access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6", "access-production-x", "access-development-x", "access--", "public-sandbox-", "", "access-sandbox-\u00e9"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, token string) {
		env, err := ParseToken(AccessToken, token)
		if err != nil {
			if m := tokenPattern.FindString(token); len(m) > len("access-production-")+3 && strings.Contains(err.Error(), m) {
				t.Fatalf("the error repeats the token: %v", err)
			}
			return
		}
		if !strings.HasPrefix(token, "access-"+string(env)+"-") || (env != Sandbox && env != Production) {
			t.Fatalf("accepted %q as %q", token, env)
		}
	})
}
