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
	"strings"
	"time"

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

	// HTTPClient is shared by every request; its transport keeps
	// connections alive. Default: a client with its own tuned transport.
	HTTPClient *http.Client
}

// Client calls Plaid. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
}

// New returns a client for cfg.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("plaid: a base URL is required")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	cfg.Retry = cfg.Retry.withDefaults()
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = sharedHTTPClient
	}
	return &Client{cfg: cfg, http: httpClient}, nil
}

// sharedHTTPClient keeps connections alive across every request of the
// process: a big destroy reuses a handful of connections instead of opening
// one per Item.
var sharedHTTPClient = &http.Client{Transport: newTransport()}

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
// is safe to retry. It returns the request_id of the answer that counted.
func (c *Client) call(ctx context.Context, path string, body, out any) error {
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding the %s request: %w", path, err)
	}
	ctx = c.maskSecrets(ctx)
	limiter := limiterFor(c.cfg.BaseURL, c.cfg.ClientID, path, c.requestsPerMinute(path))
	for attempt := 0; ; attempt++ {
		if err := limiter.Wait(ctx); err != nil {
			return fmt.Errorf("POST %s: stopped while waiting for the client-side rate limit: %w", path, err)
		}
		err := c.attempt(ctx, path, payload, out)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("POST %s: %w", path, ctx.Err())
		}
		if !IsRetryable(err) || attempt >= c.cfg.Retry.MaxRetries {
			if attempt > 0 && IsRetryable(err) {
				return fmt.Errorf("POST %s: gave up after %d attempts: %w", path, attempt+1, err)
			}
			return err
		}
		wait := c.cfg.Retry.backoff(attempt)
		fields := map[string]any{"plaid_path": path, "attempt": attempt + 1, "retry_in": wait.String(), "error": err.Error()}
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

// maskSecrets adds log masks for the secret and for anything shaped like a
// token. Masks live on a context, and Terraform gives every RPC a new one,
// so they are added here, where every request passes, not once at start-up.
func (c *Client) maskSecrets(ctx context.Context) context.Context {
	// MaskLog* masks messages and field values alike; each call copies the
	// logger's options, so two calls, not four.
	if c.cfg.Secret != "" {
		ctx = tflog.MaskLogStrings(ctx, c.cfg.Secret)
	}
	return tflog.MaskLogRegexes(ctx, tokenPattern)
}

// TransportError is a request that got no HTTP answer: a refused or dropped
// connection, or an attempt that timed out.
type TransportError struct {
	Path string
	Err  error
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("POST %s got no answer: %v", e.Path, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

func (c *Client) attempt(ctx context.Context, path string, payload []byte, out any) error {
	attemptCtx, cancel := context.WithTimeout(ctx, c.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(attemptCtx, http.MethodPost, c.cfg.BaseURL+path, bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("building the %s request: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Plaid-Version", APIVersion)
	req.Header.Set("PLAID-CLIENT-ID", c.cfg.ClientID)
	req.Header.Set("PLAID-SECRET", c.cfg.Secret)
	if c.cfg.UserAgent != "" {
		req.Header.Set("User-Agent", c.cfg.UserAgent)
	}

	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return &TransportError{Path: path, Err: redactURLError(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxResponseBytes+1))
	if err != nil {
		return &TransportError{Path: path, Err: redactURLError(err)}
	}
	contentType := resp.Header.Get("Content-Type")
	tflog.Debug(ctx, "Plaid answered", map[string]any{
		"plaid_path": path, "http_status": resp.StatusCode, "duration_ms": time.Since(start).Milliseconds(),
		"request_id": requestIDOf(body),
	})
	if len(body) > MaxResponseBytes {
		return &UnexpectedResponseError{HTTPStatus: resp.StatusCode, ContentType: contentType, Size: int64(len(body)), Problem: fmt.Sprintf("the body is larger than %d bytes", MaxResponseBytes)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return decodeError(resp.StatusCode, contentType, body)
	}
	if mt, _, _ := mime.ParseMediaType(contentType); mt != "" && mt != "application/json" {
		return &UnexpectedResponseError{HTTPStatus: resp.StatusCode, ContentType: contentType, Size: int64(len(body)), Problem: "the body is not JSON"}
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &UnexpectedResponseError{HTTPStatus: resp.StatusCode, ContentType: contentType, Size: int64(len(body)), Problem: "the body is not valid JSON for " + path}
	}
	return nil
}

// redactURLError drops the URL from *url.Error-style messages' tokens; the
// URL carries no secret, but a proxy's message could.
func redactURLError(err error) error {
	return errors.New(RedactTokens(err.Error()))
}

func requestIDOf(body []byte) string {
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
