// Package emulator is a stateful, strict stand-in for the parts of Plaid's
// API that the provider uses. Tests run it in-process; users run it as a
// server (internal/cmd/plaid-emulator) in their own CI. It answers with Plaid's status
// codes and error bodies, keeps Items across calls, enforces Plaid's rate
// limits, injects faults on request, and records every call it receives.
package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"maps"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Options configure an Emulator. Zero values take the defaults noted.
type Options struct {
	// ClientID and Secret are the only credentials accepted.
	// Defaults: "emulator-client-id" and "emulator-secret".
	ClientID string
	Secret   string
	// Environment is the one this emulator plays (default sandbox): tokens
	// of the other environment are rejected, and in production the sandbox
	// endpoints answer SANDBOX_ONLY.
	Environment plaid.Environment
	// RemovedAnswersInvalidToken makes a removed Item answer
	// INVALID_ACCESS_TOKEN instead of ITEM_NOT_FOUND, as older Plaid did.
	RemovedAnswersInvalidToken bool
	// RateLimits overrides Plaid's published limits; see DefaultRateLimits.
	RateLimits map[string]RateLimit
	// RateLimitWindow is the window the limits count over (default 1 minute).
	RateLimitWindow time.Duration
	// PublicTokenTTL is how long a public token can be exchanged (default 30m).
	PublicTokenTTL time.Duration
	// MaxCalls caps the call log (default DefaultMaxCalls): past it the
	// oldest calls are dropped, and counted (DroppedCalls), so that a
	// long-running emulator's memory stays bounded.
	MaxCalls int
	// ControlHosts are host names the control API answers to besides
	// loopback names and addresses, for an emulator reached by another
	// name (a container's service name, with -allow-non-loopback). Any
	// other Host is refused, as a DNS-rebinding page would send.
	ControlHosts []string
	// AnyHost lets Plaid's endpoints answer whatever Host a request names
	// (plaid-emulator -allow-non-loopback). Without it they answer only
	// the names the control API answers: with the emulator's public
	// default credentials, a web page that rebinds its DNS name to
	// 127.0.0.1 could otherwise create Items, read their tokens and have
	// the emulator POST webhooks to other local ports.
	AnyHost bool
}

// Emulator is one Plaid environment's worth of state.
type Emulator struct {
	opts Options

	mu           sync.Mutex
	items        map[string]*item        // by item_id
	institutions map[string]*Institution // by institution_id
	accessTokens map[string]*accessToken // by token
	publicTokens map[string]*publicToken // by token
	calls        callLog
	faults       faultState
	limiter      *rateLimiter
	webhooks     *webhookSender
	observers    []func(Exchange)
	// webhookObservers see each webhook body made (OnWebhook).
	webhookObservers []func(Webhook)
	now              func() time.Time
	issued           *issuedRecord
	// fixtures are what Reset returns to (nil: no Items).
	fixtures *Fixtures
	// retiredTokens were issued before a reset, and stay in IssuedTokens
	// for leak scans.
	retiredTokens []string
}

type item struct {
	id            string
	institutionID string
	webhook       *string
	products      []string
	billed        []string
	available     []string
	consented     []string
	loginRequired bool
	// consentExpires is the Item's consent_expiration_time (RFC 3339), as
	// Plaid gives for some OAuth institutions; nil for most Items.
	consentExpires *string
	removed        bool
	removedBy      string // "api" or "user"
	removedWith    string // the endpoint that removed it, when removedBy is "api"
	// removeCount counts the removal requests (/item/remove or
	// /item/products/terminate) answered for this Item, the ITEM_NOT_FOUND
	// answers after its removal included; of those, removeAnswersLost were
	// swallowed by a lost_response fault.
	removeCount       int
	removeAnswersLost int
	createdAt         time.Time
	currentToken      string
	lastWebhook       *sentWebhook
}

type sentWebhook struct {
	code string
	at   time.Time
}

type accessToken struct {
	itemID  string
	rotated bool
}

type publicToken struct {
	itemID    string
	expiresAt time.Time
	used      bool
}

