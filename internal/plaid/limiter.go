package plaid

import (
	"maps"
	"sync"

	"golang.org/x/time/rate"
)

// RateLimit is one of Plaid's published limits on an endpoint: requests per
// minute per Item and per client. Zero means none is published.
type RateLimit struct {
	PerItem   int
	PerClient int
}

// publishedRateLimits are Plaid's rate-limit table. The client keeps under
// the per-client limits; the emulator enforces both.
var publishedRateLimits = map[Environment]map[string]RateLimit{
	Sandbox: {
		PathItemGet:             {PerItem: 40, PerClient: 5000},
		PathItemRemove:          {PerItem: 100, PerClient: 500},
		PathInstitutionsGetByID: {PerClient: 400},
	},
	Production: {
		PathItemGet:             {PerItem: 15, PerClient: 5000},
		PathItemRemove:          {PerItem: 30, PerClient: 2000},
		PathInstitutionsGetByID: {PerClient: 400},
	},
}

// PublishedRateLimits returns Plaid's published limits in env, by path. The
// map is a copy.
func PublishedRateLimits(env Environment) map[string]RateLimit {
	return maps.Clone(publishedRateLimits[env])
}

// rateLimitCodes are the error codes of endpoints that answer their own
// when over their limit; the others answer CodeRateLimit.
var rateLimitCodes = map[string]string{
	PathItemGet:             CodeItemGetLimit,
	PathInstitutionsGetByID: CodeInstitutionsGetByIDLimit,
}

// RateLimitCode is the error_code path answers when over its limit.
func RateLimitCode(path string) string {
	if code, ok := rateLimitCodes[path]; ok {
		return code
	}
	return CodeRateLimit
}

// unpublishedClientLimit is the client's cap on an endpoint without a
// published per-client limit.
const unpublishedClientLimit = 1000

// DefaultRequestsPerMinute is the client-side cap used for path when the
// provider sets none: the published per-client limit.
func DefaultRequestsPerMinute(env Environment, path string) int {
	if l, ok := publishedRateLimits[env][path]; ok && l.PerClient > 0 {
		return l.PerClient
	}
	return unpublishedClientLimit
}

func (c *Client) requestsPerMinute(path string) int {
	if c.cfg.RequestsPerMinute > 0 {
		return c.cfg.RequestsPerMinute
	}
	env := c.cfg.Environment
	if env == "" {
		env = Sandbox
	}
	return DefaultRequestsPerMinute(env, path)
}

// Plaid counts requests per client over a minute. A token bucket allows its
// burst on top of its rate, so the rate is set to leave room for the burst:
// over any minute it admits at most perMinute requests.
const limiterBurst = 10

type limiterKey struct {
	baseURL, clientID, path string
	perMinute               int
}

var (
	limitersMu sync.Mutex
	limiters   = map[limiterKey]*rate.Limiter{}
)

// limiterFor returns the process-wide limiter for one endpoint of one
// client: Terraform may configure the provider more than once in a process,
// and all of those share Plaid's one per-client budget.
func limiterFor(baseURL, clientID, path string, perMinute int) *rate.Limiter {
	key := limiterKey{baseURL, clientID, path, perMinute}
	limitersMu.Lock()
	defer limitersMu.Unlock()
	if l, ok := limiters[key]; ok {
		return l
	}
	burst := min(limiterBurst, perMinute)
	perSecond := float64(perMinute-burst) / 60
	if perSecond <= 0 {
		perSecond = float64(perMinute) / 60
	}
	l := rate.NewLimiter(rate.Limit(perSecond), burst)
	limiters[key] = l
	return l
}
