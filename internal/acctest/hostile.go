package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// Hostile is a test server that stands where Plaid should be and
// misbehaves on purpose, as a wrong or compromised base_url, a proxy or a
// broken gateway would. It fronts an upstream (the emulator): a path with
// no misbehaviour scripted is forwarded there unchanged, so a test can
// create and read Items normally and turn hostile on exactly one call.
//
// It echoes what it received, not what the test told it: the secret from
// the PLAID-SECRET header and the token from the request body. A client
// cannot hide behind the server not knowing its secrets.
type Hostile struct {
	URL string

	upstream http.Handler
	mu       sync.Mutex
	scripts  map[string]Misbehaviour
	received map[string]int

	// Elsewhere is the second host a redirect points at: a listener on
	// 127.0.0.2, a different loopback address, which must never be reached.
	// RedirectElsewhere starts it.
	Elsewhere *Elsewhere
}

// Misbehaviour answers one request in a scripted, hostile way. in is what
// the request carried; upstream forwards the request to the real server
// when the misbehaviour wants to (a lost answer after the work was done).
type Misbehaviour func(w http.ResponseWriter, r *http.Request, in Received, upstream http.Handler)

// Received is what a request carried that a hostile server can echo.
type Received struct {
	Path        string
	Secret      string // the PLAID-SECRET header
	AccessToken string // the body's access_token
}

// NewHostile starts a hostile server on 127.0.0.1 in front of upstreamURL.
// It stops when the test ends.
func NewHostile(t testing.TB, upstreamURL string) *Hostile {
	t.Helper()
	target, err := url.Parse(upstreamURL)
	if err != nil {
		t.Fatalf("hostile server: upstream %q: %v", upstreamURL, err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	h := &Hostile{
		upstream: proxy,
		scripts:  map[string]Misbehaviour{},
		received: map[string]int{},
	}
	srv := httptest.NewServer(http.HandlerFunc(h.serve))
	h.URL = srv.URL
	t.Cleanup(srv.Close)
	return h
}

// On scripts how requests to path are answered from now on.
func (h *Hostile) On(path string, m Misbehaviour) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.scripts[path] = m
}

// Behave drops every script: from now on every request is forwarded.
func (h *Hostile) Behave() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.scripts = map[string]Misbehaviour{}
}

// Received counts the requests that reached the hostile server for path,
// whatever it did with them.
func (h *Hostile) Received(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.received[path]
}

func (h *Hostile) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))

	var fields struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(body, &fields)
	in := Received{Path: r.URL.Path, Secret: r.Header.Get("PLAID-SECRET"), AccessToken: fields.AccessToken}

	h.mu.Lock()
	h.received[r.URL.Path]++
	m := h.scripts[r.URL.Path]
	h.mu.Unlock()
	if m == nil {
		h.upstream.ServeHTTP(w, r)
		return
	}
	m(w, r, in, h.upstream)
}

// Elsewhere is a listener on another loopback address that counts every
// connection and request it gets. A redirect's target: it must get none.
type Elsewhere struct {
	URL         string
	connections atomic.Int64
	requests    atomic.Int64
	// sawSecret counts requests that carried a PLAID-SECRET header, so that
	// a failure says how bad it was without printing the value.
	sawSecret atomic.Int64
}

// Connections is how many TCP connections Elsewhere accepted.
func (e *Elsewhere) Connections() int64 { return e.connections.Load() }

// Requests is how many HTTP requests Elsewhere received.
func (e *Elsewhere) Requests() int64 { return e.requests.Load() }

// RequestsWithSecret is how many of them carried a PLAID-SECRET header.
func (e *Elsewhere) RequestsWithSecret() int64 { return e.sawSecret.Load() }

type countingListener struct {
	net.Listener
	accepted *atomic.Int64
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.accepted.Add(1)
	}
	return c, err
}

