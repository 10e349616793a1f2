package plaid

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// newTestClient returns a client for srv that retries quickly.
func newTestClient(t *testing.T, url string, retries int) *Client {
	t.Helper()
	c, err := New(Config{BaseURL: url, ClientID: "cid", Secret: "shh-secret", UserAgent: "ua/1",
		Retry: RetryPolicy{MaxRetries: retries, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond}, RequestsPerMinute: 100000})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func plaidError(w http.ResponseWriter, status int, typ, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `{"error_type":"`+typ+`","error_code":"`+code+`","error_message":"m","display_message":null,"request_id":"req-1"}`)
}

func TestClient_sendsHeadersAndDecodes(t *testing.T) {
	var got http.Header
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"item":{"item_id":"it1","webhook":null,"error":null,"available_products":[],"billed_products":["auth"],"consent_expiration_time":null,"update_type":"background","new_field":1},"request_id":"r1"}`)
	}))
	defer srv.Close()
	resp, err := newTestClient(t, srv.URL, 0).GetItem(context.Background(), "access-sandbox-x")
	if err != nil {
		t.Fatal(err)
	}
	if resp.Item.ItemID != "it1" || resp.Item.Webhook != nil || resp.Item.BilledProducts[0] != "auth" {
		t.Errorf("decoded %+v", resp.Item)
	}
	for h, want := range map[string]string{"PLAID-CLIENT-ID": "cid", "PLAID-SECRET": "shh-secret", "Plaid-Version": "2020-09-14", "Content-Type": "application/json", "User-Agent": "ua/1"} {
		if got.Get(h) != want {
			t.Errorf("header %s = %q, want %q", h, got.Get(h), want)
		}
	}
	if body != `{"access_token":"access-sandbox-x"}` {
		t.Errorf("body = %s", body)
	}
}

func TestClient_removeLeavesOutUnsetReason(t *testing.T) {
	var bodies []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		bodies = append(bodies, string(b))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"request_id":"r"}`)
	}))
	defer srv.Close()
	c := newTestClient(t, srv.URL, 0)
	_, _ = c.RemoveItem(context.Background(), "access-sandbox-x", RemoveReason{})
	_, _ = c.RemoveItem(context.Background(), "access-sandbox-x", RemoveReason{Code: "OTHER", Note: "n"})
	if bodies[0] != `{"access_token":"access-sandbox-x"}` || bodies[1] != `{"access_token":"access-sandbox-x","reason_code":"OTHER","reason_note":"n"}` {
		t.Errorf("bodies = %v", bodies)
	}
}

func TestClient_retriesOnlyWhatIsSafe(t *testing.T) {
	for _, tc := range []struct {
		name      string
		answer    func(w http.ResponseWriter)
		wantCalls int32
	}{
		{"500 is retried", func(w http.ResponseWriter) { plaidError(w, 500, "API_ERROR", "INTERNAL_SERVER_ERROR") }, 4},
		{"503 is retried", func(w http.ResponseWriter) { plaidError(w, 503, "API_ERROR", "PLANNED_MAINTENANCE") }, 4},
		{"429 is retried", func(w http.ResponseWriter) { plaidError(w, 429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT") }, 4},
		{"CREDITS_EXHAUSTED is not", func(w http.ResponseWriter) { plaidError(w, 429, "RATE_LIMIT_EXCEEDED", "CREDITS_EXHAUSTED") }, 1},
		{"400 is not", func(w http.ResponseWriter) { plaidError(w, 400, "INVALID_INPUT", "INVALID_ACCESS_TOKEN") }, 1},
		{"ITEM_NOT_FOUND is not", func(w http.ResponseWriter) { plaidError(w, 400, "ITEM_ERROR", "ITEM_NOT_FOUND") }, 1},
		{"502 is retried", func(w http.ResponseWriter) { plaidError(w, 502, "API_ERROR", "INTERNAL_SERVER_ERROR") }, 4},
		{"HTML 502 is retried", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(502)
			_, _ = io.WriteString(w, "<html><body>bad gateway</body></html>")
		}, 4},
		{"HTML 504 is retried", func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(504)
			_, _ = io.WriteString(w, "<html><body>gateway timeout</body></html>")
		}, 4},
		{"ADDITION_LIMIT is not", func(w http.ResponseWriter) { plaidError(w, 429, "RATE_LIMIT_EXCEEDED", "ADDITION_LIMIT") }, 1},
		{"a 404 route answer is not", func(w http.ResponseWriter) { plaidError(w, 404, "INVALID_REQUEST", "NOT_FOUND") }, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				calls.Add(1)
				tc.answer(w)
			}))
			defer srv.Close()
			_, err := newTestClient(t, srv.URL, 3).GetItem(context.Background(), "access-sandbox-x")
			if err == nil {
				t.Fatal("expected an error")
			}
			if calls.Load() != tc.wantCalls {
				t.Errorf("server saw %d calls, want %d", calls.Load(), tc.wantCalls)
			}
		})
	}
}

