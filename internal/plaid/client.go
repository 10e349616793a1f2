// Package plaid is the provider's small, typed client for the few Plaid
// endpoints it uses. It owns everything about talking to Plaid: headers,
// error decoding, retries and the client-side rate limit.
package plaid

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// APIVersion pins the API version so that a team's dashboard default can't
// change the shape of answers under us.
const APIVersion = "2020-09-14"

// MaxResponseBytes bounds how much of an answer is read. Plaid's answers for
// these endpoints are a few kilobytes; anything larger is not Plaid.
const MaxResponseBytes = 4 << 20

// Config is what a Client needs. Zero values take the documented defaults.
type Config struct {
	BaseURL   string
	ClientID  string
	Secret    string
	UserAgent string

	// RequestTimeout bounds one attempt, so that a lost answer becomes a
	// retryable timeout instead of a hang. Default 30s.
	RequestTimeout time.Duration
	Retry          RetryPolicy
	// RequestsPerMinute caps requests per endpoint from this process, so
	// that Terraform's parallelism can't storm Plaid's per-client limits.
	// Zero means the published per-client limit for the endpoint (see
	// DefaultRequestsPerMinute).
	RequestsPerMinute int
	Environment       Environment

	// AnswerGrace is how long a request already sent may still wait for
	// its answer once the call's context is cancelled (see stop.go). Zero
	// cuts it off at once.
	AnswerGrace time.Duration

	// HTTPClient is shared by every request; its transport keeps
	// connections alive. Default: a client with its own tuned transport.
	HTTPClient *http.Client

	// Gateway sends no ClientID or Secret (both must be empty): a gateway
	// at BaseURL injects them. GatewayHeaders, sent on every request for
	// the gateway's own authentication, are registered as secrets. See
	// gateway.go.
	Gateway        bool
	GatewayHeaders map[string]string
}

// Client calls Plaid. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
}

// New returns a client for cfg. It registers the secret (registry.go), so
// that no error, diagnostic or log line of this process shows it.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("plaid: a base URL is required")
	}
	for name, value := range map[string]string{"client ID": cfg.ClientID, "secret": cfg.Secret} {
		if err := CheckCredential(value); err != nil {
			return nil, fmt.Errorf("plaid: the %s %w", name, err)
		}
	}
	if err := cfg.checkGateway(); err != nil {
		return nil, err
	}
	if !cfg.Gateway {
		// The registry finds a secret by its letters and digits
		// (registry.go): one with too few or too many of them would not
		// be registered at all, and would show wherever a server echoed
		// it. Never the value: only how long it is.
		if SecretCannotBeKept(cfg.Secret) {
			return nil, fmt.Errorf("plaid: the secret has %d letters and digits; Plaid's have 30, and one with fewer than %d or more than %d could not be kept out of the provider's output", len(skeletonOf(cfg.Secret).text), MinSecretLength, maxRegisteredLength)
		}
		RegisterSecret(cfg.Secret)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	cfg.Retry = cfg.Retry.withDefaults()
	httpClient := sharedHTTPClient
	if cfg.HTTPClient != nil {
		// A copy, so that the no-redirect rule holds whatever client
		// the caller brings.
		copied := *cfg.HTTPClient
		copied.CheckRedirect = refuseRedirects
		next := copied.Transport
		if next == nil {
			next = http.DefaultTransport
		}
		copied.Transport = holdLocation{next}
		httpClient = &copied
	}
	return &Client{cfg: cfg, http: httpClient}, nil
}

// CheckCredential reports whether a client ID or secret has characters no
// Plaid credential has (whitespace or control characters, such as the
// trailing newline of a value read with file(), or an invisible format
// character such as the byte-order mark an editor puts at a file's start,
// which Go would send and the redactor would then know only with it). The
// error never repeats the value.
func CheckCredential(value string) error {
	for i, r := range value {
		if unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			where := "inside it"
			switch {
			case i == 0:
				where = "at the start"
			case i+utf8.RuneLen(r) == len(value):
				where = "at the end"
			}
			return fmt.Errorf("contains whitespace or a control character %s (a trailing newline from file() is the usual cause; trimspace() removes it)", where)
		}
	}
	return nil
}

