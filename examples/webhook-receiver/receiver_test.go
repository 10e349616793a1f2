package main

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// signedWebhook is one webhook as the receiver got it.
type signedWebhook struct {
	token string
	body  []byte
}

// receiverAgainstEmulator runs this receiver, unchanged, against an
// emulator: its verifier fetches keys from the emulator as it would from
// Plaid. Every webhook that reaches it, verified or not, goes to the
// returned channel; accepted ones also to the second.
func receiverAgainstEmulator(t *testing.T) (*emulator.Server, *Verifier, string, <-chan signedWebhook, <-chan []byte) {
	t.Helper()
	srv, err := emulator.Listen(emulator.New(emulator.Options{}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	v := &Verifier{BaseURL: srv.URL, ClientID: srv.ClientID(), Secret: srv.Secret()}
	arrived, accepted := make(chan signedWebhook, 16), make(chan []byte, 16)
	verified := v.Handler(func(body []byte) { accepted <- body })
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		arrived <- signedWebhook{token: r.Header.Get("Plaid-Verification"), body: body}
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		verified.ServeHTTP(w, r)
	}))
	t.Cleanup(hook.Close)
	return srv, v, hook.URL, arrived, accepted
}

func fire(t *testing.T, srv *emulator.Server, token, code string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/sandbox/item/fire_webhook", strings.NewReader(`{"access_token":"`+token+`","webhook_code":"`+code+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PLAID-CLIENT-ID", srv.ClientID())
	req.Header.Set("PLAID-SECRET", srv.Secret())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("fire_webhook %s: HTTP %d", code, resp.StatusCode)
	}
}

func next[T any](t *testing.T, ch <-chan T) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook arrived")
	}
	var zero T
	return zero
}

// The receiver written to Plaid's verification docs accepts the emulator's
// webhooks, and rejects one whose body, signature, age or key is wrong.
func TestReceiver_acceptsEmulatorWebhooksAndRejectsTampered(t *testing.T) {
	srv, v, hookURL, arrived, accepted := receiverAgainstEmulator(t)
	item := srv.Seed(emulator.SeedOptions{Webhook: hookURL})
	fire(t, srv, item.AccessToken, "NEW_ACCOUNTS_AVAILABLE")
	got := next(t, arrived)
	if body := next(t, accepted); !strings.Contains(string(body), `"NEW_ACCOUNTS_AVAILABLE"`) {
		t.Errorf("accepted body %s", body)
	}
	srv.WaitForWebhooks()
	if d := srv.Webhooks(); len(d) != 1 || d[0].Status != http.StatusOK {
		t.Errorf("the emulator's record of the delivery: %+v, want one answered 200", d)
	}

	ctx := context.Background()
	tamperedBody := []byte(strings.Replace(string(got.body), "NEW_ACCOUNTS_AVAILABLE", "LOGIN_REPAIRED", 1))
	sig := got.token[strings.LastIndex(got.token, ".")+1:]
	flipped := "A"
	if sig[0] == 'A' {
		flipped = "B"
	}
	tamperedSignature := got.token[:strings.LastIndex(got.token, ".")+1] + flipped + sig[1:]
	header := got.token[:strings.Index(got.token, ".")]
	unsigned := header + "." + got.token[strings.Index(got.token, ".")+1:strings.LastIndex(got.token, ".")] + "."
	for name, tc := range map[string]struct {
		token string
		body  []byte
		at    time.Time
	}{
		"another body":        {got.token, tamperedBody, time.Now()},
		"another signature":   {tamperedSignature, got.body, time.Now()},
		"no signature":        {unsigned, got.body, time.Now()},
		"no header":           {"", got.body, time.Now()},
		"an unknown key":      {base64URL(`{"alg":"ES256","kid":"00000000-0000-4000-8000-000000000000","typ":"JWT"}`) + got.token[strings.Index(got.token, "."):], got.body, time.Now()},
		"an HMAC token":       {base64URL(`{"alg":"HS256","kid":"x","typ":"JWT"}`) + got.token[strings.Index(got.token, "."):], got.body, time.Now()},
		"six minutes later":   {got.token, got.body, time.Now().Add(6 * time.Minute)},
		"just past 5 minutes": {got.token, got.body, time.Now().Add(maxWebhookAge + 2*time.Second)},
	} {
		late := &Verifier{BaseURL: v.BaseURL, ClientID: v.ClientID, Secret: v.Secret, Now: func() time.Time { return tc.at }}
		if err := late.Verify(ctx, tc.token, tc.body); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	fourMinutesLater := &Verifier{BaseURL: v.BaseURL, ClientID: v.ClientID, Secret: v.Secret, Now: func() time.Time { return time.Now().Add(4 * time.Minute) }}
	if err := fourMinutesLater.Verify(ctx, got.token, got.body); err != nil {
		t.Errorf("the untouched webhook, four minutes later: %v", err)
	}

	// After a rotation a new key signs; the old one has expired, so a
	// webhook it signed is refused, even by a receiver that cached it.
	srv.RotateWebhookKey()
	fire(t, srv, item.AccessToken, "LOGIN_REPAIRED")
	after := next(t, arrived)
	next(t, accepted)
	if after.token[:strings.Index(after.token, ".")] == header {
		t.Error("the webhook after a rotation names the same key")
	}
	if err := v.Verify(ctx, got.token, got.body); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Errorf("a webhook signed by the rotated-out key: %v, want refused as expired", err)
	}
}

func base64URL(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }
