package emulator

import (
	"sync"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// RateLimit is how many requests an endpoint takes per window, per Item and
// per client; zero means no limit.
type RateLimit struct {
	PerItem   int `json:"per_item"`
	PerClient int `json:"per_client"`
}

// DefaultRateLimits are Plaid's published per-minute limits
// (plaid.PublishedRateLimits); any environment but production has the
// sandbox's.
func DefaultRateLimits(env plaid.Environment) map[string]RateLimit {
	if env != plaid.Production {
		env = plaid.Sandbox
	}
	limits := map[string]RateLimit{}
	for path, l := range plaid.PublishedRateLimits(env) {
		limits[path] = RateLimit{PerItem: l.PerItem, PerClient: l.PerClient}
	}
	return limits
}

// rateLimiter counts requests over a sliding window: a request is refused
// when the window before it already holds the limit. This is the strictest
// reading of "N per minute", so a client that passes here passes anywhere.
type rateLimiter struct {
	mu     sync.Mutex
	limits map[string]RateLimit
	window time.Duration
	hits   map[string][]time.Time
}

func newRateLimiter(limits map[string]RateLimit, window time.Duration) *rateLimiter {
	return &rateLimiter{limits: limits, window: window, hits: map[string][]time.Time{}}
}

func (l *rateLimiter) limit(path string) RateLimit {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.limits[path]
}

func (l *rateLimiter) set(limits map[string]RateLimit) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limits = limits
	l.hits = map[string][]time.Time{}
}

func (l *rateLimiter) all() map[string]RateLimit {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make(map[string]RateLimit, len(l.limits))
	for k, v := range l.limits {
		out[k] = v
	}
	return out
}

// allow counts a request against key and reports whether it is within
// limit. Refused requests are not counted.
func (l *rateLimiter) allow(key string, limit int) bool {
	if limit <= 0 {
		return true
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	hits := l.hits[key]
	cut := 0
	for cut < len(hits) && now.Sub(hits[cut]) >= l.window {
		cut++
	}
	hits = hits[cut:]
	ok := len(hits) < limit
	if ok {
		hits = append(hits, now)
	}
	l.hits[key] = hits
	return ok
}

// SetRateLimits replaces the limits in force and forgets past requests.
func (e *Emulator) SetRateLimits(limits map[string]RateLimit) { e.limiter.set(limits) }

// RateLimits returns the limits in force.
func (e *Emulator) RateLimits() map[string]RateLimit { return e.limiter.all() }
