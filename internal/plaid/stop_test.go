package plaid

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// slowRemoveServer answers /item/remove after delay, counting the requests
// it received and those it answered.
func slowRemoveServer(t *testing.T, delay time.Duration, received, answered *atomic.Int32) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		_, _ = io.ReadAll(r.Body) // so that the server notices a client hanging up
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
		answered.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"request_id":"r"}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func graceClient(t *testing.T, url string, grace time.Duration) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: url, ClientID: "cid", Secret: "test-secret", RequestsPerMinute: 100000, AnswerGrace: grace,
		Retry: RetryPolicy{MaxRetries: 3, MinBackoff: time.Hour, MaxBackoff: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// A request already sent when the call is cancelled still receives its
// answer within the grace period, and the call reports Plaid's success.
func TestAnswerGrace_sentRequestGetsItsAnswer(t *testing.T) {
	var received, answered atomic.Int32
	srv := slowRemoveServer(t, 300*time.Millisecond, &received, &answered)
	c := graceClient(t, srv.URL, 30*time.Second)
	if _, err := c.RemoveItem(cancelOnceSeen(t, &received, 0), "access-sandbox-x", RemoveReason{}); err != nil {
		t.Fatalf("the request sent before the cancellation lost its answer: %v", err)
	}
	if answered.Load() != 1 {
		t.Errorf("answered %d requests, want 1", answered.Load())
	}
}

// Past the grace period the request is abandoned, and the error says the
// call was cancelled.
func TestAnswerGrace_boundsTheWait(t *testing.T) {
	var received, answered atomic.Int32
	srv := slowRemoveServer(t, time.Minute, &received, &answered)
	c := graceClient(t, srv.URL, 50*time.Millisecond)
	if err := removeWithin(t, c, cancelOnceSeen(t, &received, 0), "the call outlived its grace period by far"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want one wrapping context.Canceled", err)
	}
	if received.Load() != 1 || answered.Load() != 0 {
		t.Errorf("received %d, answered %d; want 1 and 0", received.Load(), answered.Load())
	}
}

// A cancelled call sends nothing new: not a first request, and not a retry
// (its backoff wait ends at once).
func TestAnswerGrace_noNewRequestAfterCancel(t *testing.T) {
	var received, answered atomic.Int32
	srv := slowRemoveServer(t, 0, &received, &answered)
	c := graceClient(t, srv.URL, 30*time.Second)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.RemoveItem(ctx, "access-sandbox-x", RemoveReason{}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if received.Load() != 0 {
		t.Errorf("a cancelled call sent %d requests", received.Load())
	}

	var attempts atomic.Int32
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		attempts.Add(1)
		plaidError(w, 503, "API_ERROR", "PLANNED_MAINTENANCE")
	}))
	defer failing.Close()
	c = graceClient(t, failing.URL, 30*time.Second) // the backoff is an hour
	if err := removeWithin(t, c, cancelOnceSeen(t, &attempts, 20*time.Millisecond), "the backoff wait did not end when the call was cancelled"); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if attempts.Load() != 1 {
		t.Errorf("%d attempts, want 1 (no retry after the cancellation)", attempts.Load())
	}
}

// An operation timeout (a context deadline) still cuts the request off at
// once: the grace is for Terraform stopping, not for extending timeouts.
func TestAnswerGrace_deadlineCutsOffAtOnce(t *testing.T) {
	var received, answered atomic.Int32
	srv := slowRemoveServer(t, time.Minute, &received, &answered)
	c := graceClient(t, srv.URL, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := removeWithin(t, c, ctx, "the deadline did not cut the request off"); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

// Plaid's answer that arrives within the grace period counts, errors
// included: ITEM_NOT_FOUND then proves the Item gone, not "cancelled".
func TestAnswerGrace_answerWithinGraceCountsEvenAnError(t *testing.T) {
	var received atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received.Add(1)
		_, _ = io.ReadAll(r.Body)
		time.Sleep(200 * time.Millisecond)
		plaidError(w, 400, "ITEM_ERROR", CodeItemNotFound)
	}))
	defer srv.Close()
	c := graceClient(t, srv.URL, 30*time.Second)
	if _, err := c.RemoveItem(cancelOnceSeen(t, &received, 0), "access-sandbox-x", RemoveReason{}); !IsItemNotFound(err) {
		t.Errorf("err = %v, want Plaid's ITEM_NOT_FOUND", err)
	}
}

// A request not yet sent when the call is cancelled (here it waits for a
// connection: the transport allows one per host and another removal holds
// it) is never sent, even though the grace period would still let a sent
// one finish: no new request starts after a stop.
func TestAnswerGrace_unsentRequestNeverStarts(t *testing.T) {
	var received, answered atomic.Int32
	srv := slowRemoveServer(t, 300*time.Millisecond, &received, &answered)
	transport := &http.Transport{MaxConnsPerHost: 1}
	t.Cleanup(transport.CloseIdleConnections)
	c, err := New(Config{BaseURL: srv.URL, ClientID: "cid", Secret: "test-secret", RequestsPerMinute: 100000, AnswerGrace: 30 * time.Second,
		Retry: RetryPolicy{MaxRetries: 3, MinBackoff: time.Hour, MaxBackoff: time.Hour}, HTTPClient: &http.Client{Transport: transport}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	for _, token := range []string{"access-sandbox-a", "access-sandbox-b"} {
		go func() { _, err := c.RemoveItem(ctx, token, RemoveReason{}); done <- err }()
	}
	for received.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(50 * time.Millisecond) // the other removal is now waiting for the connection
	cancel()
	succeeded := 0
	for range 2 {
		select {
		case err := <-done:
			if err == nil {
				succeeded++
			}
		case <-time.After(20 * time.Second):
			t.Fatal("the removals did not end")
		}
	}
	if succeeded != 1 {
		t.Errorf("%d removals succeeded, want 1: the one sent gets its answer, the other never starts", succeeded)
	}
	if got := received.Load(); got != 1 {
		t.Errorf("the server received %d removals, want 1: a request not yet sent at the stop was sent after it", got)
	}
}

// cancelOnceSeen is a context cancelled once counter has counted a request
// at the server, and then after more. The watch ends with the test even when
// no request ever arrives.
func cancelOnceSeen(t *testing.T, counter *atomic.Int32, after time.Duration) context.Context {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for counter.Load() == 0 {
			if ctx.Err() != nil {
				return
			}
			time.Sleep(time.Millisecond)
		}
		time.Sleep(after)
		cancel()
	}()
	return ctx
}

// removeWithin removes an Item and returns the call's error, failing the
// test with stuck when the call has not ended after 30 seconds.
func removeWithin(t *testing.T, c *Client, ctx context.Context, stuck string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { _, err := c.RemoveItem(ctx, "access-sandbox-x", RemoveReason{}); done <- err }()
	select {
	case err := <-done:
		return err
	case <-time.After(30 * time.Second):
		t.Fatal(stuck)
		return nil
	}
}
