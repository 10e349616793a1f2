package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// registerControlAPI adds the endpoints that tests and users' CI use to set
// up and inspect the emulator, under /emulator/, where Plaid has no path. Documented in docs/guides/emulator.md. Each
// passes guardControl first.
func (e *Emulator) registerControlAPI(mux *http.ServeMux) {
	handle := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, e.guardControl(h)) }
	handle("GET /emulator/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "environment": e.opts.Environment, "client_id": e.opts.ClientID})
	})
	handle("POST /emulator/items", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Count         int      `json:"count"`
			InstitutionID string   `json:"institution_id"`
			Products      []string `json:"products"`
			Webhook       string   `json:"webhook"`
			Environment   string   `json:"environment"`
			// ConsentExpirationTime is RFC 3339, or empty for none.
			ConsentExpirationTime string `json:"consent_expiration_time"`
		}
		if !readJSON(w, r, &req) {
			return
		}
		if req.Count == 0 {
			req.Count = 1
		}
		opts := SeedOptions{InstitutionID: req.InstitutionID, Products: req.Products, Webhook: req.Webhook, ConsentExpirationTime: req.ConsentExpirationTime}
		err := e.validateSeed(req.Count, opts)
		if err == nil && req.Environment != "" {
			env, perr := plaid.ParseEnvironment(req.Environment)
			if perr != nil {
				err = &FieldError{Field: "environment", Problem: perr.Error()}
			}
			opts.Environment = env
		}
		if err != nil {
			writeFieldError(w, err)
			return
		}
		items := make([]SeededItem, 0, req.Count)
		for range req.Count {
			items = append(items, e.Seed(opts))
		}
		writeJSON(w, http.StatusCreated, map[string]any{"items": items})
	})
	handle("GET /emulator/items", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"items": e.Items()})
	})
	handle("GET /emulator/items/{id}", func(w http.ResponseWriter, r *http.Request) {
		st := e.Item(r.PathValue("id"))
		status := http.StatusOK
		if !st.Exists {
			status = http.StatusNotFound
		}
		writeJSON(w, status, st)
	})
	itemAction := func(action func(id string) (any, error)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			out, err := action(r.PathValue("id"))
			if err != nil {
				writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
				return
			}
			writeJSON(w, http.StatusOK, out)
		}
	}
	handle("POST /emulator/items/{id}/revoke", itemAction(func(id string) (any, error) {
		return map[string]bool{"revoked": true}, e.Revoke(id)
	}))
	handle("POST /emulator/items/{id}/rotate", itemAction(func(id string) (any, error) {
		token, err := e.Rotate(id)
		return map[string]string{"access_token": token}, err
	}))
	handle("POST /emulator/items/{id}/reset_login", itemAction(func(id string) (any, error) {
		return map[string]bool{"reset_login": true}, e.ResetLogin(id)
	}))
	handle("GET /emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Faults())
	})
	handle("PUT /emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if !readJSON(w, r, &f) {
			return
		}
		if err := f.Validate(); err != nil {
			writeFieldError(w, err)
			return
		}
		e.SetFaults(f)
		writeJSON(w, http.StatusOK, e.Faults())
	})
	handle("GET /emulator/rate_limits", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.RateLimits())
	})
	handle("PUT /emulator/rate_limits", func(w http.ResponseWriter, r *http.Request) {
		var limits map[string]RateLimit
		if !readJSON(w, r, &limits) {
			return
		}
		if err := ValidateRateLimits(limits); err != nil {
			writeFieldError(w, err)
			return
		}
		e.SetRateLimits(limits)
		writeJSON(w, http.StatusOK, e.RateLimits())
	})
	handle("GET /emulator/calls", func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		calls, dropped := e.calls.list(), e.calls.dropped
		e.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]any{"calls": calls, "dropped": dropped, "max_calls": e.opts.MaxCalls})
	})
	handle("DELETE /emulator/calls", func(w http.ResponseWriter, r *http.Request) {
		e.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	})
	handle("GET /emulator/webhooks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"webhooks": e.Webhooks()})
	})
	handle("GET /emulator/webhook_keys", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"keys": e.WebhookKeys()})
	})
	handle("POST /emulator/webhook_keys/rotate", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"key": e.RotateWebhookKey()})
	})
	handle("POST /emulator/reset", func(w http.ResponseWriter, r *http.Request) {
		e.Reset()
		writeJSON(w, http.StatusOK, map[string]any{"items": e.FixtureItems()})
	})
	handle("POST /emulator/fixtures", func(w http.ResponseWriter, r *http.Request) {
		var f Fixtures
		if !readJSON(w, r, &f) {
			return
		}
		if err := e.LoadFixtures(&f); err != nil {
			writeFieldError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": e.FixtureItems()})
	})
}

// guardControl keeps the control API to the machine's own programs. It is
// unauthenticated, so it refuses what a web page could send it: a request
// addressed to a host name other than loopback's (a DNS-rebinding page
// reaches 127.0.0.1 under its own name), a cross-origin browser request,
// and a body that is not JSON (a cross-site form post).
func (e *Emulator) guardControl(next http.HandlerFunc) http.Handler {
	crossOrigin := http.NewCrossOriginProtection()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !e.controlHostAllowed(r.Host) {
			writeJSON(w, http.StatusMisdirectedRequest, map[string]string{"error": "the control API answers only requests addressed to localhost, 127.0.0.0/8 or [::1] (or a name given with -control-host): this request named another host, as a DNS-rebinding web page would"})
			return
		}
		if err := crossOrigin.Check(r); err != nil {
			writeJSON(w, http.StatusForbidden, map[string]string{"error": "the control API refuses cross-origin browser requests"})
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			ct := r.Header.Get("Content-Type")
			mt, _, err := mime.ParseMediaType(ct)
			// No Content-Type is accepted only with no body: a plain
			// `curl -X POST` for the defaults.
			if (ct == "" && r.ContentLength != 0) || (ct != "" && (err != nil || mt != "application/json")) {
				writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{"error": "the control API takes JSON only: send Content-Type: application/json (or no body at all, for the defaults)"})
				return
			}
		}
		next(w, r)
	})
}

func (e *Emulator) controlHostAllowed(hostport string) bool {
	host := hostport
	if h, port, err := net.SplitHostPort(hostport); err == nil {
		// SplitHostPort does not check the port: "localhost:80@evil.example"
		// would otherwise pass as localhost.
		if !allDigits(port) {
			return false
		}
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.IsLoopback()
	}
	for _, allowed := range e.opts.ControlHosts {
		if host != "" && strings.EqualFold(host, allowed) {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(r.Body) // capped by Handler
	dec.DisallowUnknownFields()
	// An empty body means "all defaults": `curl -X POST .../emulator/items`.
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeJSON(w, http.StatusRequestEntityTooLarge, map[string]string{"error": fmt.Sprintf("the body is larger than the control API's limit of %d bytes", tooLarge.Limit)})
			return false
		}
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON body: " + err.Error()})
		return false
	}
	return true
}

// writeFieldError answers 400 naming the field at fault.
func writeFieldError(w http.ResponseWriter, err error) {
	out := map[string]string{"error": err.Error()}
	var fe *FieldError
	if errors.As(err, &fe) {
		out["field"] = fe.Field
	}
	writeJSON(w, http.StatusBadRequest, out)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
