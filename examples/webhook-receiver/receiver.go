// Command webhook-receiver accepts Plaid webhooks only once verified as
// Plaid's documentation tells receivers to
// (https://plaid.com/docs/api/webhooks/webhook-verification/), so the same
// code serves against Plaid and against the provider's emulator:
//
//	PLAID_BASE_URL=http://127.0.0.1:8080 PLAID_CLIENT_ID=emulator-client-id \
//	  PLAID_SECRET=emulator-secret go run ./examples/webhook-receiver
//
// Leave PLAID_BASE_URL unset for Plaid's sandbox.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
)

// maxWebhookAge is how old a webhook's iat may be: Plaid's docs say to
// reject anything older than 5 minutes, as a replay.
const maxWebhookAge = 5 * time.Minute

// Verifier checks the Plaid-Verification header of webhooks, fetching
// Plaid's public keys by their key id and caching them.
type Verifier struct {
	BaseURL  string // https://sandbox.plaid.com, https://production.plaid.com, or the emulator's
	ClientID string
	Secret   string
	HTTP     *http.Client
	Now      func() time.Time

	mu   sync.Mutex
	keys map[string]verificationKey // by kid
}

type verificationKey struct {
	jwk       jose.JSONWebKey
	expiredAt *int64
}

// Verify reports whether body, with the Plaid-Verification header value
// token, is a webhook Plaid sent.
func (v *Verifier) Verify(ctx context.Context, token string, body []byte) error {
	// 1. Read the header without verifying: the algorithm must be ES256,
	// and the kid names the key.
	parsed, err := jwt.ParseSigned(token, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		return fmt.Errorf("not an ES256 JWT: %w", err)
	}
	if len(parsed.Headers) != 1 || parsed.Headers[0].KeyID == "" {
		return errors.New("the JWT names no key id")
	}
	// 2. Get the key; an expired key no longer signs.
	key, err := v.key(ctx, parsed.Headers[0].KeyID)
	if err != nil {
		return err
	}
	if key.expiredAt != nil {
		return errors.New("the key that signed it has expired")
	}
	// 3. Check the signature, then that the webhook is recent.
	var claims struct {
		IssuedAt          int64  `json:"iat"`
		RequestBodySHA256 string `json:"request_body_sha256"`
	}
	if err := parsed.Claims(key.jwk.Key, &claims); err != nil {
		return fmt.Errorf("the signature does not verify: %w", err)
	}
	if age := v.now().Sub(time.Unix(claims.IssuedAt, 0)); age > maxWebhookAge {
		return fmt.Errorf("signed %s ago, more than %s", age.Round(time.Second), maxWebhookAge)
	}
	// 4. The body must be the one signed: compare its SHA-256 in
	// constant time.
	sum := sha256.Sum256(body)
	if subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(claims.RequestBodySHA256)) != 1 {
		return errors.New("the body is not the one signed")
	}
	return nil
}

// key returns the key kid from the cache or from Plaid. When a new kid
// appears, the cached keys that had not expired are fetched again, as
// Plaid's docs do, to learn which have expired since.
func (v *Verifier) key(ctx context.Context, kid string) (verificationKey, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if key, ok := v.keys[kid]; ok {
		return key, nil
	}
	if v.keys == nil {
		v.keys = map[string]verificationKey{}
	}
	refresh := []string{kid}
	for id, key := range v.keys {
		if key.expiredAt == nil {
			refresh = append(refresh, id)
		}
	}
	for _, id := range refresh {
		key, err := v.fetchKey(ctx, id)
		if err != nil {
			return verificationKey{}, err
		}
		v.keys[id] = key
	}
	return v.keys[kid], nil
}

// fetchKey calls /webhook_verification_key/get.
func (v *Verifier) fetchKey(ctx context.Context, kid string) (verificationKey, error) {
	reqBody, _ := json.Marshal(map[string]string{"key_id": kid})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, v.BaseURL+"/webhook_verification_key/get", bytes.NewReader(reqBody))
	if err != nil {
		return verificationKey{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("PLAID-CLIENT-ID", v.ClientID)
	req.Header.Set("PLAID-SECRET", v.Secret)
	req.Header.Set("Plaid-Version", "2020-09-14")
	client := v.HTTP
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return verificationKey{}, fmt.Errorf("fetching key %s: %w", kid, err)
	}
	defer resp.Body.Close()
	var out struct {
		Key       json.RawMessage `json:"key"`
		ErrorCode string          `json:"error_code"`
		RequestID string          `json:"request_id"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&out); err != nil {
		return verificationKey{}, fmt.Errorf("fetching key %s: HTTP %d, not JSON: %w", kid, resp.StatusCode, err)
	}
	if resp.StatusCode != http.StatusOK {
		return verificationKey{}, fmt.Errorf("fetching key %s: HTTP %d %s (request_id %s)", kid, resp.StatusCode, out.ErrorCode, out.RequestID)
	}
	var key verificationKey
	if err := key.jwk.UnmarshalJSON(out.Key); err != nil {
		return verificationKey{}, fmt.Errorf("key %s is not a JWK: %w", kid, err)
	}
	var expiry struct {
		ExpiredAt *int64 `json:"expired_at"`
	}
	if err := json.Unmarshal(out.Key, &expiry); err != nil {
		return verificationKey{}, err
	}
	key.expiredAt = expiry.ExpiredAt
	return key, nil
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// Handler answers 200 to each verified webhook, after handing its body to
// handle, and 401 to any other request.
func (v *Verifier) Handler(handle func(body []byte)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		if err := v.Verify(r.Context(), r.Header.Get("Plaid-Verification"), body); err != nil {
			log.Printf("rejected a webhook: %v", err)
			http.Error(w, "unverified webhook", http.StatusUnauthorized)
			return
		}
		handle(body)
	})
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8000", "address to listen on")
	flag.Parse()
	baseURL := os.Getenv("PLAID_BASE_URL")
	if baseURL == "" {
		baseURL = "https://sandbox.plaid.com"
	}
	v := &Verifier{BaseURL: baseURL, ClientID: os.Getenv("PLAID_CLIENT_ID"), Secret: os.Getenv("PLAID_SECRET")}
	handler := v.Handler(func(body []byte) { log.Printf("verified webhook: %s", body) })
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("receiving webhooks on http://%s", *addr)
	log.Fatal(srv.ListenAndServe())
}
