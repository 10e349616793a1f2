package plaid

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// quotaCodes are the rate-limit answers that only more quota cures (free
// credits used up, the account's Item limit reached): retrying them spends
// a minute and changes nothing. This is the one list of them.
var quotaCodes = map[string]bool{
	CodeCreditsExhausted: true,
	CodeAdditionLimit:    true,
}

// IsQuotaExhausted reports whether err is a rate-limit answer that retrying
// cannot cure.
func IsQuotaExhausted(err error) bool {
	pe, ok := AsError(err)
	return ok && quotaCodes[pe.ErrorCode]
}

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

	// retryAfter is the answer's Retry-After, if it had one.
	retryAfter time.Duration
}

// sanitize makes every field fit to be shown: each comes from the server
// and may echo a secret or a token. The codes and the request_id are shown
// only in their strict shapes; the messages pass ShowServerText; a
// documentation_url is kept only when it is one of Plaid's.
func (e *Error) sanitize(st *shownStats) {
	e.ErrorType = st.showStrict(e.ErrorType, codeShape)
	e.ErrorCode = st.showStrict(e.ErrorCode, codeShape)
	e.RequestID = st.showStrict(e.RequestID, requestIDShape)
	e.ErrorMessage = st.show(e.ErrorMessage)
	for _, f := range []*string{e.DisplayMessage, e.SuggestedAction} {
		if f != nil {
			*f = st.show(*f)
		}
	}
	if e.DocumentationURL != "" && (!plaidDocsURL.MatchString(e.DocumentationURL) || holdsSecret(e.DocumentationURL)) {
		e.DocumentationURL = ""
		st.Hidden++
	}
}

// plaidDocsURL is the shape of the documentation_url Plaid's errors carry.
var plaidDocsURL = regexp.MustCompile(`^https://plaid\.com/docs/[A-Za-z0-9/_#.-]{0,200}$`)

// showRequestID is a request_id of a successful answer, as shown.
func showRequestID(id string) string {
	var st shownStats
	return st.showStrict(id, requestIDShape)
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
	// Each field is redacted; the whole is too, in case a secret was
	// split across fields.
	return Redact(b.String())
}

// UnexpectedResponseError is an answer that is not what Plaid sends: an HTML
// page from a proxy, an empty body, truncated or oversized JSON. It never
// carries the body itself, which could be anything.
type UnexpectedResponseError struct {
	HTTPStatus  int
	ContentType string // redacted
	Size        int64
	Problem     string

	retryAfter time.Duration
}

func (e *UnexpectedResponseError) Error() string {
	ct := e.ContentType
	if ct == "" {
		ct = "no content type"
	}
	if e.Size > 0 {
		ct = fmt.Sprintf("%s, %d bytes", ct, e.Size)
	}
	return Redact(fmt.Sprintf("the server answered HTTP %d (%s) but %s; a proxy, load balancer or wrong base_url may be answering instead of Plaid", e.HTTPStatus, ct, e.Problem))
}

// IsItemNotFound reports whether err is Plaid's proof that the Item no longer
// exists. It is the one classifier for "gone": only HTTP 400 with error_type
// ITEM_ERROR and error_code ITEM_NOT_FOUND counts. The same code at another
// status (a proxy's 404 route answer, a 500, a 429) proves nothing, and
// INVALID_ACCESS_TOKEN does not count either, because it also means a token
// from another environment or client, or a rotated token whose Item still
// lives.
func IsItemNotFound(err error) bool {
	pe, ok := AsError(err)
	return ok && pe.HTTPStatus == http.StatusBadRequest && pe.ErrorType == TypeItemError && pe.ErrorCode == CodeItemNotFound
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

// maxErrorBytes bounds the error answers that are decoded: Plaid's error
// objects are a few hundred bytes.
const maxErrorBytes = 64 << 10

// decodeError turns a non-2xx answer into *Error when it is a Plaid error
// object, and into *UnexpectedResponseError otherwise, counting into st
// what it keeps from being shown.
func decodeError(status int, contentType string, body []byte, st *shownStats) error {
	unexpected := func(problem string) error {
		return &UnexpectedResponseError{HTTPStatus: status, ContentType: st.show(contentType), Size: int64(len(body)), Problem: problem}
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return unexpected("the body is empty, not a Plaid error object")
	}
	if len(body) > maxErrorBytes {
		// Cut first: a hostile answer of megabytes is not decoded at all.
		return unexpected(fmt.Sprintf("the body is larger than any Plaid error object (more than %d bytes)", maxErrorBytes))
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
	pe.sanitize(st)
	return &pe
}

func looksLikeHTML(body []byte) bool {
	head := strings.ToLower(strings.TrimSpace(string(body[:min(len(body), 512)])))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") || strings.Contains(head, "<body")
}

// RedirectError is a 3xx answer. Plaid's API never redirects, and following
// one would send the secret and an access token to wherever it points, so
// the client never does: it names the status and the target's host, nothing
// more.
type RedirectError struct {
	Path       string
	HTTPStatus int
	// LocationHost is the host the redirect points to (redacted), or a
	// note when there is none.
	LocationHost string
}

func (e *RedirectError) Error() string {
	return Redact(fmt.Sprintf("POST %s: the server answered HTTP %d, a redirect to %s. Plaid's API never redirects, and redirects are never followed because each request carries the secret and an access token: point base_url at the API itself, not at something that redirects", e.Path, e.HTTPStatus, e.LocationHost))
}

// OutcomeUnknownError is a call that is not safe to repeat (it creates
// something at Plaid) and failed in a way that leaves open whether Plaid
// acted on it: the answer was lost, or was a 500, 502, 504 or garbage. It
// was not sent again, because a repeat could create a second thing while the
// first is never cleaned up.
type OutcomeUnknownError struct {
	Path string
	// Creates says what the call creates, such as "a sandbox Item".
	Creates string
	Err     error
}

func (e *OutcomeUnknownError) Error() string {
	created := e.Creates
	if created == "" {
		created = "what this call makes"
	}
	return Redact(fmt.Sprintf("POST %s may have gone through: %v. At Plaid, %s may have been created, so the request was not sent again (a repeat could create a second one)", e.Path, e.Err, created))
}

func (e *OutcomeUnknownError) Unwrap() error { return e.Err }
