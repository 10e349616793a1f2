package plaid

import (
	"sync"

	"golang.org/x/time/rate"
)

// publishedClientLimits are Plaid's per-client limits per minute (Plaid's
// rate-limit table); endpoints without a published limit get
// unpublishedClientLimit.
var publishedClientLimits = map[Environment]map[string]int{
	Sandbox:    {"/item/get": 5000, "/item/remove": 500, "/institutions/get_by_id": 400},
	Production: {"/item/get": 5000, "/item/remove": 2000, "/institutions/get_by_id": 400},
}

const unpublishedClientLimit = 1000

// DefaultRequestsPerMinute is the client-side cap used for path when the
// provider sets none: the published per-client limit.
func DefaultRequestsPerMinute(env Environment, path string) int {
	if n, ok := publishedClientLimits[env][path]; ok {
		return n
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
