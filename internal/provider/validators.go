package provider

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The plan-time checks of attribute values, named valid<What>. The one
// check that needs the removal methods, validReasonCodeForMethod, sits with
// them in removal_method.go.

// stringCheck adapts a func to validator.String, so each check here is just
// the rule it enforces. Unknown and null values are skipped: they are
// checked again once known.
type stringCheck struct {
	description string
	check       func(value string, resp *validator.StringResponse, req validator.StringRequest)
}

func (v stringCheck) Description(context.Context) string         { return v.description }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.description }
func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v.check(req.ConfigValue.ValueString(), resp, req)
}

// validEnvironment accepts sandbox and production and explains why
// development is gone.
func validEnvironment() validator.String {
	return stringCheck{
		description: "must be sandbox or production",
		check: func(s string, resp *validator.StringResponse, req validator.StringRequest) {
			if _, err := plaid.ParseEnvironment(s); err != nil {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid Plaid Environment", sentence(err))
			}
		},
	}
}

// validBaseURL accepts an http(s) URL with a host and no path.
func validBaseURL() validator.String {
	return stringCheck{
		description: "must be an http or https URL with no path",
		check: func(s string, resp *validator.StringResponse, req validator.StringRequest) {
			if err := checkBaseURL(s); err != nil {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid Plaid Base URL", sentence(err))
			}
		},
	}
}

// checkBaseURL accepts an absolute http(s) URL with a host and no path,
// query or credentials: requests are sent to base_url + "/item/get". Its
// errors quote the scheme and host at most: the rest (userinfo, path, query,
// fragment, or an unparsable remainder) may hold a secret, and at plan time
// the secret is not yet registered with the redactor.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	shown := func() string {
		if err != nil || strings.Contains(raw, "@") {
			return "base_url"
		}
		quoted := u.Scheme + "://" + u.Host
		if quoted != raw {
			quoted += "/…"
		}
		return fmt.Sprintf("%q", plaid.Redact(quoted))
	}
	switch {
	case err == nil && u.User != nil:
		return fmt.Errorf("the base URL must not contain credentials (a user name or password before @); use client_id and secret")
	case err != nil:
		return fmt.Errorf("%s is not a valid URL", shown())
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("the base URL must start with http:// or https://, not %q", plaid.Redact(u.Scheme)+":")
	case u.Host == "":
		return fmt.Errorf("the base URL %s has no host", shown())
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", strings.ContainsAny(raw, "?#"):
		// A bare ? or # parses as an empty query or fragment, and the
		// request path would then follow it: every call would go to /.
		return fmt.Errorf("the base URL %s must not have a path, query or fragment", shown())
	}
	return nil
}

// validGatewayHeaders checks each gateway header (plaid.CheckGatewayHeader:
// no Plaid, client-set or hop-by-hop name, a valid name and a value that
// can be sent and masked), on its key, and refuses one name twice in
// different letter cases. Its errors never quote a value.
func validGatewayHeaders() validator.Map {
	return gatewayHeadersCheck{}
}

// gatewayHeadersCheck is validGatewayHeaders: a map validator, since the
// duplicate check needs every key at once.
type gatewayHeadersCheck struct{}

func (gatewayHeadersCheck) Description(context.Context) string {
	return "must be valid HTTP headers that are neither Plaid's, nor set by the HTTP client, nor hop-by-hop"
}

func (v gatewayHeadersCheck) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (gatewayHeadersCheck) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	names := map[string]string{}
	for name, v := range req.ConfigValue.Elements() {
		value, ok := v.(types.String)
		if !ok || value.IsUnknown() {
			names[name] = ""
			continue
		}
		if err := plaid.CheckGatewayHeader(name, value.ValueString()); err != nil {
			resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(name), "Invalid Gateway Header", sentence(err))
		}
		names[name] = value.ValueString()
	}
	for _, name := range plaid.DuplicateGatewayHeaders(names) {
		resp.Diagnostics.AddAttributeError(req.Path.AtMapKey(name), "Gateway Header Set Twice",
			fmt.Sprintf("HTTP header names ignore letter case, so %q is the same header as another key of gateway_headers: keep one.", name))
	}
}

// validPositiveDuration accepts a Go duration above zero.
func validPositiveDuration() validator.String {
	return stringCheck{
		description: "must be a positive Go duration such as 30s",
		check: func(s string, resp *validator.StringResponse, req validator.StringRequest) {
			if d, err := time.ParseDuration(s); err != nil || d <= 0 {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration", "Expected a positive Go duration such as \"30s\" or \"2m\".")
			}
		},
	}
}

