package plaid

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Gateway mode: the client sends no client ID or secret. A gateway (an
// egress proxy or secrets proxy at BaseURL) injects them server-side, so the
// Plaid secret never reaches this process. The client sends the gateway's
// own headers instead, and everything else (no redirects, retries, the rate
// limiter, removal only on proof) is unchanged.

// The headers that carry Plaid's credentials and API version.
const (
	HeaderClientID = "PLAID-CLIENT-ID"
	HeaderSecret   = "PLAID-SECRET"
	HeaderVersion  = "Plaid-Version"
)

// MinGatewayHeaderValueLength is how many letters and digits a gateway
// header value must have at the least. Each value is registered as a
// secret, and the registry cannot keep shorter ones out of the output
// (SecretCannotBeKept). TestGatewayHeaderValue_shortestIsRedacted keeps this in
// step with the registry.
const MinGatewayHeaderValueLength = MinSecretLength

// gatewayRateLimitIdentity stands in for the client ID in the rate
// limiter's key in gateway mode: stable, not a secret, and unlike any Plaid
// client ID. Every provider configuration sending to the same gateway
// shares one budget per endpoint; that can only pace them more slowly than
// Plaid's per-client limits need, never faster.
const gatewayRateLimitIdentity = "(credentials injected by the gateway)"

// reservedHeaders are the header names a gateway header may not use (lower
// case), with the reason.
var reservedHeaders = func() map[string]string {
	m := map[string]string{}
	for _, h := range []string{HeaderClientID, HeaderSecret} {
		m[strings.ToLower(h)] = "carries a Plaid credential: in gateway mode the gateway injects it, and a credential sent by Terraform would defeat the gateway"
	}
	m[strings.ToLower(HeaderVersion)] = "is set by the provider, which pins Plaid's API version " + APIVersion
	for _, h := range []string{"Host", "Content-Length", "Content-Type", "Accept", "Accept-Encoding", "User-Agent", "Expect"} {
		m[strings.ToLower(h)] = "is set by the provider's HTTP client on every request"
	}
	for _, h := range []string{"Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade"} {
		m[strings.ToLower(h)] = "is a hop-by-hop header, which concerns one connection and is not passed on to the gateway's application"
	}
	return m
}()

// CheckGatewayHeader reports why name and value can't be a gateway header,
// or nil. It refuses all that Go or the gateway could refuse at request
// time, so that a request never fails for a header. The error may quote the
// name but never the value, which is a secret.
func CheckGatewayHeader(name, value string) error {
	if name == "" || strings.IndexFunc(name, func(r rune) bool { return !isHeaderNameChar(r) }) >= 0 {
		return fmt.Errorf("%q is not a valid HTTP header name: use letters, digits and !#$%%&'*+-.^_`|~ only", Redact(name))
	}
	if why, ok := reservedHeaders[strings.ToLower(name)]; ok {
		return fmt.Errorf("the header %s cannot be a gateway header: it %s", http.CanonicalHeaderKey(name), why)
	}
	switch {
	case value == "":
		return fmt.Errorf("the header %s has an empty value", http.CanonicalHeaderKey(name))
	case strings.IndexFunc(value, func(r rune) bool { return r < ' ' || r > '~' }) >= 0:
		return fmt.Errorf("the value of the header %s has a character that is not printable ASCII (a trailing newline from file() is the usual cause; trimspace() removes it)", http.CanonicalHeaderKey(name))
	case value[0] == ' ' || value[len(value)-1] == ' ':
		return fmt.Errorf("the value of the header %s starts or ends with a space, which HTTP strips", http.CanonicalHeaderKey(name))
	case SecretCannotBeKept(value):
		return fmt.Errorf("the value of the header %s has fewer than %d letters and digits, or more than the registry keeps: gateway header values are secrets, kept out of logs by the provider's redactor, which cannot tell so short a value from ordinary text", http.CanonicalHeaderKey(name), MinGatewayHeaderValueLength)
	}
	return nil
}

// isHeaderNameChar reports whether r may appear in a header name (RFC 9110
// token).
func isHeaderNameChar(r rune) bool {
	return r < 0x7f && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-.^_`|~", r))
}

// DuplicateGatewayHeaders are the names in headers that another name
// spells in another letter case (HTTP names ignore case), sorted.
func DuplicateGatewayHeaders(headers map[string]string) []string {
	seen := map[string]int{}
	for name := range headers {
		seen[strings.ToLower(name)]++
	}
	var dups []string
	for name := range headers {
		if seen[strings.ToLower(name)] > 1 {
			dups = append(dups, name)
		}
	}
	slices.Sort(dups)
	return dups
}

// CheckGatewayBaseURL reports why raw can't be a gateway's address, or nil:
// it must be https, or http to a loopback address (for tests), because the
// gateway headers authenticate every request. Its errors quote no part of
// raw.
func CheckGatewayBaseURL(raw string) error {
	if raw == "" {
		return errors.New("gateway mode needs base_url: the gateway's address")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return errors.New("base_url is not a valid URL")
	}
	if u.Scheme == "https" || (u.Scheme == "http" && isLoopback(u.Hostname())) {
		return nil
	}
	return errors.New("in gateway mode base_url must start with https:// (http:// only to a loopback address such as 127.0.0.1, for tests): the gateway headers authenticate every request and must not cross a network in the clear")
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkGateway checks a gateway configuration and registers its header
// values as secrets, before any request can echo them.
func (cfg *Config) checkGateway() error {
	if !cfg.Gateway {
		if len(cfg.GatewayHeaders) > 0 {
			return errors.New("plaid: gateway headers are sent in gateway mode only")
		}
		return nil
	}
	if cfg.ClientID != "" || cfg.Secret != "" {
		return errors.New("plaid: in gateway mode the client sends no client ID or secret: the gateway injects them")
	}
	if err := CheckGatewayBaseURL(cfg.BaseURL); err != nil {
		return fmt.Errorf("plaid: %w", err)
	}
	if dups := DuplicateGatewayHeaders(cfg.GatewayHeaders); len(dups) > 0 {
		return fmt.Errorf("plaid: the gateway headers %s are one header in different letter cases", strings.Join(dups, ", "))
	}
	headers := make(map[string]string, len(cfg.GatewayHeaders))
	for name, value := range cfg.GatewayHeaders {
		if err := CheckGatewayHeader(name, value); err != nil {
			return fmt.Errorf("plaid: %w", err)
		}
		RegisterSecret(value)
		headers[name] = value
	}
	// A copy: the caller's map may change after New.
	cfg.GatewayHeaders = headers
	return nil
}

// setCredentials sets the headers that authenticate a request: Plaid's
// client ID and secret, or in gateway mode the gateway's own headers and
// nothing of Plaid's.
func (c *Client) setCredentials(h http.Header) {
	if !c.cfg.Gateway {
		h.Set(HeaderClientID, c.cfg.ClientID)
		h.Set(HeaderSecret, c.cfg.Secret)
		return
	}
	for name, value := range c.cfg.GatewayHeaders {
		h.Set(name, value)
	}
}

// rateLimitIdentity is who the rate limiter counts requests for: the
// client ID, or in gateway mode, where the client has none, a fixed name.
func (c *Client) rateLimitIdentity() string {
	if c.cfg.Gateway {
		return gatewayRateLimitIdentity
	}
	return c.cfg.ClientID
}

// Gateway reports whether the client sends through a gateway that injects
// the credentials.
func (c *Client) Gateway() bool { return c.cfg.Gateway }
