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

// Listen starts e on addr ("127.0.0.1:0" picks a free port).
func Listen(e *Emulator, addr string, allowNonLoopback bool) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("listen address %q: %w", addr, err)
	}
	if !allowNonLoopback && !isLoopbackHost(host) {
		return nil, ErrNotLoopback
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Emulator: e, URL: "http://" + ln.Addr().String(), listener: ln,
		http: &http.Server{Handler: e.Handler(), ReadHeaderTimeout: 10 * time.Second}}
	go func() { _ = s.http.Serve(ln) }()
	return s, nil
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