func TestClient_retrySucceedsAfterTransientFailures(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) <= 2 {
			plaidError(w, 500, "API_ERROR", "INTERNAL_SERVER_ERROR")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"request_id":"ok"}`)
	}))
	defer srv.Close()
	resp, err := newTestClient(t, srv.URL, 5).RemoveItem(context.Background(), "access-sandbox-x", RemoveReason{})
	if err != nil || resp.RequestID != "ok" || calls.Load() != 3 {
		t.Errorf("resp=%v err=%v calls=%d", resp, err, calls.Load())
	}
}

func TestClient_transportErrorsAreRetried(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var accepted atomic.Int32
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conn.Close() // hang up without answering
		}
	}()
	defer ln.Close()
	_, err = newTestClient(t, "http://"+ln.Addr().String(), 2).GetItem(context.Background(), "access-sandbox-x")
	var te *TransportError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), "gave up after 3 attempts") {
		t.Errorf("err = %v, want a TransportError after 3 attempts", err)
	}
	if accepted.Load() != 3 {
		t.Errorf("accepted %d connections, want 3", accepted.Load())
	}
}

func TestClient_cancelStopsWaitingAtOnce(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plaidError(w, 503, "API_ERROR", "PLANNED_MAINTENANCE")
	}))
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, ClientID: "c", Secret: "test-secret", Retry: RetryPolicy{MaxRetries: 10, MinBackoff: time.Hour, MaxBackoff: time.Hour}, RequestsPerMinute: 100000})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { _, err := c.GetItem(ctx, "access-sandbox-x"); done <- err }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the retry wait did not end when the context was cancelled")
	}
}

func TestClient_lostAnswerTimesOutAndRetries(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body) // lets the server notice the client hanging up
		if calls.Add(1) == 1 {
			select { // never answer the first attempt
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"request_id":"second"}`)
	}))
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, ClientID: "c", Secret: "test-secret", RequestTimeout: 100 * time.Millisecond,
		Retry: RetryPolicy{MaxRetries: 2, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}, RequestsPerMinute: 100000})
	resp, err := c.RemoveItem(context.Background(), "access-sandbox-x", RemoveReason{})
	if err != nil || resp.RequestID != "second" {
		t.Errorf("resp=%v err=%v", resp, err)
	}
}

func TestBackoffIsCappedAndJittered(t *testing.T) {
	p := RetryPolicy{MaxRetries: 5, MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	seen := map[time.Duration]bool{}
	for attempt := range 40 {
		d := p.backoff(attempt)
		ceiling := min(time.Second, 100*time.Millisecond<<min(attempt, 20))
		if d < 0 || d > ceiling {
			t.Fatalf("backoff(%d) = %v, outside [0, %v]", attempt, d, ceiling)
		}
		seen[d] = true
	}
	if len(seen) < 30 {
		t.Errorf("backoff looks deterministic: %d distinct waits in 40", len(seen))
	}
}
