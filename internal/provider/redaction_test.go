package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// Values the server echoes. The secret and the access token are the
// provider's own; the public token was never sent, so only its shape can
// give it away.
const (
	echoSecret      = "c0ffee00c0ffee00c0ffee00c0ffee"
	echoAccessToken = "access-sandbox-7d6c5b4a-3928-4170-9e8d-c7b6a5948372"
	echoPublicToken = "public-sandbox-11223344-5566-4778-8899-aabbccddeeff"
)

// echoPlacements put a value in one field or header of an answer.
var echoPlacements = []func(h http.Header, body map[string]any, v string){
	func(h http.Header, b map[string]any, v string) { b["error_type"] = v },
	func(h http.Header, b map[string]any, v string) { b["error_code"] = v },
	func(h http.Header, b map[string]any, v string) { b["error_message"] = v },
	func(h http.Header, b map[string]any, v string) { b["display_message"] = v },
	func(h http.Header, b map[string]any, v string) { b["request_id"] = v },
	func(h http.Header, b map[string]any, v string) {
		b["documentation_url"] = "https://plaid.com/docs/?" + v
	},
	func(h http.Header, b map[string]any, v string) { b["suggested_action"] = v },
	func(h http.Header, b map[string]any, v string) {
		h.Set("Content-Type", `application/json; charset="`+v+`"`)
	},
	func(h http.Header, b map[string]any, v string) { h.Set("Location", "http://"+v+"@127.0.0.2:9/"+v) },
	func(h http.Header, b map[string]any, v string) { h.Set("Location", "http://"+v+".example/") },
	func(h http.Header, b map[string]any, v string) { h.Set("Retry-After", v); h.Set("X-Request-Id", v) },
}

// A server that echoes the secret or a token in any field or header, in any
// form, gets neither into an error, a diagnostic or the log.
func FuzzEchoedSecretsStayOutOfDiagnostics(f *testing.F) {
	for _, status := range []int{200, 302, 400, 404, 429, 500, 502, 503} {
		for placement := range echoPlacements {
			// A token has the most spellings (its hyphens); the fuzz
			// function picks one modulo the value's own count.
			for form := range leakcheck.Echoes(echoAccessToken) {
				for what := range 3 {
					f.Add(uint8(placement), uint8(form), uint8(what), status, "")
				}
			}
		}
	}
	f.Add(uint8(2), uint8(0), uint8(0), 400, "secret ")
	f.Fuzz(func(t *testing.T, placement, form, what uint8, status int, glue string) {
		value := []string{echoSecret, echoAccessToken, echoPublicToken}[int(what)%3]
		echoes := leakcheck.Echoes(value)
		echoed := glue + echoes[int(form)%len(echoes)].Text + glue
		if status < 200 || status > 599 {
			status = 200 + (status%400+400)%400
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body := map[string]any{"error_type": "INVALID_INPUT", "error_code": "INVALID_API_KEYS", "error_message": "m", "display_message": nil, "request_id": "r1"}
			w.Header().Set("Content-Type", "application/json")
			echoPlacements[int(placement)%len(echoPlacements)](w.Header(), body, echoed)
			w.WriteHeader(status)
			raw, _ := json.Marshal(body)
			// The fuzzer's value may carry \u escapes meant for the
			// JSON parser: undo Marshal's escaping of the backslash.
			_, _ = w.Write(bytes.ReplaceAll(raw, []byte(`\\u`), []byte(`\u`)))
		}))
		defer srv.Close()
		data := stubProviderData(t, srv.URL, echoSecret, 0)
		client := data.client
		var logs bytes.Buffer
		ctx := tflogtest.RootLogger(context.Background(), &logs)

		var shown strings.Builder
		diags := removeItem(ctx, data, echoAccessToken, "item-1", types.StringNull(), types.StringNull(), types.StringNull())
		_, err := client.GetItem(ctx, echoAccessToken)
		if err != nil {
			shown.WriteString(err.Error() + "\n")
			diags.Append(tokenRefused("Could Not Adopt the Plaid Item", "Adopting the Item with /item/get", err, data)...)
			shown.WriteString(describePlaidError("Reading", err, data) + "\n")
		}
		for _, d := range diags {
			shown.WriteString(d.Summary() + "\n" + d.Detail() + "\n")
		}
		shown.Write(logs.Bytes())
		if leak := leakcheck.Find(shown.String(), echoSecret, echoAccessToken, echoPublicToken); leak != "" {
			t.Fatalf("%s shows in an error, diagnostic or log line", leak)
		}
	})
}
