package plaid

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy is capped exponential backoff with full jitter: the wait
// before retry n is uniform in [0, min(MaxBackoff, MinBackoff*2^n)], which
// spreads a burst of throttled requests instead of retrying them in step.
type RetryPolicy struct {
	MaxRetries int
	MinBackoff time.Duration
	MaxBackoff time.Duration
}

// Defaults: ten retries reach the 30s cap after seven doublings, so a
// request keeps trying for about a minute, the length of Plaid's rate-limit
// windows.
const (
	DefaultMaxRetries = 10
	DefaultMinBackoff = 250 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
)

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxRetries < 0 {
		p.MaxRetries = 0
	}
	if p.MinBackoff <= 0 {
		p.MinBackoff = DefaultMinBackoff
	}
	if p.MaxBackoff <= 0 {
		p.MaxBackoff = DefaultMaxBackoff
	}
	return p
}

// DefaultRetryPolicy is the policy a provider gets when nothing is set.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: DefaultMaxRetries, MinBackoff: DefaultMinBackoff, MaxBackoff: DefaultMaxBackoff}
}

func (p RetryPolicy) backoff(attempt int) time.Duration {
	ceiling := p.MaxBackoff
	if attempt < 32 {
		if d := p.MinBackoff << attempt; d > 0 && d < ceiling {
			ceiling = d
		}
	}
	return time.Duration(rand.Int64N(int64(ceiling) + 1))
}

// failure is what the retry loop needs to know about a failed attempt.
type failure struct {
	// transient: the same request may succeed if sent again.
	transient bool
	// processed: the server may have acted on the request.
	processed bool
	// unreachable: no connection could be made (fail fast).
	unreachable bool
	// retryAfter is the server's Retry-After, if any.
	retryAfter time.Duration
	// cause is a few words for the WARN log line.
	cause string
}

// assess classifies a failed attempt. Retried, when the call allows it:
// rate limits (except quota codes), 500, 502, 503 and 504 (Plaid's JSON or
// a gateway's HTML), lost connections and timeouts. Never retried: the
// 400s, redirects, garbage answers with a success status, and transport
// errors that cannot change (TLS, certificates, invalid headers).
func assess(err error) failure {
	var (
		te *TransportError
		ue *UnexpectedResponseError
	)
	if pe, ok := AsError(err); ok {
		f := failure{retryAfter: pe.retryAfter, cause: fmt.Sprintf("HTTP %d %s", pe.HTTPStatus, pe.ErrorCode)}
		switch pe.HTTPStatus {
		case http.StatusTooManyRequests:
			// A rate limit rejects the request before it does anything.
			f.transient = !quotaCodes[pe.ErrorCode]
		case http.StatusServiceUnavailable:
			f.transient = true
			// Maintenance refuses every request; any other 503 may
			// come from somewhere that had already passed it on.
			f.processed = pe.ErrorCode != CodePlannedMaintenance
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			f.transient, f.processed = true, true
		}
		return f
	}
	if errors.As(err, &te) {
		return failure{transient: !te.Permanent, processed: te.Sent && !te.Permanent, unreachable: te.Unreachable, cause: te.Cause}
	}
	if errors.As(err, &ue) {
		f := failure{retryAfter: ue.retryAfter, processed: true, cause: fmt.Sprintf("HTTP %d, not a Plaid answer", ue.HTTPStatus)}
		switch ue.HTTPStatus {
		case http.StatusTooManyRequests:
			f.transient, f.processed = true, false
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			f.transient = true
		default:
			// A 2xx that is not a valid answer may well have done what
			// was asked; a 404 page or the like did not.
			f.processed = ue.HTTPStatus >= 200 && ue.HTTPStatus <= 299
		}
		return f
	}
	return failure{cause: "the request could not be made"}
}

// maxUnreachableRetries bounds the retries when no connection can be made
// at all: a wrong base_url or a server that is down is reported within
// seconds, not after a minute of silent attempts. One or two quick retries
// still ride out a server that is restarting.
const maxUnreachableRetries = 2

// unreachableBackoffCap keeps those retries quick.
const unreachableBackoffCap = time.Second

// parseRetryAfter reads a Retry-After header: delay seconds or an HTTP
// date. Anything else, or a time in the past, is no delay.
func parseRetryAfter(value string, now time.Time) time.Duration {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(value, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(value); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// wait is how long to wait before retrying after attempt: the server's
// Retry-After when it gave one, else the jittered backoff, and never more
// than the backoff cap.
func (p RetryPolicy) wait(attempt int, f failure) time.Duration {
	if f.retryAfter > 0 {
		return min(f.retryAfter, p.MaxBackoff)
	}
	d := p.backoff(attempt)
	if f.unreachable {
		d = min(d, unreachableBackoffCap)
	}
	return d
}