func newElsewhere(t testing.TB) *Elsewhere {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		// Linux routes all of 127.0.0.0/8 to loopback; some systems only
		// configure 127.0.0.1.
		t.Skipf("the redirect target needs a listener on 127.0.0.2, another loopback address: %v", err)
	}
	e := &Elsewhere{URL: "http://" + ln.Addr().String()}
	srv := &httptest.Server{
		Listener: countingListener{Listener: ln, accepted: &e.connections},
		Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			e.requests.Add(1)
			if r.Header.Get("PLAID-SECRET") != "" {
				e.sawSecret.Add(1)
			}
			// An answer that lets the client carry on as if nothing were
			// wrong, naming neither redirects nor status codes, so that an
			// error about the redirect can only come from the client.
			writeJSON(w, http.StatusBadRequest, map[string]any{
				"error_type": "INVALID_REQUEST", "error_code": "INVALID_FIELD",
				"error_message": "the second host answered", "display_message": nil, "request_id": "elsewhere",
			})
		})},
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return e
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	raw, _ := json.Marshal(v)
	writeRaw(w, status, "application/json", raw)
}

func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// RedirectElsewhere starts the Elsewhere listener on 127.0.0.2 (the test
// is skipped where that address is not loopback) and returns a
// misbehaviour answering status (a 3xx such as 307 Temporary Redirect) with
// a Location on it, same path. A client that follows a 307 re-sends the
// body with the access token and the PLAID-SECRET header (Go drops only
// Authorization and Cookie on a change of host) to a host it was never
// configured for; after a 302 it still sends the header.
func (h *Hostile) RedirectElsewhere(t testing.TB, status int) Misbehaviour {
	t.Helper()
	if h.Elsewhere == nil {
		h.Elsewhere = newElsewhere(t)
	}
	elsewhere := h.Elsewhere.URL
	return func(w http.ResponseWriter, r *http.Request, _ Received, _ http.Handler) {
		w.Header().Set("Location", elsewhere+r.URL.Path)
		w.WriteHeader(status)
	}
}

// SucceedWithErrorBody answers HTTP 200 whose body is a Plaid error object:
// a gateway or proxy that flattens every status to 200. Nothing is
// forwarded, so the Item is untouched.
func SucceedWithErrorBody() Misbehaviour {
	return func(w http.ResponseWriter, _ *http.Request, _ Received, _ http.Handler) {
		writeJSON(w, http.StatusOK, map[string]any{
			"error_type": "API_ERROR", "error_code": "INTERNAL_SERVER_ERROR",
			"error_message": "an unexpected error occurred", "display_message": nil, "request_id": "hostile-200-error",
		})
	}
}

// SucceedWithoutRequestID answers HTTP 200 with an empty JSON object: every
// Plaid answer carries a request_id, so this is not Plaid saying yes.
func SucceedWithoutRequestID() Misbehaviour {
	return func(w http.ResponseWriter, _ *http.Request, _ Received, _ http.Handler) {
		writeRaw(w, http.StatusOK, "application/json", []byte("{}"))
	}
}

// RouteNotFoundAsItemNotFound answers HTTP 404 carrying ITEM_NOT_FOUND, as
// a proxy's "route not found" page dressed as a Plaid error would: it proves
// nothing about the Item, which is untouched.
func RouteNotFoundAsItemNotFound() Misbehaviour {
	return ItemNotFoundAnswer(http.StatusNotFound, "ITEM_ERROR", "route not found")
}

// ItemNotFoundAnswer answers error_code ITEM_NOT_FOUND with the given HTTP
// status and error_type, touching nothing. Only HTTP 400 with ITEM_ERROR is
// Plaid's proof of removal; any other pairing is a server that is not Plaid
// or is failing.
func ItemNotFoundAnswer(status int, errorType, message string) Misbehaviour {
	return func(w http.ResponseWriter, _ *http.Request, _ Received, _ http.Handler) {
		writeJSON(w, status, map[string]any{
			"error_type": errorType, "error_code": "ITEM_NOT_FOUND",
			"error_message": message, "display_message": nil, "request_id": fmt.Sprintf("hostile-%d", status),
		})
	}
}

// EchoAsItemNotFound answers Plaid's real proof of removal, HTTP 400
// ITEM_ERROR/ITEM_NOT_FOUND, with the received token and secret in its
// message: the destroy may succeed, but what it logs must not show them.
func EchoAsItemNotFound() Misbehaviour {
	return func(w http.ResponseWriter, _ *http.Request, in Received, _ http.Handler) {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"error_type": "ITEM_ERROR", "error_code": "ITEM_NOT_FOUND",
			"error_message":   "no Item for access_token " + in.AccessToken + " under secret " + in.Secret,
			"display_message": nil, "request_id": "hostile-gone",
		})
	}
}