// New returns an empty emulator.
func New(opts Options) *Emulator {
	if opts.ClientID == "" {
		opts.ClientID = "emulator-client-id"
	}
	if opts.Secret == "" {
		opts.Secret = "emulator-secret"
	}
	if opts.Environment == "" {
		opts.Environment = plaid.Sandbox
	}
	if opts.RateLimitWindow <= 0 {
		opts.RateLimitWindow = time.Minute
	}
	if opts.PublicTokenTTL <= 0 {
		opts.PublicTokenTTL = 30 * time.Minute
	}
	if opts.MaxCalls <= 0 {
		opts.MaxCalls = DefaultMaxCalls
	}
	limits := DefaultRateLimits(opts.Environment)
	for path, l := range opts.RateLimits {
		limits[path] = l
	}
	e := &Emulator{
		opts:         opts,
		items:        map[string]*item{},
		accessTokens: map[string]*accessToken{},
		publicTokens: map[string]*publicToken{},
		institutions: maps.Clone(sandboxInstitutions),
		calls:        callLog{max: opts.MaxCalls},
		now:          time.Now,
		issued:       openIssuedRecord(),
	}
	e.limiter = newRateLimiter(limits, opts.RateLimitWindow)
	e.webhooks = newWebhookSender(string(opts.Environment), newWebhookKeys(func() time.Time { return e.now() }))
	e.issued.add("the emulator's client secret", opts.Secret)
	return e
}

// ClientID returns the accepted client_id.
func (e *Emulator) ClientID() string { return e.opts.ClientID }

// Secret returns the accepted secret.
func (e *Emulator) Secret() string { return e.opts.Secret }

// Handler serves Plaid's API and, under /emulator/, the control API. Every
// request body is capped at maxRequestBytes. The address each request
// arrived on is noted, so that no webhook is ever sent back to it.
func (e *Emulator) Handler() http.Handler {
	mux := http.NewServeMux()
	e.registerControlAPI(mux)
	mux.Handle("/", e.onlyAddressedHere(http.HandlerFunc(e.servePlaid)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
			e.webhooks.noteOwnAddress(local.String())
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxRequestBytes)
		mux.ServeHTTP(w, r)
	})
}

