package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// credentialFields are part of every request body: Plaid accepts the
// credentials there as well as in headers (see credentials).
type credentialFields struct {
	ClientID string `json:"client_id"`
	Secret   string `json:"secret"`
}

type accessTokenBody struct {
	credentialFields
	AccessToken string `json:"access_token"`
}

// maxRequestBytes bounds a request body; Plaid's own limit is far larger
// than any request this API takes.
const maxRequestBytes = 1 << 20

// request is one decoded Plaid API call.
type request struct {
	http   *http.Request
	body   []byte
	fields map[string]json.RawMessage
	call   *Call
}

// parseBody checks that the body is a JSON object and that its top-level
// fields are the endpoint's, as Plaid does: INVALID_BODY, UNKNOWN_FIELDS and
// MISSING_FIELDS, in that order.
func parseBody(r *http.Request, body []byte, ep *endpoint) (map[string]json.RawMessage, *apiError) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, invalidRequest(plaid.CodeInvalidBody, "body could not be parsed as JSON: the Content-Type header must be application/json")
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil || fields == nil {
		return nil, invalidRequest(plaid.CodeInvalidBody, "body could not be parsed as JSON")
	}
	var unknown []string
	for name := range fields {
		if name != "client_id" && name != "secret" && !slices.Contains(ep.fields, name) {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, invalidRequest(plaid.CodeUnknownFields, "the following fields are not recognized by this endpoint: "+strings.Join(unknown, ", "))
	}
	var missing []string
	for _, name := range ep.required {
		if raw, ok := fields[name]; !ok || string(raw) == "null" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		return nil, invalidRequest(plaid.CodeMissingFields, "the following required fields are missing: "+strings.Join(missing, ", "))
	}
	return fields, nil
}

// decode reads the whole body into v, rejecting unknown nested fields and
// values of the wrong type.
func (r *request) decode(v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var typeErr *json.UnmarshalTypeError
		switch {
		case errors.As(err, &typeErr):
			return invalidRequest(plaid.CodeInvalidField, fmt.Sprintf("%s must be of type %s", typeErr.Field, typeErr.Type))
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return invalidRequest(plaid.CodeUnknownFields, "the following fields are not recognized by this endpoint: "+name)
		}
		return invalidRequest(plaid.CodeInvalidField, "a field has an invalid value")
	}
	return nil
}

// credentials finds client_id and secret in the headers or, as Plaid also
// accepts, in the body, and says where they came from.
func credentials(r *http.Request, fields map[string]json.RawMessage) (clientID, secret, where string) {
	clientID, secret = r.Header.Get("PLAID-CLIENT-ID"), r.Header.Get("PLAID-SECRET")
	if clientID != "" || secret != "" {
		return clientID, secret, "headers"
	}
	_ = json.Unmarshal(fields["client_id"], &clientID)
	_ = json.Unmarshal(fields["secret"], &secret)
	if clientID != "" || secret != "" {
		return clientID, secret, "body"
	}
	return "", "", "none"
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