// LoseAnswer forwards the request upstream, so that whatever it does is
// done, then closes the connection without an answer: the client cannot
// know whether its request went through.
func LoseAnswer() Misbehaviour {
	return func(w http.ResponseWriter, r *http.Request, _ Received, upstream http.Handler) {
		upstream.ServeHTTP(httptest.NewRecorder(), r)
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		_ = conn.Close()
	}
}

// EchoPlacement is where, and in what form, an echoing answer carries the
// secret and the access token it received.
type EchoPlacement string

// The placements: each is one answer, a 400 (not retried) unless it says
// otherwise, carrying both the secret and the token.
const (
	EchoInErrorMessage        EchoPlacement = "error_message"
	EchoInDisplayMessage      EchoPlacement = "display_message"
	EchoInRequestID           EchoPlacement = "request_id"
	EchoInErrorType           EchoPlacement = "error_type"
	EchoInErrorCode           EchoPlacement = "error_code"
	EchoInContentType         EchoPlacement = "content_type"         // a quoted parameter of Content-Type on a non-JSON answer
	EchoUpperCased            EchoPlacement = "upper_cased"          // in error_message
	EchoPercentEncoded        EchoPlacement = "percent_encoded"      // in error_message, every byte and hyphens only
	EchoJSONEscapedOnTheWire  EchoPlacement = "json_escaped_wire"    // error_message written with \u002d escapes in the JSON
	EchoJSONEscapedInsideText EchoPlacement = "json_escaped_in_text" // error_message quoting JSON whose hyphens read \u002d
	EchoGlued                 EchoPlacement = "glued"                // token_access-sandbox-…, with no word boundary
	EchoInContentTypeOn200    EchoPlacement = "content_type_on_200"  // as content_type, on a 200 that is not JSON
	EchoInRetriedAnswer       EchoPlacement = "retried_500"          // every form above in error_message of a 500, which is retried
	// The spellings that got past the earlier, decoding redactor (issue
	// 19), each in error_message.
	EchoHTMLZeroPadded          EchoPlacement = "html_zero_padded"        // &#0000000083; for every byte
	EchoPercentEncodedFourTimes EchoPlacement = "percent_encoded_4x"      // %25252541 for every byte
	EchoSplitByBlankLetter      EchoPlacement = "split_by_hangul_filler"  // U+3164, a letter that renders blank, between every character
	EchoFullwidthAndMarks       EchoPlacement = "fullwidth_and_combining" // fullwidth letters, then combining accents between the characters
)

// EchoPlacements is every placement, for tests that cover them all.
var EchoPlacements = []EchoPlacement{
	EchoInErrorMessage, EchoInDisplayMessage, EchoInRequestID, EchoInErrorType, EchoInErrorCode, EchoInContentType,
	EchoUpperCased, EchoPercentEncoded, EchoJSONEscapedOnTheWire, EchoJSONEscapedInsideText, EchoGlued,
	EchoInContentTypeOn200, EchoInRetriedAnswer,
	EchoHTMLZeroPadded, EchoPercentEncodedFourTimes, EchoSplitByBlankLetter, EchoFullwidthAndMarks,
}

// Echo answers with the received secret and access token in placement p.
// The status is 400 with a code Plaid never retries, so the client fails
// on the first answer, except for EchoInContentTypeOn200 (200) and
// EchoInRetriedAnswer (500, retried while retries last).
func Echo(p EchoPlacement) Misbehaviour {
	return func(w http.ResponseWriter, _ *http.Request, in Received, _ http.Handler) {
		status, contentType, body := EchoAnswer(p, in.Secret, in.AccessToken)
		writeRaw(w, status, contentType, body)
	}
}