// refuseRedirects makes the HTTP client hand back a 3xx instead of
// following it: a redirected request would carry the secret and an access
// token to the new target (Go strips only Authorization and Cookie).
func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// sharedHTTPClient keeps connections alive across every request of the
// process: a big destroy reuses a handful of connections instead of opening
// one per Item.
var sharedHTTPClient = &http.Client{Transport: holdLocation{newTransport()}, CheckRedirect: refuseRedirects}

// heldLocation is where holdLocation keeps a redirect's Location: a key
// with a space, which no header on the wire can have.
const heldLocation = "held location"

// holdLocation takes the Location header out of a 3xx answer before
// http.Client sees it. The client parses Location before asking
// CheckRedirect, and one it cannot parse became a "connection lost"
// transport error that quoted the whole header and was retried, instead of
// a RedirectError naming the host only.
type holdLocation struct{ next http.RoundTripper }

func (h holdLocation) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := h.next.RoundTrip(req)
	if err == nil && resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		if loc, ok := resp.Header["Location"]; ok {
			resp.Header.Del("Location")
			resp.Header[heldLocation] = loc
		}
	}
	return resp, err
}

func newTransport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// call POSTs body to path and decodes a 2xx answer into out, retrying what
// is safe to retry for this endpoint (see assess and endpoints).
func (c *Client) call(ctx context.Context, path string, body, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding the %s request: %w", path, err)
	}
	// The tokens sent are registered before anything can echo them.
	if err := registerRequestTokens(payload); err != nil {
		return fmt.Errorf("POST %s was not sent: %w", path, err)
	}
	ctx = WithLogMasks(ctx)
	ep := endpointFor(path)
	limiter := limiterFor(c.cfg.BaseURL, c.rateLimitIdentity(), path, c.requestsPerMinute(path))
	unreachable := 0
	for attempt := 0; ; attempt++ {
		if err := limiter.Wait(ctx); err != nil {
			return fmt.Errorf("POST %s: stopped while waiting for the client-side rate limit: %w", path, err)
		}
		err := c.attempt(ctx, path, payload, out)
		if err == nil {
			return nil
		}
		f := assess(err)
		// Stopped (Ctrl-C), and no answer that counts. Plaid's own final
		// answer within the grace period (ITEM_NOT_FOUND, say) is handled
		// below like any other.
		if ctx.Err() != nil && (f.transient || errors.Is(err, ctx.Err())) {
			stopped := fmt.Errorf("POST %s: %w", path, ctx.Err())
			if !ep.repeatable && f.processed {
				// Stopped, but the request may have arrived all the same.
				return &OutcomeUnknownError{Path: path, Creates: ep.creates, Err: stopped}
			}
			return stopped
		}
		if !ep.repeatable && f.processed {
			// Whatever the failure, sending again could do twice what
			// may already be done.
			return &OutcomeUnknownError{Path: path, Creates: ep.creates, Err: err}
		}
		if !f.transient {
			return err
		}
		if f.unreachable {
			unreachable++
		}
		if attempt >= c.cfg.Retry.MaxRetries || unreachable > maxUnreachableRetries {
			if attempt == 0 {
				return err
			}
			return fmt.Errorf("POST %s: gave up after %d attempts: %w", path, attempt+1, err)
		}
		wait := c.cfg.Retry.wait(attempt, f)
		fields := map[string]any{"plaid_path": path, "attempt": attempt + 1, "cause": f.cause, "retry_in": wait.String(), "error": err.Error()}
		if pe, ok := AsError(err); ok {
			fields["request_id"] = pe.RequestID
			fields["error_code"] = pe.ErrorCode
		}
		tflog.Warn(ctx, "Retrying Plaid request", fields)
		if err := sleep(ctx, wait); err != nil {
			return fmt.Errorf("POST %s: stopped while waiting to retry: %w", path, err)
		}
	}
}

