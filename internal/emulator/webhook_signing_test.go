package emulator_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// signedReceiver is a loopback server that hands each webhook, with its
// Plaid-Verification header, to the returned channel.
func signedReceiver(t *testing.T) (*httptest.Server, <-chan [2]string) {
	got := make(chan [2]string, 8)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- [2]string{r.Header.Get("Plaid-Verification"), string(body)}
	}))
	t.Cleanup(hook.Close)
	return hook, got
}

// verificationKey fetches a key through /webhook_verification_key/get, as
// a receiver does.
func (h *harness) verificationKey(kid string) (int, map[string]any) {
	h.t.Helper()
	status, body := h.post("/webhook_verification_key/get", `{"key_id":"`+kid+`"}`)
	key, _ := body["key"].(map[string]any)
	if status == http.StatusOK {
		return status, key
	}
	return status, body
}

// Every webhook carries a JWS that go-jose, knowing nothing of the
// emulator's code, verifies with the key /webhook_verification_key/get
// returns: ES256 with the raw r||s signature, the kid in its header, iat
// and the SHA-256 of the exact body in its claims.
func TestWebhooks_signedAsPlaidSigns(t *testing.T) {
	hook, got := signedReceiver(t)
	h := newHarness(t, emulator.Options{})
	it := h.e.Seed(emulator.SeedOptions{Webhook: hook.URL})
	if status, _ := h.post("/sandbox/item/fire_webhook", `{"access_token":"`+it.AccessToken+`","webhook_code":"LOGIN_REPAIRED"}`); status != 200 {
		t.Fatalf("fire: %d", status)
	}
	var token, body string
	select {
	case w := <-got:
		token, body = w[0], w[1]
	case <-time.After(5 * time.Second):
		t.Fatal("no webhook arrived")
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("Plaid-Verification %q is not a compact JWS", token)
	}
	if sig, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil || len(sig) != 64 {
		t.Errorf("signature: %d bytes (%v), want the 64 of raw r||s", len(sig), err)
	}
	jws, err := jose.ParseSignedCompact(token, []jose.SignatureAlgorithm{jose.ES256})
	if err != nil {
		t.Fatalf("go-jose cannot parse it as ES256: %v", err)
	}
	kid := jws.Signatures[0].Header.KeyID
	status, key := h.verificationKey(kid)
	if status != 200 {
		t.Fatalf("key %q: %d %v", kid, status, key)
	}
	raw, _ := json.Marshal(key)
	var jwk jose.JSONWebKey
	if err := jwk.UnmarshalJSON(raw); err != nil {
		t.Fatalf("the key is not a JWK: %v", err)
	}
	payload, err := jws.Verify(jwk.Key)
	if err != nil {
		t.Fatalf("the signature does not verify with the published key: %v", err)
	}
	var claims struct {
		IssuedAt          int64  `json:"iat"`
		RequestBodySHA256 string `json:"request_body_sha256"`
	}
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(body))
	if claims.RequestBodySHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("request_body_sha256 %q is not the hex SHA-256 of the body sent", claims.RequestBodySHA256)
	}
	if age := time.Since(time.Unix(claims.IssuedAt, 0)); age < -time.Second || age > time.Minute {
		t.Errorf("iat is %s from now", age)
	}
	if d := h.e.Webhooks(); len(d) != 1 || d[0].KeyID != kid {
		t.Errorf("deliveries %+v, want one signed by %s", d, kid)
	}
}

// /webhook_verification_key/get answers a JWK on P-256 with created_at and
// expired_at, as Plaid does; after a rotation through the control API the
// old key is still there, expired, and the new one signs.
func TestWebhookVerificationKey_getAndRotate(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	first := h.e.WebhookKeys()
	if len(first) != 1 {
		t.Fatalf("an emulator starts with %d keys, want 1", len(first))
	}
	status, key := h.verificationKey(first[0].Kid)
	if status != 200 || key["alg"] != "ES256" || key["crv"] != "P-256" || key["kty"] != "EC" || key["use"] != "sig" || key["kid"] != first[0].Kid {
		t.Errorf("key: %d %v", status, key)
	}
	for _, c := range []string{"x", "y"} {
		s, _ := key[c].(string)
		if b, err := base64.RawURLEncoding.DecodeString(s); err != nil || len(b) != 32 {
			t.Errorf("%s = %q: want 32 bytes, base64url without padding", c, s)
		}
	}
	if v, ok := key["expired_at"]; !ok || v != nil {
		t.Errorf("a signing key's expired_at: %v (present %v), want null", v, ok)
	}
	if _, ok := key["created_at"].(float64); !ok {
		t.Errorf("created_at %v is not a number", key["created_at"])
	}

	status, body := h.post("/webhook_verification_key/get", `{"key_id":"00000000-0000-4000-8000-000000000000"}`)
	if status != 400 || body["error_type"] != "INVALID_INPUT" || body["error_code"] != "INVALID_WEBHOOK_VERIFICATION_KEY_ID" || body["request_id"] == "" || body["request_id"] == nil {
		t.Errorf("unknown key_id: %d %v", status, body)
	}
	if status, body := h.post("/webhook_verification_key/get", `{}`); status != 400 || body["error_code"] != "MISSING_FIELDS" {
		t.Errorf("no key_id: %d %v", status, body)
	}

	status, rotated := h.control("POST", "/emulator/webhook_keys/rotate", "")
	newKey, _ := rotated["key"].(map[string]any)
	if status != 200 || newKey["kid"] == first[0].Kid || newKey["expired_at"] != nil {
		t.Fatalf("rotate: %d %v", status, rotated)
	}
	if status, old := h.verificationKey(first[0].Kid); status != 200 || old["expired_at"] == nil {
		t.Errorf("the rotated-out key: %d %v, want it retrievable with expired_at set", status, old)
	}
	if _, list := h.control("GET", "/emulator/webhook_keys", ""); !isListOf(list["keys"], 2) {
		t.Errorf("keys after a rotation: %v", list)
	}
}