// onlyAddressedHere refuses, unless Options.AnyHost, a request for Plaid's
// endpoints that names a Host the control API would not answer.
func (e *Emulator) onlyAddressedHere(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !e.opts.AnyHost && !e.controlHostAllowed(r.Host) {
			writeJSON(w, http.StatusMisdirectedRequest, map[string]string{"error": "the emulator answers only requests addressed to localhost, 127.0.0.0/8 or [::1] (or a name given with -control-host), unless started with -allow-non-loopback: this request named another host, as a DNS-rebinding web page would"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// Close stops webhook deliveries in flight and closes the record of issued
// tokens.
func (e *Emulator) Close() {
	e.webhooks.close()
	e.issued.close()
}

// SeedOptions describe an Item to create directly, as if a user had linked
// it through Plaid Link.
type SeedOptions struct {
	InstitutionID string
	Products      []string
	Webhook       string
	// ConsentExpirationTime (RFC 3339) is what /item/get answers as
	// consent_expiration_time; empty for none, as for most Items.
	ConsentExpirationTime string
	// Environment of the token (default: the emulator's). Seeding a token of
	// the other environment lets tests see INVALID_ACCESS_TOKEN.
	Environment plaid.Environment
}

// SeededItem is a created Item's id and access token.
type SeededItem struct {
	ItemID      string `json:"item_id"`
	AccessToken string `json:"access_token"`
}

// Seed creates an Item and returns its id and access token.
func (e *Emulator) Seed(o SeedOptions) SeededItem {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.seedLocked(o)
}

func (e *Emulator) seedLocked(o SeedOptions) SeededItem {
	if o.InstitutionID == "" {
		o.InstitutionID = plaid.DefaultSandboxInstitutionID
	}
	if len(o.Products) == 0 {
		o.Products = []string{"transactions"}
	}
	env := o.Environment
	if env == "" {
		env = e.opts.Environment
	}
	it := &item{
		id:            newItemID(),
		institutionID: o.InstitutionID,
		products:      append([]string(nil), o.Products...),
		billed:        append([]string(nil), o.Products...),
		available:     e.availableProductsLocked(o.InstitutionID, o.Products),
		consented:     append([]string(nil), o.Products...),
		createdAt:     e.now().UTC(),
	}
	if o.Webhook != "" {
		w := o.Webhook
		it.webhook = &w
	}
	if o.ConsentExpirationTime != "" {
		c := o.ConsentExpirationTime
		it.consentExpires = &c
	}
	token := newToken("access", env)
	e.issued.add("an access token the emulator issued", token)
	it.currentToken = token
	e.items[it.id] = it
	e.accessTokens[token] = &accessToken{itemID: it.id}
	return SeededItem{ItemID: it.id, AccessToken: token}
}

// ItemState is what the emulator knows about an Item, for tests' checks.
type ItemState struct {
	ItemID    string `json:"item_id"`
	Exists    bool   `json:"exists"`
	Removed   bool   `json:"removed"`
	RemovedBy string `json:"removed_by,omitempty"`
	// RemovedWith is the endpoint that removed it, when RemovedBy is "api".
	RemovedWith string `json:"removed_with,omitempty"`
	// RemoveCount is how many removal requests (/item/remove or
	// /item/products/terminate) carried this Item's current access token
	// and were answered for it: the one that removed it and every later
	// one, answered ITEM_NOT_FOUND. Left out: requests refused before the
	// Item was looked at (bad credentials or fields, a rate limit, an
	// injected fault answering in the emulator's place) and those with a
	// rotated token, which can remove nothing. So a client that removes an
	// Item twice shows 2.
	RemoveCount int `json:"remove_count"`
	// RemoveAnswersLost is how many of those requests a lost_response
	// fault left unanswered. A client cannot know such a request's outcome
	// and must ask again, once per lost answer.
	RemoveAnswersLost int     `json:"remove_answers_lost"`
	LoginRequired     bool    `json:"login_required"`
	Webhook           *string `json:"webhook"`
}

// RemovedOnce reports whether the Item is gone and its client asked to
// remove it exactly once, plus one more request for each answer it never
// got: the measure of a teardown that neither skipped nor repeated a
// removal.
func (s ItemState) RemovedOnce() bool {
	return s.Removed && s.RemoveCount == 1+s.RemoveAnswersLost
}

// Item reports the state of an Item by id.
func (e *Emulator) Item(itemID string) ItemState {
	e.mu.Lock()
	defer e.mu.Unlock()
	it, ok := e.items[itemID]
	if !ok {
		return ItemState{ItemID: itemID}
	}
	return ItemState{ItemID: itemID, Exists: true, Removed: it.removed, RemovedBy: it.removedBy, RemovedWith: it.removedWith, RemoveCount: it.removeCount, RemoveAnswersLost: it.removeAnswersLost, LoginRequired: it.loginRequired, Webhook: it.webhook}
}

// Items reports every Item the emulator holds.
func (e *Emulator) Items() []ItemState {
	e.mu.Lock()
	ids := make([]string, 0, len(e.items))
	for id := range e.items {
		ids = append(ids, id)
	}
	e.mu.Unlock()
	out := make([]ItemState, 0, len(ids))
	for _, id := range ids {
		out = append(out, e.Item(id))
	}
	return out
}

// Revoke removes an Item behind Terraform's back, as when its owner revokes
// permission at my.plaid.com: its webhook gets USER_PERMISSION_REVOKED and
// its calls answer ITEM_NOT_FOUND from then on.
func (e *Emulator) Revoke(itemID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	it, ok := e.items[itemID]
	if !ok || it.removed {
		return fmt.Errorf("no live Item %q", itemID)
	}
	it.removed = true
	it.removedBy = "user"
	e.sendItemWebhookLocked(it, plaid.WebhookCodeUserPermissionRevoked, nil)
	return nil
}

// Rotate gives an Item a new access token; the old one answers
// INVALID_ACCESS_TOKEN while the Item lives on.
func (e *Emulator) Rotate(itemID string) (string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	it, ok := e.items[itemID]
	if !ok || it.removed {
		return "", fmt.Errorf("no live Item %q", itemID)
	}
	return e.rotateLocked(it), nil
}

func (e *Emulator) rotateLocked(it *item) string {
	if old, ok := e.accessTokens[it.currentToken]; ok {
		old.rotated = true
	}
	env, _ := plaid.ParseToken(plaid.AccessToken, it.currentToken)
	token := newToken("access", env)
	e.issued.add("an access token the emulator issued", token)
	it.currentToken = token
	e.accessTokens[token] = &accessToken{itemID: it.id}
	return token
}

// ResetLogin puts ITEM_LOGIN_REQUIRED on an Item.
func (e *Emulator) ResetLogin(itemID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	it, ok := e.items[itemID]
	if !ok || it.removed {
		return fmt.Errorf("no live Item %q", itemID)
	}
	it.loginRequired = true
	return nil
}

// IssuedTokens returns every access and public token the emulator ever
// issued, rotated and used ones included, for leak scans.
func (e *Emulator) IssuedTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.retiredTokens)+len(e.accessTokens)+len(e.publicTokens))
	out = append(out, e.retiredTokens...)
	for t := range e.accessTokens {
		out = append(out, t)
	}
	for t := range e.publicTokens {
		out = append(out, t)
	}
	return out
}

// countRemoveRequestLocked counts an /item/remove request against the Item
// whose current token it carries. A rotated token is left out: it can
// never remove anything, and the user's fix (import the new token, destroy
// again) is then the one removal.
func (e *Emulator) countRemoveRequestLocked(token string) {
	if t, ok := e.accessTokens[token]; ok && !t.rotated {
		e.items[t.itemID].removeCount++
	}
}

func newItemID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 37)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func newToken(kind string, env plaid.Environment) string {
	return fmt.Sprintf("%s-%s-%s", kind, env, newUUID())
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)[:15]
}
