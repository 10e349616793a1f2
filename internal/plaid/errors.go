package plaid

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Error codes the provider branches on. Plaid documents error_code as the
// stable, programmatic field; messages may change at any time.
const (
	CodeItemNotFound       = "ITEM_NOT_FOUND"
	CodeInvalidAccessToken = "INVALID_ACCESS_TOKEN"
	CodeInvalidAPIKeys     = "INVALID_API_KEYS"
	CodeCreditsExhausted   = "CREDITS_EXHAUSTED"
	CodeItemLoginRequired  = "ITEM_LOGIN_REQUIRED"
	CodeInvalidPublicToken = "INVALID_PUBLIC_TOKEN"
	CodeInvalidInstitution = "INVALID_INSTITUTION"
	CodeSandboxOnly        = "SANDBOX_ONLY"
)

// Error is Plaid's error object, plus the HTTP status it came with.
type Error struct {
	HTTPStatus       int     `json:"-"`
	ErrorType        string  `json:"error_type"`
	ErrorCode        string  `json:"error_code"`
	ErrorMessage     string  `json:"error_message"`
	DisplayMessage   *string `json:"display_message"`
	RequestID        string  `json:"request_id"`
	DocumentationURL string  `json:"documentation_url,omitempty"`
	SuggestedAction  *string `json:"suggested_action,omitempty"`
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Plaid answered HTTP %d %s/%s", e.HTTPStatus, e.ErrorType, e.ErrorCode)
	if e.ErrorMessage != "" {
		fmt.Fprintf(&b, ": %s", e.ErrorMessage)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " (request_id %s)", e.RequestID)
	}
	return b.String()
}

// UnexpectedResponseError is an answer that is not what Plaid sends: an HTML
// page from a proxy, an empty body, truncated or oversized JSON. It never
// carries the body itself, which could be anything.
type UnexpectedResponseError struct {
	HTTPStatus  int
	ContentType string
	Size        int64
	Problem     string
}

func (e *UnexpectedResponseError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("the server answered HTTP %d (%s, %d bytes) but %s; a proxy, load balancer or wrong base_url may be answering instead of Plaid", e.HTTPStatus, ct, e.Size, e.Problem)
}

// IsItemNotFound reports whether err is Plaid's proof that the Item no longer
// exists. It is the one classifier for "gone": only ITEM_NOT_FOUND counts.
// INVALID_ACCESS_TOKEN does not, because it also means a token from another
// environment or client, or a rotated token whose Item still lives.
func IsItemNotFound(err error) bool {
	return HasCode(err, CodeItemNotFound)
}

// HasCode reports whether err is a Plaid error with the given error_code.
func HasCode(err error, code string) bool {
	var pe *Error
	return errors.As(err, &pe) && pe.ErrorCode == code
}

// AsError returns the Plaid error inside err, if there is one.
func AsError(err error) (*Error, bool) {
	var pe *Error
	ok := errors.As(err, &pe)
	return pe, ok
}

// tokenPattern matches anything shaped like a Plaid token so that no token
// echoed by a server (or a misbehaving proxy) reaches an error string.
var tokenPattern = regexp.MustCompile(`\b(access|public|link)-(sandbox|development|production)-[A-Za-z0-9-]+`)

// RedactTokens replaces every Plaid token in s.
func RedactTokens(s string) string {
	return tokenPattern.ReplaceAllString(s, "$1-$2-<redacted>")
}

// TokenPattern is the regular expression that RedactTokens uses; the provider
// registers it as a log mask.
func TokenPattern() *regexp.Regexp { return tokenPattern }

// decodeError turns a non-2xx answer into *Error when it is a Plaid error
// object, and into *UnexpectedResponseError otherwise.
func decodeError(status int, contentType string, body []byte) error {
	unexpected := func(problem string) error {
		return &UnexpectedResponseError{HTTPStatus: status, ContentType: contentType, Size: int64(len(body)), Problem: problem}
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return unexpected("the body is empty, not a Plaid error object")
	}
	var pe Error
	if err := json.Unmarshal(body, &pe); err != nil {
		if looksLikeHTML(body) {
			return unexpected("the body is an HTML page, not a Plaid error object")
		}
		return unexpected("the body is not valid JSON")
	}
	if pe.ErrorCode == "" {
		return unexpected("the JSON body has no error_code, so it is not a Plaid error object")
	}
	pe.HTTPStatus = status
	pe.ErrorMessage = RedactTokens(pe.ErrorMessage)
	if pe.DisplayMessage != nil {
		redacted := RedactTokens(*pe.DisplayMessage)
		pe.DisplayMessage = &redacted
	}
	return &pe
}

func looksLikeHTML(body []byte) bool {
	head := strings.ToLower(strings.TrimSpace(string(body[:min(len(body), 512)])))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.Contains(head, "<body")
}
