package plaid

import (
	"errors"
	"math/rand/v2"
	"net/http"
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

// IsRetryable reports whether a failed request may be sent again: rate
// limits (except CREDITS_EXHAUSTED, which only more quota cures), Plaid's
// 500 and 503, and requests that got no answer at all. Every other answer,
// the 400s above all, would only fail the same way again.
func IsRetryable(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	if pe, ok := AsError(err); ok {
		switch pe.HTTPStatus {
		case http.StatusTooManyRequests:
			return pe.ErrorCode != CodeCreditsExhausted
		case http.StatusInternalServerError, http.StatusServiceUnavailable:
			return true
		}
		return false
	}
	var ue *UnexpectedResponseError
	if errors.As(err, &ue) {
		switch ue.HTTPStatus {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable:
			return true
		}
	}
	return false
}
