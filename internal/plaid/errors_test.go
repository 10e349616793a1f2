package plaid

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDecodeError(t *testing.T) {
	for _, tc := range []struct {
		name        string
		status      int
		contentType string
		body        string
		wantCode    string
		wantProblem string
	}{
		{"plaid error", 400, "application/json", `{"error_type":"ITEM_ERROR","error_code":"ITEM_NOT_FOUND","error_message":"gone","display_message":null,"request_id":"r1"}`, "ITEM_NOT_FOUND", ""},
		{"unknown error code", 400, "application/json", `{"error_type":"NEW_TYPE","error_code":"SOMETHING_NEW","error_message":"?","display_message":null,"request_id":"r"}`, "SOMETHING_NEW", ""},
		{"html 502", 502, "text/html", `<html><head><title>502</title></head><body>Bad Gateway</body></html>`, "", "HTML page"},
		{"empty body", 503, "", ``, "", "empty"},
		{"truncated json", 500, "application/json", `{"error_type":"API_ERR`, "", "not valid JSON"},
		{"json without error_code", 400, "application/json", `{"message":"nope"}`, "", "no error_code"},
		{"plain text", 400, "text/plain", `bad request`, "", "not valid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := decodeError(tc.status, tc.contentType, []byte(tc.body), &shownStats{})
			if tc.wantCode != "" {
				pe, ok := AsError(err)
				if !ok || pe.ErrorCode != tc.wantCode || pe.HTTPStatus != tc.status {
					t.Fatalf("got %v, want Plaid error %s", err, tc.wantCode)
				}
				return
			}
			var ue *UnexpectedResponseError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tc.wantProblem) {
				t.Fatalf("got %v, want an UnexpectedResponseError saying %q", err, tc.wantProblem)
			}
		})
	}
}

func TestDecodeErrorRedactsTokens(t *testing.T) {
	body := `{"error_type":"INVALID_INPUT","error_code":"INVALID_ACCESS_TOKEN","error_message":"token access-sandbox-1234abcd-aaaa is bad","display_message":"see public-production-99ff","request_id":"r"}`
	err := decodeError(400, "application/json", []byte(body), &shownStats{})
	pe, _ := AsError(err)
	if strings.Contains(err.Error(), "1234abcd") || strings.Contains(*pe.DisplayMessage, "99ff") {
		t.Errorf("token not redacted: %v / %s", err, *pe.DisplayMessage)
	}
}

func TestIsItemNotFound(t *testing.T) {
	notFound := &Error{HTTPStatus: 400, ErrorType: "ITEM_ERROR", ErrorCode: CodeItemNotFound}
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{notFound, true},
		{fmt.Errorf("wrapped: %w", notFound), true},
		{&Error{HTTPStatus: 400, ErrorType: "INVALID_INPUT", ErrorCode: CodeInvalidAccessToken}, false},
		{&Error{HTTPStatus: 400, ErrorType: "INVALID_INPUT", ErrorCode: CodeInvalidAPIKeys}, false},
		{&Error{HTTPStatus: 400, ErrorType: "ITEM_ERROR", ErrorCode: CodeItemLoginRequired}, false},
		{&Error{HTTPStatus: 404, ErrorType: "INVALID_REQUEST", ErrorCode: "NOT_FOUND"}, false},
		{&UnexpectedResponseError{HTTPStatus: 404}, false},
		{&TransportError{Path: "/item/get", Cause: "lost"}, false},
		{&Error{HTTPStatus: 404, ErrorType: "ITEM_ERROR", ErrorCode: CodeItemNotFound}, false},
		{&Error{HTTPStatus: 500, ErrorType: "ITEM_ERROR", ErrorCode: CodeItemNotFound}, false},
		{&Error{HTTPStatus: 429, ErrorType: "ITEM_ERROR", ErrorCode: CodeItemNotFound}, false},
		{&Error{HTTPStatus: 400, ErrorType: "INVALID_REQUEST", ErrorCode: CodeItemNotFound}, false},
		{nil, false},
	} {
		if got := IsItemNotFound(tc.err); got != tc.want {
			t.Errorf("IsItemNotFound(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

func TestParseToken(t *testing.T) {
	for _, tc := range []struct {
		kind    TokenKind
		token   string
		wantEnv Environment
		wantErr string
	}{
		{AccessToken, "access-sandbox-de3ce8ef-33f8-452c-a685-8671031fc0f6", Sandbox, ""},
		{AccessToken, "access-production-x", Production, ""},
		{PublicToken, "public-sandbox-abc", Sandbox, ""},
		{AccessToken, "access-development-abc", "", "shut down"},
		{AccessToken, "public-sandbox-abc", "", `starts with "access-"`},
		{AccessToken, "access-sandbox-", "", "no id"},
		{AccessToken, "access-sandbox", "", "no id"},
		{AccessToken, "access-staging-abc", "", "names neither"},
		{AccessToken, "access-sandbox-abc def", "", "only letters"},
		{AccessToken, `"access-sandbox-abc"`, "", `starts with`},
		{AccessToken, "", "", "starts with"},
	} {
		env, err := ParseToken(tc.kind, tc.token)
		if tc.wantErr == "" {
			if err != nil || env != tc.wantEnv {
				t.Errorf("ParseToken(%q) = %q, %v; want %q", tc.token, env, err, tc.wantEnv)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseToken(%q) error = %v, want %q", tc.token, err, tc.wantErr)
		}
	}
}

// A misspelt environment is quoted back; a value that may be a credential
// set in the wrong variable (PLAID_ENV and PLAID_SECRET swapped) is not:
// at plan time the redactor does not know it yet.
func TestParseEnvironment_quotesOnlyWhatLooksLikeAName(t *testing.T) {
	if _, err := ParseEnvironment("sandbx"); err == nil || !strings.Contains(err.Error(), `"sandbx"`) {
		t.Errorf("a misspelt name: %v, want it quoted", err)
	}
	for _, v := range []string{"0f1e2d3c4b5a69788796a5b4c3d2e1", "Zq9NotYetRegistered", "sandbox-secret-1"} {
		if _, err := ParseEnvironment(v); err == nil || strings.Contains(err.Error(), v) {
			t.Errorf("ParseEnvironment(%q) = %v, want a refusal that does not repeat it", v, err)
		}
	}
}
