package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"sync"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// webhookKeys are the keys the emulator signs webhooks with, as Plaid
// does: the newest signs, and every earlier one stays retrievable through
// /webhook_verification_key/get with its expired_at set, so that a
// receiver can tell a webhook signed before a rotation from a forgery.
type webhookKeys struct {
	mu   sync.Mutex
	now  func() time.Time
	keys []*signingKey // oldest first; the last one signs
}

type signingKey struct {
	id        string
	private   *ecdsa.PrivateKey
	createdAt time.Time
	expiredAt *time.Time
}

func newWebhookKeys(now func() time.Time) *webhookKeys {
	k := &webhookKeys{now: now}
	k.rotate()
	return k
}

// rotate makes a new signing key and expires the one before it.
func (k *webhookKeys) rotate() WebhookKey {
	private, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic("generating a P-256 key: " + err.Error()) // only if the system's randomness fails
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	now := k.now().UTC()
	if n := len(k.keys); n > 0 {
		k.keys[n-1].expiredAt = &now
	}
	key := &signingKey{id: newUUID(), private: private, createdAt: now}
	k.keys = append(k.keys, key)
	return key.public()
}

// sign returns the Plaid-Verification JWT for body: ES256 over the
// compact serialisation, the signature the raw r||s of RFC 7518 3.4.
func (k *webhookKeys) sign(body []byte) (token, keyID string) {
	k.mu.Lock()
	key := k.keys[len(k.keys)-1]
	now := k.now()
	k.mu.Unlock()
	sum := sha256.Sum256(body)
	header, _ := json.Marshal(map[string]string{"alg": plaid.WebhookSigningAlgorithm, "kid": key.id, "typ": "JWT"})
	claims, _ := json.Marshal(map[string]any{"iat": now.Unix(), "request_body_sha256": hex.EncodeToString(sum[:])})
	input := b64(header) + "." + b64(claims)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key.private, digest[:])
	if err != nil {
		panic("signing a webhook: " + err.Error())
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return input + "." + b64(sig), key.id
}

// find returns the public half of the key with id.
func (k *webhookKeys) find(id string) (WebhookKey, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, key := range k.keys {
		if key.id == id {
			return key.public(), true
		}
	}
	return WebhookKey{}, false
}

func (k *webhookKeys) list() []WebhookKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := make([]WebhookKey, 0, len(k.keys))
	for _, key := range k.keys {
		out = append(out, key.public())
	}
	return out
}

// WebhookKey is a webhook verification key as /webhook_verification_key/get
// returns it: a JWK of the public key on P-256, with when it was created
// and, once a newer key signs, when it expired (Unix seconds).
type WebhookKey struct {
	Alg       string `json:"alg"`
	Crv       string `json:"crv"`
	Kid       string `json:"kid"`
	Kty       string `json:"kty"`
	Use       string `json:"use"`
	X         string `json:"x"`
	Y         string `json:"y"`
	CreatedAt int64  `json:"created_at"`
	ExpiredAt *int64 `json:"expired_at"`
}

func (key *signingKey) public() WebhookKey {
	pub, err := key.private.PublicKey.ECDH()
	if err != nil {
		panic("a P-256 key has no ECDH form: " + err.Error())
	}
	point := pub.Bytes() // 0x04 || X || Y, each 32 bytes
	out := WebhookKey{Alg: plaid.WebhookSigningAlgorithm, Crv: plaid.WebhookSigningCurve, Kid: key.id, Kty: "EC", Use: "sig", X: b64(point[1:33]), Y: b64(point[33:]), CreatedAt: key.createdAt.Unix()}
	if key.expiredAt != nil {
		at := key.expiredAt.Unix()
		out.ExpiredAt = &at
	}
	return out
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// RotateWebhookKey makes a new key sign the webhooks from now on; the one
// before it expires and stays retrievable. It returns the new key.
func (e *Emulator) RotateWebhookKey() WebhookKey { return e.webhooks.keys.rotate() }

// WebhookKeys returns every webhook verification key, oldest first; the
// last one signs.
func (e *Emulator) WebhookKeys() []WebhookKey { return e.webhooks.keys.list() }