// EchoAnswer is the answer Echo(p) gives for a secret and a token.
func EchoAnswer(p EchoPlacement, secret, token string) (status int, contentType string, body []byte) {
	both := secret + " " + token
	e := map[string]any{
		"error_type": "INVALID_REQUEST", "error_code": "INVALID_FIELD",
		"error_message": "the request was not valid", "display_message": nil, "request_id": "hostile-echo",
	}
	switch p {
	case EchoInErrorMessage:
		e["error_type"], e["error_code"] = "INVALID_INPUT", "INVALID_API_KEYS"
		e["error_message"] = "secret " + secret + " is not valid for access_token " + token
	case EchoInDisplayMessage:
		e["display_message"] = "Your credentials " + both + " were rejected"
	case EchoInRequestID:
		e["request_id"] = secret + ":" + token
	case EchoInErrorType:
		e["error_type"] = both
	case EchoInErrorCode:
		e["error_code"] = both
	case EchoInContentType:
		return http.StatusBadRequest, `text/plain; charset="` + both + `"`, []byte("bad request\n")
	case EchoUpperCased:
		e["error_message"] = "SECRET " + strings.ToUpper(secret) + " TOKEN " + strings.ToUpper(token)
	case EchoPercentEncoded:
		e["error_message"] = "secret=" + percentEncodeAllUpper(secret) + "&token=" + percentEncodeAllUpper(token) +
			" or secret=" + strings.ReplaceAll(secret, "-", "%2d") + "&token=" + strings.ReplaceAll(token, "-", "%2D")
	case EchoJSONEscapedOnTheWire:
		// The JSON text itself spells each hyphen \u002d; once decoded the
		// message holds the plain values.
		msg := "secret " + secret + " token " + token
		quoted, _ := json.Marshal(msg)
		escaped := strings.ReplaceAll(string(quoted), "-", `\u002d`)
		return http.StatusBadRequest, "application/json", []byte(`{"error_type":"INVALID_REQUEST","error_code":"INVALID_FIELD","error_message":` + escaped +
			`,"display_message":null,"request_id":"hostile-echo"}`)
	case EchoJSONEscapedInsideText:
		// A proxy quoting the upstream's request, JSON-escaped: the decoded
		// message holds \u002d where the hyphens were.
		e["error_message"] = `upstream rejected {"secret":"` + leakcheck.JSONEscapeHyphens(secret) + `","access_token":"` + leakcheck.JSONEscapeHyphens(token) + `"}`
	case EchoGlued:
		e["error_message"] = "rejected token_" + token + "_end and secret_" + secret + "_end"
	case EchoInContentTypeOn200:
		return http.StatusOK, `text/html; charset="` + both + `"`, []byte("<html><body>ok</body></html>\n")
	case EchoInRetriedAnswer:
		// A 500 is retried, so what it says also reaches the retry's log
		// line, not only the final error.
		e["error_type"], e["error_code"] = "API_ERROR", "INTERNAL_SERVER_ERROR"
		e["error_message"] = "failed for " + both + " / " + strings.ToUpper(both) + " / " + percentEncodeAllUpper(both) +
			" / token_" + token + " / secret_" + secret + " / " + leakcheck.JSONEscapeHyphens(both)
		raw, _ := json.Marshal(e)
		return http.StatusInternalServerError, "application/json", raw
	case EchoHTMLZeroPadded:
		e["error_message"] = "secret " + eachByte(secret, "&#%010d;") + " token " + eachByte(token, "&#%010d;")
	case EchoPercentEncodedFourTimes:
		e["error_message"] = "secret " + eachByte(secret, "%%252525%02X") + " token " + eachByte(token, "%%252525%02X")
	case EchoSplitByBlankLetter:
		e["error_message"] = "secret " + strings.Join(strings.Split(secret, ""), "\u3164") + " token " + strings.Join(strings.Split(token, ""), "\u3164")
	case EchoFullwidthAndMarks:
		e["error_message"] = "secret " + leakcheck.Fullwidth(secret) + " token " + strings.Join(strings.Split(token, ""), "\u0301")
	default:
		panic(fmt.Sprintf("unknown echo placement %q", p))
	}
	raw, _ := json.Marshal(e)
	return http.StatusBadRequest, "application/json", raw
}

// percentEncodeAllUpper is leakcheck's every-byte spelling with upper-case
// hex digits (%2D, not %2d), as most encoders write them: the plaid
// package's tests plant the lower-case one, so the client meets both.
func percentEncodeAllUpper(s string) string { return strings.ToUpper(leakcheck.PercentEncodeAll(s)) }

// eachByte spells every byte of s with format.
func eachByte(s, format string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, format, s[i])
	}
	return b.String()
}
