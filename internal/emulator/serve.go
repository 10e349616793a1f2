package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Call is one request the emulator received, as tests and users inspect it.
// It never holds a secret or a token.
type Call struct {
	Time          time.Time       `json:"time"`
	Path          string          `json:"path"`
	Status        int             `json:"status"`
	ErrorCode     string          `json:"error_code,omitempty"`
	ItemID        string          `json:"item_id,omitempty"`
	ReasonCode    *string         `json:"reason_code,omitempty"`
	ReasonNote    *string         `json:"reason_note,omitempty"`
	Headers       map[string]bool `json:"headers"`
	UserAgent     string          `json:"user_agent,omitempty"`
	CredentialsIn string          `json:"credentials_in"`
	Fault         string          `json:"fault,omitempty"`
}

// recordedHeaders are the headers whose presence a Call notes.
var recordedHeaders = []string{"PLAID-CLIENT-ID", "PLAID-SECRET", "Plaid-Version", "Content-Type", "User-Agent"}

// Exchange is one answered request, for observers such as contract tests.
type Exchange struct {
	Path           string
	RequestHeader  http.Header
	RequestBody    []byte
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
}

// OnExchange registers f to see every exchange the Plaid API answers,
// including answers that a "lost response" fault swallows.
func (e *Emulator) OnExchange(f func(Exchange)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.observers = append(e.observers, f)
}

// incoming is one request to the Plaid API on its way to an answer.
type incoming struct {
	w    http.ResponseWriter
	r    *http.Request
	body []byte
	// tooLarge is set when the body was longer than maxRequestBytes.
	tooLarge bool
	ep       *endpoint
	call     *Call
}

func (e *Emulator) servePlaid(w http.ResponseWriter, r *http.Request) {
	call := &Call{Time: time.Now().UTC(), Path: r.URL.Path, Headers: map[string]bool{}, UserAgent: r.UserAgent(), CredentialsIn: "none"}
	for _, h := range recordedHeaders {
		call.Headers[h] = r.Header.Get(h) != ""
	}
	// Handler caps the body at maxRequestBytes; a longer one is refused
	// below as INVALID_BODY, as Plaid refuses what it cannot parse.
	body, err := io.ReadAll(r.Body)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		body = nil
	}
	in := &incoming{w: w, r: r, body: body, tooLarge: tooLarge != nil, call: call}

	ep, known := endpoints[r.URL.Path]
	if !known || r.Method != http.MethodPost {
		e.answer(in, nil, errNotFoundEndpoint())
		return
	}
	in.ep = ep

	drawn := e.drawFault(r.URL.Path)
	if drawn.latency > 0 {
		select {
		case <-time.After(drawn.latency):
		case <-r.Context().Done():
			return
		}
	}
	if f := drawn.fault; f != nil {
		call.Fault = f.kind
		f.serve(e, in)
		return
	}
	result, apiErr := e.handle(in)
	e.answer(in, result, apiErr)
}

// handle runs the checks every endpoint shares, then the endpoint itself.
func (e *Emulator) handle(in *incoming) (any, *apiError) {
	r, call := in.r, in.call
	if in.tooLarge {
		return nil, invalidRequest(plaid.CodeInvalidBody, "body is too large")
	}
	fields, apiErr := parseBody(r, in.body, in.ep)
	if apiErr != nil {
		return nil, apiErr
	}
	clientID, secret, where := credentials(r, fields)
	call.CredentialsIn = where
	switch {
	case clientID == "" && secret == "":
		return nil, invalidRequest(plaid.CodeMissingFields, "the following required fields are missing: client_id, secret")
	case clientID == "":
		return nil, invalidRequest(plaid.CodeMissingFields, "the following required fields are missing: client_id")
	case secret == "":
		return nil, invalidRequest(plaid.CodeMissingFields, "the following required fields are missing: secret")
	case clientID != e.opts.ClientID || secret != e.opts.Secret:
		return nil, invalidInput(plaid.CodeInvalidAPIKeys, "invalid client_id or secret provided")
	}
	if v := r.Header.Get("Plaid-Version"); v != "" && v != plaid.APIVersion {
		return nil, invalidRequest(plaid.CodeInvalidHeaders, "the Plaid-Version header must be "+plaid.APIVersion+" on this server")
	}
	if in.ep.sandboxOnly && e.opts.Environment != plaid.Sandbox {
		return nil, invalidRequest(plaid.CodeSandboxOnly, "access to this endpoint is only available in the Sandbox environment")
	}
	if !e.limiter.allow("client|"+r.URL.Path, e.limiter.limit(r.URL.Path).PerClient) {
		return nil, errRateLimit(plaid.RateLimitCode(r.URL.Path))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return in.ep.handle(e, &request{http: r, body: in.body, fields: fields, call: call})
}

// answer writes a success or a Plaid error, records the call and shows the
// exchange to observers.
func (e *Emulator) answer(in *incoming, result any, apiErr *apiError) {
	status, payload := e.observe(in, result, apiErr)
	e.record(in.call)
	w := in.w
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(payload)
}

func (e *Emulator) observe(in *incoming, result any, apiErr *apiError) (int, []byte) {
	r, body, call := in.r, in.body, in.call
	requestID := newRequestID()
	status := http.StatusOK
	var out any
	if apiErr != nil {
		status = apiErr.status
		call.ErrorCode = apiErr.code
		out = apiErr.body(requestID)
	} else {
		m, _ := result.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m["request_id"] = requestID
		out = m
	}
	call.Status = status
	payload, _ := json.Marshal(out)
	e.mu.Lock()
	observers := append([]func(Exchange){}, e.observers...)
	e.mu.Unlock()
	if len(observers) > 0 {
		header := http.Header{"Content-Type": []string{"application/json; charset=utf-8"}}
		ex := Exchange{Path: r.URL.Path, RequestHeader: r.Header.Clone(), RequestBody: bytes.Clone(body), Status: status, ResponseHeader: header, ResponseBody: payload}
		for _, f := range observers {
			f(ex)
		}
	}
	return status, payload
}

// countLostRemoveAnswer notes a removal's answer that a lost_response
// fault swallowed, when that request was counted against its Item (see
// ItemState.RemoveAnswersLost).
func (e *Emulator) countLostRemoveAnswer(call *Call, apiErr *apiError) {
	if (call.Path != plaid.PathItemRemove && call.Path != plaid.PathItemProductsTerminate) || call.ItemID == "" || (apiErr != nil && apiErr.status == http.StatusTooManyRequests) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if it, ok := e.items[call.ItemID]; ok {
		it.removeAnswersLost++
	}
}

func (e *Emulator) record(call *Call) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls.add(*call)
}

// Calls returns a copy of the calls received so far, oldest first: at most
// Options.MaxCalls of the most recent; DroppedCalls says how many earlier
// ones were dropped.
func (e *Emulator) Calls() []Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls.list()
}

// ResetCalls forgets the calls received so far, and the count of dropped
// ones.
func (e *Emulator) ResetCalls() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.calls.reset()
}

// hangUp closes the connection without an answer, as a dropped connection
// or a lost response looks to the client.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
