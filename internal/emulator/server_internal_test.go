package emulator

import "testing"

// Listen configures every timeout and the header cap, not only the ones a
// test shortens through ListenWith.
func TestListen_configuresTimeouts(t *testing.T) {
	srv, err := Listen(New(Options{}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	h := srv.http
	if h.ReadHeaderTimeout != DefaultReadHeaderTimeout || h.ReadTimeout != DefaultReadTimeout || h.IdleTimeout != DefaultIdleTimeout || h.MaxHeaderBytes != maxHeaderBytes {
		t.Errorf("server timeouts: header %v, read %v, idle %v, header bytes %d", h.ReadHeaderTimeout, h.ReadTimeout, h.IdleTimeout, h.MaxHeaderBytes)
	}
}
