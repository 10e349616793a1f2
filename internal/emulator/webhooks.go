package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"
)

// Delivery is one webhook the emulator sent, or chose not to send.
type Delivery struct {
	Time   time.Time      `json:"time"`
	URL    string         `json:"url"`
	Body   map[string]any `json:"body"`
	Status int            `json:"status,omitempty"`
	Error  string         `json:"error,omitempty"`
}

// webhookSender posts webhooks in the background. It only ever sends to
// loopback addresses: the emulator must not become a way to make requests
// to other hosts.
type webhookSender struct {
	environment string
	client      *http.Client
	ctx         context.Context
	cancel      context.CancelFunc
	wg          sync.WaitGroup

	mu         sync.Mutex
	deliveries []Delivery
}

func newWebhookSender(environment string) *webhookSender {
	ctx, cancel := context.WithCancel(context.Background())
	return &webhookSender{environment: environment, client: &http.Client{Timeout: 5 * time.Second}, ctx: ctx, cancel: cancel}
}

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

func (s *webhookSender) send(u string, body map[string]any) {
	d := Delivery{Time: time.Now().UTC(), URL: u, Body: body}
	if !IsLoopbackURL(u) {
		d.Error = "not sent: the emulator only delivers webhooks to loopback addresses"
		s.add(d)
		return
	}
	payload, _ := json.Marshal(body)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, u, bytes.NewReader(payload))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			var resp *http.Response
			if resp, err = s.client.Do(req); err == nil {
				d.Status = resp.StatusCode
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

func (e *Emulator) sendWebhookLocked(it *item, webhookType, code string, extra map[string]any) {
	if it.webhook == nil {
		return
	}
	body := map[string]any{"webhook_type": webhookType, "webhook_code": code, "item_id": it.id, "environment": e.webhooks.environment, "error": nil}
	for k, v := range extra {
		body[k] = v
	}
	it.lastWebhook = &sentWebhook{code: code, at: e.now().UTC()}
	e.webhooks.send(*it.webhook, body)
}
