package emulator

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"
)

// Server is an emulator listening on a TCP address.
type Server struct {
	*Emulator
	URL      string
	listener net.Listener
	http     *http.Server
}

// ErrNotLoopback is returned for an address off this machine when that was
// not explicitly allowed: the emulator holds test secrets and has an
// unauthenticated control API.
var ErrNotLoopback = errors.New("the emulator listens on loopback addresses only (127.0.0.1, ::1, localhost); pass -allow-non-loopback to listen elsewhere")

// Server timeouts. A client must send its headers within
// DefaultReadHeaderTimeout and its whole request within DefaultReadTimeout;
// an idle kept-alive connection is closed after DefaultIdleTimeout. No
// write timeout: a latency fault may hold an answer back on purpose.
const (
	DefaultReadHeaderTimeout = 10 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultIdleTimeout       = 2 * time.Minute
	maxHeaderBytes           = 64 << 10
)

// ListenOptions configure ListenWith. Zero durations take the defaults
// above.
type ListenOptions struct {
	// AllowNonLoopback allows an address off this machine.
	AllowNonLoopback  bool
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	IdleTimeout       time.Duration
}

// Listen starts e on addr ("127.0.0.1:0" picks a free port).
func Listen(e *Emulator, addr string, allowNonLoopback bool) (*Server, error) {
	return ListenWith(e, addr, ListenOptions{AllowNonLoopback: allowNonLoopback})
}

// ListenWith starts e on addr with the given options.
func ListenWith(e *Emulator, addr string, o ListenOptions) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if !o.AllowNonLoopback && !isLoopbackHost(host) {
		return nil, ErrNotLoopback
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	e.webhooks.noteOwnAddress(ln.Addr().String())
	s := &Server{Emulator: e, URL: "http://" + ln.Addr().String(), listener: ln, http: &http.Server{
		Handler:           e.Handler(),
		ReadHeaderTimeout: orDefault(o.ReadHeaderTimeout, DefaultReadHeaderTimeout),
		ReadTimeout:       orDefault(o.ReadTimeout, DefaultReadTimeout),
		IdleTimeout:       orDefault(o.IdleTimeout, DefaultIdleTimeout),
		MaxHeaderBytes:    maxHeaderBytes,
	}}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
}

func orDefault(d, fallback time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return fallback
}

// Close stops the server and the emulator's webhook deliveries.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := s.http.Shutdown(ctx)
	s.Emulator.Close()
	return err
}

func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
