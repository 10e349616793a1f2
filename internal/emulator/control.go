package emulator

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// ControlPrefix is where the control API lives. Plaid has no path under it.
const ControlPrefix = "/emulator/"

// registerControlAPI adds the endpoints that tests and users' CI use to set
// up and inspect the emulator. Documented in docs/emulator.md.
func (e *Emulator) registerControlAPI(mux *http.ServeMux) {
	mux.HandleFunc("GET /emulator/health", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "environment": e.opts.Environment, "client_id": e.opts.ClientID})
	})
	mux.HandleFunc("POST /emulator/items", func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Count         int      `json:"count"`
			InstitutionID string   `json:"institution_id"`
			Products      []string `json:"products"`
			Webhook       string   `json:"webhook"`
			Environment   string   `json:"environment"`
		}
		if !readJSON(w, r, &req) {
			return
		}
		if req.Count <= 0 {
			req.Count = 1
		}
		if req.Count > 10000 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "count must be at most 10000"})
			return
		}
		opts := SeedOptions{InstitutionID: req.InstitutionID, Products: req.Products, Webhook: req.Webhook}
		if req.Environment != "" {
			env, err := plaid.ParseEnvironment(req.Environment)
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			opts.Environment = env
		}
		items := make([]SeededItem, 0, req.Count)
		for range req.Count {
			items = append(items, e.Seed(opts))
		}
		writeJSON(w, http.StatusCreated, map[string]any{"items": items})
	})
	mux.HandleFunc("GET /emulator/items", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"items": e.Items()})
	})
	mux.HandleFunc("GET /emulator/items/{id}", func(w http.ResponseWriter, r *http.Request) {
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
	mux.HandleFunc("POST /emulator/items/{id}/revoke", itemAction(func(id string) (any, error) {
		return map[string]bool{"revoked": true}, e.Revoke(id)
	}))
	mux.HandleFunc("POST /emulator/items/{id}/rotate", itemAction(func(id string) (any, error) {
		token, err := e.Rotate(id)
		return map[string]string{"access_token": token}, err
	}))
	mux.HandleFunc("POST /emulator/items/{id}/reset_login", itemAction(func(id string) (any, error) {
		return map[string]bool{"reset_login": true}, e.ResetLogin(id)
	}))
	mux.HandleFunc("GET /emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.Faults())
	})
	mux.HandleFunc("PUT /emulator/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if readJSON(w, r, &f) {
			e.SetFaults(f)
			writeJSON(w, http.StatusOK, e.Faults())
		}
	})
	mux.HandleFunc("GET /emulator/rate_limits", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, e.RateLimits())
	})
	mux.HandleFunc("PUT /emulator/rate_limits", func(w http.ResponseWriter, r *http.Request) {
		var limits map[string]RateLimit
		if readJSON(w, r, &limits) {
			e.SetRateLimits(limits)
			writeJSON(w, http.StatusOK, e.RateLimits())
		}
	})
	mux.HandleFunc("GET /emulator/calls", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"calls": e.Calls()})
	})
	mux.HandleFunc("DELETE /emulator/calls", func(w http.ResponseWriter, r *http.Request) {
		e.ResetCalls()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /emulator/webhooks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"webhooks": e.Webhooks()})
	})
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20))
	dec.DisallowUnknownFields()
	// An empty body means "all defaults": `curl -X POST .../emulator/items`.
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid JSON body: " + err.Error()})
		return false
	}
	return true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
