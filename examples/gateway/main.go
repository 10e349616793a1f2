// Command gateway is a minimal gateway for the Plaid provider's gateway
// mode: it holds Plaid's client_id and secret, so that Terraform never
// does. It refuses any request that carries a Plaid credential (in a
// header or the JSON body) and any request without its own key, then
// injects the credentials and forwards the request to Plaid, passing
// Plaid's answer back unchanged. The provider's end-to-end tests build and
// run this file, in front of the Plaid emulator.
//
//	PLAID_CLIENT_ID=… PLAID_SECRET=… GATEWAY_KEY=… \
//	GATEWAY_UPSTREAM=https://sandbox.plaid.com GATEWAY_LISTEN=127.0.0.1:8080 go run .
//
// Set GATEWAY_TLS_CERT and GATEWAY_TLS_KEY (PEM files) to serve https, as
// the provider requires of a gateway that is not on loopback.
package main

import (
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
)

// KeyHeader carries the gateway's own key, set in the provider's
// gateway_headers.
const KeyHeader = "X-Gateway-Key"

func main() {
	upstream, err := url.Parse(os.Getenv("GATEWAY_UPSTREAM"))
	if err != nil || upstream.Host == "" {
		log.Fatal("GATEWAY_UPSTREAM must be Plaid's URL, such as https://sandbox.plaid.com")
	}
	key, clientID, secret := os.Getenv("GATEWAY_KEY"), os.Getenv("PLAID_CLIENT_ID"), os.Getenv("PLAID_SECRET")
	if len(key) < 16 || clientID == "" || secret == "" {
		log.Fatal("set GATEWAY_KEY (16 characters or more), PLAID_CLIENT_ID and PLAID_SECRET")
	}
	ln, err := net.Listen("tcp", os.Getenv("GATEWAY_LISTEN"))
	if err != nil {
		log.Fatal(err)
	}
	handler := Gateway(upstream, clientID, secret, key)
	if cert, certKey := os.Getenv("GATEWAY_TLS_CERT"), os.Getenv("GATEWAY_TLS_KEY"); cert != "" {
		fmt.Printf("gateway listening on https://%s\n", ln.Addr())
		log.Fatal(http.ServeTLS(ln, handler, cert, certKey))
	}
	fmt.Printf("gateway listening on http://%s\n", ln.Addr())
	log.Fatal(http.Serve(ln, handler))
}

// Gateway refuses what must not reach it, injects Plaid's credentials and
// forwards to upstream. It never redirects, and passes Plaid's answers
// through unchanged (httputil.ReverseProxy copies status, headers and body).
func Gateway(upstream *url.URL, clientID, secret, key string) http.Handler {
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(upstream)
		r.Out.Header.Del(KeyHeader) // Plaid needn't see the gateway's key
		r.Out.Header.Set("PLAID-CLIENT-ID", clientID)
		r.Out.Header.Set("PLAID-SECRET", secret)
	}}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			http.Error(w, "could not read the request", http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		switch {
		case carriesCredential(r.Header, body):
			// The caller holds a credential it should not have: refuse,
			// so that the leak is seen, not quietly fixed.
			http.Error(w, "a Plaid credential reached the gateway", http.StatusForbidden)
		case subtle.ConstantTimeCompare([]byte(r.Header.Get(KeyHeader)), []byte(key)) != 1:
			http.Error(w, "missing or wrong "+KeyHeader, http.StatusUnauthorized)
		default:
			proxy.ServeHTTP(w, r)
		}
	})
}

// carriesCredential reports whether a request holds a Plaid client_id or
// secret, in a header or as a field of its JSON body.
func carriesCredential(h http.Header, body []byte) bool {
	if len(h.Values("PLAID-CLIENT-ID")) > 0 || len(h.Values("PLAID-SECRET")) > 0 {
		return true
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(body, &fields)
	_, hasID := fields["client_id"]
	_, hasSecret := fields["secret"]
	return hasID || hasSecret
}