func (c *Client) attempt(ctx context.Context, path string, payload []byte, out any) error {
	if err := ctx.Err(); err != nil {
		return err // stopped before sending: no new request starts
	}
	// Whether the request may have reached the server decides whether a
	// call that creates something may be sent again, and whether it may
	// wait for its answer after a stop.
	var sent atomic.Bool
	attemptCtx, cancel := c.attemptContext(ctx, &sent)
	defer cancel()
	attemptCtx = httptrace.WithClientTrace(attemptCtx, &httptrace.ClientTrace{WroteHeaders: func() { sent.Store(true) }})
	req, err := http.NewRequestWithContext(attemptCtx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(payload))
	if err != nil {
		return &TransportError{Path: path, BaseURL: ShowServerText(c.cfg.BaseURL), Permanent: true, Cause: "the request could not be built from base_url", Detail: ShowServerText(err.Error())}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderVersion, APIVersion)
	c.setCredentials(req.Header)
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return newTransportError(path, c.cfg.BaseURL, err, sent.Load())
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return newTransportError(path, c.cfg.BaseURL, err, true)
	}
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 && len(body) <= MaxResponseBytes {
		// A real answer may carry new tokens: registered before any of
		// it is logged or decoded. Only the fields of this endpoint
		// that carry tokens are read, and error answers not at all, so
		// that a server cannot have ordinary words hidden or fill the
		// registry.
		if err := registerAnswerTokens(path, body); err != nil {
			return fmt.Errorf("POST %s: %w", path, err)
		}
	}
	// What this attempt keeps from being shown is counted for the TRACE
	// log: a server that sends encoded text shows up there.
	var st shownStats
	defer func() {
		if st.Dropped+st.Hidden > 0 {
			tflog.Trace(ctx, "Server text filtered before it is shown", map[string]any{"plaid_path": path, "dropped_characters": st.Dropped, "hidden_runs": st.Hidden})
		}
	}()
	contentType := st.show(resp.Header.Get("Content-Type"))
	tflog.Debug(ctx, "Plaid answered", map[string]any{
		"plaid_path": path, "http_status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(),
		"request_id": st.showStrict(requestIDOf(body), requestIDShape),
	})
	unexpected := func(problem string) error {
		return &UnexpectedResponseError{HTTPStatus: resp.StatusCode, ContentType: contentType, Size: int64(len(body)), Problem: problem,
			retryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())}
	}
	switch {
	case resp.StatusCode >= 300 && resp.StatusCode <= 399:
		location := resp.Header.Get("Location")
		if held := resp.Header[heldLocation]; len(held) > 0 {
			location = held[0]
		}
		return &RedirectError{Path: path, HTTPStatus: resp.StatusCode, LocationHost: locationHost(location, &st)}
	case len(body) > MaxResponseBytes:
		return unexpected(fmt.Sprintf("the body is larger than %d bytes", MaxResponseBytes))
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		err := decodeError(resp.StatusCode, resp.Header.Get("Content-Type"), body, &st)
		retryAfter := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		var ue *UnexpectedResponseError
		if pe, ok := AsError(err); ok {
			pe.retryAfter = retryAfter
		} else if errors.As(err, &ue) {
			ue.retryAfter = retryAfter
		}
		return err
	}
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "" && mt != "application/json" {
		return unexpected("the body is not JSON")
	}
	// A success status is not enough: a proxy may put an error body
	// under a 200, or answer for Plaid with something else entirely.
	// Every Plaid answer carries a request_id and no error_code.
	var envelope struct {
		ErrorCode json.RawMessage `json:"error_code"`
		RequestID *string         `json:"request_id"`
	}
	if err := json.Unmarshal(body, &envelope); err != nil {
		return unexpected("the body is not valid JSON for " + path)
	}
	if code := bytes.TrimSpace(envelope.ErrorCode); len(code) > 0 && string(code) != "null" && string(code) != `""` {
		return unexpected("the body is a Plaid error (error_code " + st.showStrict(strings.Trim(string(code), `"`), codeShape) + "), which Plaid never sends with a success status")
	}
	if envelope.RequestID == nil || *envelope.RequestID == "" {
		return unexpected("the body has no request_id, which every Plaid answer carries")
	}
	if err := json.Unmarshal(body, out); err != nil {
		return unexpected("the body is not valid JSON for " + path)
	}
	return nil
}

// locationHost is the host a redirect points to, for its error: never the
// path or query, which could carry anything.
func locationHost(location string, st *shownStats) string {
	if location == "" {
		return "nowhere (no Location header)"
	}
	u, err := url.Parse(location)
	switch {
	case err != nil:
		return "an unreadable Location"
	case u.Host == "":
		return "a path on the same host"
	}
	return "host " + st.show(u.Host)
}

// requestIDOf is the request_id of an answer, for the log line every
// answer gets. A body larger than any Plaid error is not decoded for it.
func requestIDOf(body []byte) string {
	if len(body) > maxErrorBytes {
		return ""
	}
	var probe struct {
		RequestID string `json:"request_id"`
	}
	_ = json.Unmarshal(body, &probe)
	return probe.RequestID
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
