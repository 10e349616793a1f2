package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/url"
	"sync"
	"syscall"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Delivery is one webhook the emulator sent, or chose not to send.
type Delivery struct {
	Time   time.Time      `json:"time"`
	URL    string         `json:"url"`
	Body   map[string]any `json:"body"`
	Status int            `json:"status,omitempty"`
	Error  string         `json:"error,omitempty"`
	// KeyID is the kid of the key that signed its Plaid-Verification
	// header (see /webhook_verification_key/get).
	KeyID string `json:"key_id,omitempty"`
}

// Webhook is one webhook body the emulator made, for observers such as
// contract tests: its type, code and exact bytes, whether or not its URL
// could be reached.
type Webhook struct {
	Type string
	Code string
	Body []byte
}

// OnWebhook registers f to see every webhook body the emulator makes.
func (e *Emulator) OnWebhook(f func(Webhook)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.webhookObservers = append(e.webhookObservers, f)
}

// webhookSender posts webhooks in the background. It only ever sends to
// loopback addresses, never to the emulator's own, and follows no
// redirect: the emulator must not become a way to make requests to other
// hosts, nor to its own control API.
type webhookSender struct {
	environment string
	keys        *webhookKeys
	client      *http.Client
	ctx         context.Context
	cancel      context.CancelFunc
	wg          sync.WaitGroup

	mu         sync.Mutex
	deliveries []Delivery
	ownPorts   map[string]bool // ports the emulator was reached on
}

func newWebhookSender(environment string, keys *webhookKeys) *webhookSender {
	ctx, cancel := context.WithCancel(context.Background())
	s := &webhookSender{environment: environment, keys: keys, ctx: ctx, cancel: cancel, ownPorts: map[string]bool{}}
	// The dialer checks the address actually dialed, after name
	// resolution: a host name that resolves off loopback, or to the
	// emulator's own port, is refused there too.
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		return s.checkTarget(address)
	}}
	s.client = &http.Client{
		Timeout:       5 * time.Second,
		Transport:     &http.Transport{DialContext: dialer.DialContext, Proxy: nil, DisableKeepAlives: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return s
}

// noteOwnAddress records an address the emulator is reached on (its
// listener's, or one a request arrived at).
func (s *webhookSender) noteOwnAddress(addr string) {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ownPorts[port] = true
}

// checkTarget refuses an address that is not loopback or is the emulator's
// own. Any loopback address on the emulator's port is its own: an emulator
// listening on every address answers on 127.0.0.2 as well.
func (s *webhookSender) checkTarget(hostport string) error {
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errNotLoopbackWebhook
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ownPorts[port] {
		return errOwnAddressWebhook
	}
	return nil
}

var (
	errNotLoopbackWebhook = errors.New("not sent: the emulator only delivers webhooks to loopback addresses")
	errOwnAddressWebhook  = errors.New("not sent: the URL is the emulator's own address")
)

// IsLoopbackURL reports whether u points at this machine.
func IsLoopbackURL(u string) bool {
	parsed, err := url.Parse(u)
	if err != nil {
		return false
	}
	host := parsed.Hostname()
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// send posts payload (body, marshalled) to u, signed as Plaid signs its
// webhooks.
func (s *webhookSender) send(u string, body map[string]any, payload []byte) {
	d := Delivery{Time: time.Now().UTC(), URL: u, Body: body}
	parsed, err := url.Parse(u)
	if err == nil && !IsLoopbackURL(u) {
		err = errNotLoopbackWebhook
	}
	if err == nil {
		port := parsed.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[parsed.Scheme]
		}
		err = s.checkTarget(net.JoinHostPort(parsed.Hostname(), port))
	}
	if err != nil {
		d.Error = err.Error()
		s.add(d)
		return
	}
	token, keyID := s.keys.sign(payload)
	d.KeyID = keyID
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, u, bytes.NewReader(payload))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(plaid.WebhookVerificationHeader, token)
			var resp *http.Response
			if resp, err = s.client.Do(req); err == nil {
				d.Status = resp.StatusCode
				if resp.StatusCode >= 300 && resp.StatusCode < 400 {
					d.Error = "redirect not followed: the emulator delivers each webhook to its URL only"
				}
				_ = resp.Body.Close()
			}
		}
		if err != nil {
			d.Error = err.Error()
		}
		s.add(d)
	}()
}

func (s *webhookSender) add(d Delivery) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, d)
}

func (s *webhookSender) close() {
	s.cancel()
	s.wg.Wait()
}

// Webhooks returns the deliveries made so far (those in flight are not yet
// listed).
func (e *Emulator) Webhooks() []Delivery {
	e.webhooks.mu.Lock()
	defer e.webhooks.mu.Unlock()
	return append([]Delivery(nil), e.webhooks.deliveries...)
}

// WaitForWebhooks waits until deliveries in flight are done.
func (e *Emulator) WaitForWebhooks() { e.webhooks.wg.Wait() }

func (e *Emulator) sendItemWebhookLocked(it *item, code string, extra map[string]any) {
	e.sendWebhookLocked(it, "ITEM", code, extra)
}

// sendWebhookLocked sends the Item the webhook's body as Plaid documents
// it (webhookBodyLocked), with extra fields added, and shows it to the
// observers.
func (e *Emulator) sendWebhookLocked(it *item, webhookType, code string, extra map[string]any) {
	if it.webhook == nil {
		return
	}
	body := e.webhookBodyLocked(it, webhookType, code)
	for k, v := range extra {
		body[k] = v
	}
	payload, _ := json.Marshal(body)
	for _, f := range e.webhookObservers {
		f(Webhook{Type: webhookType, Code: code, Body: bytes.Clone(payload)})
	}
	it.lastWebhook = &sentWebhook{code: code, at: e.now().UTC()}
	e.webhooks.send(*it.webhook, body, payload)
}
