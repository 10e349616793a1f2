package plaid

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// When a call's context is cancelled (Terraform is stopping the provider),
// its waits end at once (the client-side rate limit, the backoff before a
// retry) and no new attempt starts. A request already sent is different:
// cutting it off loses Plaid's answer, so the caller can't tell whether
// Plaid acted on it, and a removal that went through stays in Terraform's
// state. Such a request keeps its connection for Config.AnswerGrace after
// the cancellation to receive its answer. A context that reaches its
// deadline (an operation timeout) cuts the request off at once, as before.

// attemptContext is the context one attempt's HTTP request runs on: it
// carries ctx's values, ends after the attempt timeout, when ctx reaches its
// deadline, or AnswerGrace after ctx is cancelled. A request not yet sent
// when ctx is cancelled (still dialling, or waiting for a connection) ends
// at once: sent reports whether it was, and the grace is only for answers.
// The returned function releases it.
func (c *Client) attemptContext(ctx context.Context, sent *atomic.Bool) (context.Context, context.CancelFunc) {
	if c.cfg.AnswerGrace <= 0 {
		return context.WithTimeout(ctx, c.cfg.RequestTimeout)
	}
	attemptCtx, cancelAttempt := context.WithTimeout(context.WithoutCancel(ctx), c.cfg.RequestTimeout)
	stopWatching := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) || !sent.Load() {
			cancelAttempt()
			return
		}
		grace := time.NewTimer(c.cfg.AnswerGrace)
		defer grace.Stop()
		select {
		case <-grace.C:
			cancelAttempt()
		case <-attemptCtx.Done():
		}
	})
	return attemptCtx, func() {
		stopWatching()
		cancelAttempt()
	}
}