// validWebhookURL accepts "" (clear) or an absolute http(s) URL without
// credentials or a token: a webhook is shown in every plan and stored in
// state, and Plaid would send it on to wherever it points.
func validWebhookURL() validator.String {
	return stringCheck{
		description: `must be "" or an http(s) URL without credentials or a token`,
		check: func(s string, resp *validator.StringResponse, req validator.StringRequest) {
			if s == "" {
				return
			}
			u, err := url.Parse(s)
			switch {
			case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid Webhook URL", `Expected an absolute http:// or https:// URL, or "" to clear the webhook.`)
			case u.User != nil || strings.Contains(u.Host, "@"):
				// The message never repeats the URL: it holds a password.
				resp.Diagnostics.AddAttributeError(req.Path, "Webhook URL Holds Credentials",
					"The webhook URL has a user name or password before its host (https://user:password@...). Terraform would show it in every plan and store it in state, and Plaid would keep it. "+
						"Authenticate webhooks by verifying Plaid's signature (the Plaid-Verification header) instead, or put a token in the path that you can rotate.")
			case plaid.HoldsIssuedToken(s):
				// The answer that echoes it would be refused (stored.go),
				// after Plaid had taken it: refused here instead.
				resp.Diagnostics.AddAttributeError(req.Path, "Webhook URL Holds a Plaid Token", webhookHoldsACredential)
			}
		},
	}
}

// validAccessToken checks the shape of an access token at plan time. Its
// errors never repeat the token.
func validAccessToken() validator.String {
	return stringCheck{
		description: "must be a Plaid access token: access-sandbox-... or access-production-...",
		check: func(s string, resp *validator.StringResponse, req validator.StringRequest) {
			if _, err := plaid.ParseToken(plaid.AccessToken, s); err != nil {
				resp.Diagnostics.AddAttributeError(req.Path, "Invalid Plaid Access Token", sentence(err))
			}
		},
	}
}

var (
	emailPattern = regexp.MustCompile(`[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}`)
	// Seven or more digits, optionally with a leading + and the usual
	// separators: catches phone numbers, not years or counts.
	phonePattern = regexp.MustCompile(`\+?\d[\d\s().-]{5,}\d`)
)

// looksLikePersonalData reports what kind of personal data s seems to hold.
func looksLikePersonalData(s string) string {
	switch {
	case emailPattern.MatchString(s):
		return "an email address"
	case phonePattern.MatchString(s) && countDigits(phonePattern.FindString(s)) >= 7:
		return "a phone number"
	}
	return ""
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}

// validNoCredential refuses, at plan time, a removal note that holds
// something shaped like a Plaid token: Plaid would store it with the
// Item's history, and Terraform shows the note in plans. The provider's
// own secret and tokens are checked once the provider is configured
// (checkRemovalNote).
func validNoCredential() validator.String {
	return stringCheck{
		description: "must not contain a Plaid token or secret",
		check: func(s string, resp *validator.StringResponse, req validator.StringRequest) {
			if plaid.TokenPattern().MatchString(s) {
				resp.Diagnostics.AddAttributeError(req.Path, "Removal Note Holds a Token", noteHoldsACredential)
			}
		},
	}
}

// webhookHoldsACredential is the detail of a webhook refused for holding a
// token or the secret. It never repeats the URL.
const webhookHoldsACredential = "The webhook URL holds a Plaid access token, another token or the provider's secret. Terraform would show it in every plan and store it in state, and Plaid would keep it, so it is refused. " +
	"Authenticate webhooks by verifying Plaid's signature (the Plaid-Verification header) instead."

// noteHoldsACredential is the detail of a removal note refused for holding
// a token or the secret. It never repeats the note.
const noteHoldsACredential = "The removal note holds a Plaid access token, another token or the provider's secret. Terraform shows the note in plans and sends it to Plaid as reason_note on destroy, so it is refused. Describe the reason in words instead."

// validNoPersonalData warns, at plan time, when a removal note seems to carry
// personal data, which Plaid's terms forbid there. It is a warning because
// the patterns can't be sure.
func validNoPersonalData() validator.String {
	return stringCheck{
		description: "should not contain personal data such as an email address or phone number",
		check: func(s string, resp *validator.StringResponse, req validator.StringRequest) {
			if kind := looksLikePersonalData(s); kind != "" {
				resp.Diagnostics.AddAttributeWarning(req.Path, "Removal Note May Contain Personal Data",
					"The note seems to contain "+kind+". Plaid asks that reason_note carry no personally identifiable information such as email addresses or phone numbers; describe the reason instead.")
			}
		},
	}
}
