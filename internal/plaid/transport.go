package plaid

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
)

// TransportError is a request that got no HTTP answer: the connection was
// refused or lost, the name did not resolve, the TLS handshake failed, or
// the attempt timed out.
type TransportError struct {
	Path    string
	BaseURL string // redacted
	// Cause says in words what went wrong, such as "connection refused".
	Cause string
	// Detail is the transport's own message, redacted.
	Detail string
	// Sent reports whether the request may have reached the server: its
	// headers were written before the failure.
	Sent bool
	// Permanent reports an error that sending again cannot change (TLS
	// against a plain-HTTP server, an untrusted certificate, an invalid
	// header): it is never retried.
	Permanent bool
	// Unreachable reports a connection that was never established
	// (refused, DNS failure): retried once or twice, quickly, then
	// reported.
	Unreachable bool
}

func (e *TransportError) Error() string {
	return Redact(fmt.Sprintf("POST %s to base_url %s got no answer: %s (%s)", e.Path, e.BaseURL, e.Cause, e.Detail))
}

// newTransportError classifies err, the failure of a request to baseURL
// whose headers were (sent) or were not written.
func newTransportError(path, baseURL string, err error, sent bool) *TransportError {
	te := &TransportError{Path: path, BaseURL: ShowServerText(baseURL), Sent: sent, Detail: ShowServerText(transportDetail(err))}
	var (
		recordHeader tls.RecordHeaderError
		verification *tls.CertificateVerificationError
		unknownCA    x509.UnknownAuthorityError
		hostname     x509.HostnameError
		invalidCert  x509.CertificateInvalidError
		alert        tls.AlertError
		dnsErr       *net.DNSError
		opErr        *net.OpError
	)
	text := err.Error()
	switch {
	case errors.Is(err, http.ErrSchemeMismatch) || errors.As(err, &recordHeader):
		te.Permanent, te.Cause = true, "the TLS handshake failed because the server does not speak TLS (an https:// base_url pointing at a plain-HTTP server, such as the emulator?)"
	case errors.As(err, &verification) || errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalidCert):
		te.Permanent, te.Cause = true, "the server's TLS certificate is not trusted for this host"
	case errors.As(err, &alert):
		te.Permanent, te.Cause = true, "the server refused the TLS handshake"
	case strings.Contains(text, "TLS handshake timeout"):
		// Something accepted the connection but never finished the
		// handshake: a plain-HTTP server or a firewall that swallows
		// TLS. Plaid answers a handshake at once, so waiting and
		// trying again only makes the run take minutes to say so.
		te.Permanent, te.Cause = true, "the TLS handshake got no answer (is base_url an https:// URL of a server that does not speak TLS, or behind a firewall that swallows it?)"
	case strings.Contains(text, "net/http: invalid header field"):
		te.Permanent, te.Cause = true, "a request header has an invalid value (whitespace or control characters in client_id or secret?)"
	case strings.Contains(text, "unsupported protocol scheme"):
		te.Permanent, te.Cause = true, "base_url does not start with http:// or https://"
	case errors.As(err, &dnsErr):
		te.Unreachable, te.Cause = true, "the name of base_url's host could not be resolved (DNS)"
	case errors.Is(err, syscall.ECONNREFUSED):
		te.Unreachable, te.Cause = true, "connection refused: nothing listens at base_url"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		te.Unreachable, te.Cause = true, "could not connect to base_url"
	case !sent:
		te.Cause = "the connection failed before the request was sent"
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		te.Cause = "no answer within request_timeout"
	default:
		te.Cause = "the connection was lost before the answer arrived"
	}
	return te
}

// transportDetail is the message of the error inside a *url.Error: the
// wrapper only repeats the method and URL.
func transportDetail(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Err != nil {
		return ue.Err.Error()
	}
	return err.Error()
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
