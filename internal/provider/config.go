package provider

import (
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// osEnv is how Configure reads the environment; tests pass their own.
var osEnv = os.Getenv

// providerData is what Configure hands to resources and data sources.
type providerData struct {
	client      *plaid.Client
	environment plaid.Environment
	// baseURL is where requests go; maxRetries how often each is retried.
	// Diagnostics use both to give advice that fits.
	baseURL    string
	maxRetries int
	// gateway: requests go through a gateway that injects the
	// credentials (gateway.go), which diagnostics name.
	gateway bool
	// walk is shared by the plans of the walk this Configure began.
	walk *planWalk
}

// configuredData unpacks the provider's data, which is nil until the
// provider is configured (as during validation).
func configuredData(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil
	}
	data, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected Provider Data", fmt.Sprintf("Expected *providerData, got %T. This is a bug in the provider; please report it.", raw))
		return nil
	}
	return data
}

// sendsToPlaid reports whether requests go to one of Plaid's own hosts
// (not the emulator or a proxy), where Plaid's status page applies.
func (d *providerData) sendsToPlaid() bool {
	return plaidHostEnvironment(d.baseURL) != ""
}

// plaidHostEnvironment is the Plaid environment whose public host baseURL
// names, or "" for any other server.
func plaidHostEnvironment(baseURL string) plaid.Environment {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	for _, env := range []plaid.Environment{plaid.Sandbox, plaid.Production} {
		if want, _ := url.Parse(env.BaseURL()); strings.EqualFold(u.Hostname(), want.Hostname()) {
			return env
		}
	}
	return ""
}

// newProviderData resolves each setting (configuration, then environment
// variable, then default) and builds the client. It is separate from
// Configure so that the precedence rules are tested without Terraform.
func newProviderData(cfg providerModel, version, terraformVersion string, getenv func(string) string) (*providerData, diag.Diagnostics) {
	var diags diag.Diagnostics
	resolve := func(attr string, v types.String, envVar string) string {
		if v.IsUnknown() {
			diags.AddAttributeError(path.Root(attr), "Unknown Provider Setting",
				fmt.Sprintf("The provider's %s depends on a value that is not known until apply, but Plaid's client must be configured during plan. Set %s to a value known at plan time, or leave it out and set the %s environment variable.", attr, attr, envVar))
			return ""
		}
		if !v.IsNull() {
			return v.ValueString()
		}
		return getenv(envVar)
	}
	clientID := resolve("client_id", cfg.ClientID, envClientID)
	secret := resolve("secret", cfg.Secret, envSecret)
	envName := resolve("environment", cfg.Environment, envEnvironment)
	baseURL := resolve("base_url", cfg.BaseURL, envBaseURL)
	timeout := resolve("request_timeout", cfg.RequestTimeout, "")
	for _, v := range []struct {
		name string
		v    types.Int64
	}{{"max_retries", cfg.MaxRetries}, {"requests_per_minute", cfg.RequestsPerMinute}} {
		if v.v.IsUnknown() {
			diags.AddAttributeError(path.Root(v.name), "Unknown Provider Setting", fmt.Sprintf("The provider's %s must be known at plan time.", v.name))
		}
	}
	if diags.HasError() {
		return nil, diags
	}
	gateway, gatewayHeaders := resolveGateway(cfg, getenv, baseURL, &diags)
	if gateway {
		// The gateway injects them: whatever the environment holds is
		// never sent (resolveGateway warned about it).
		clientID, secret = "", ""
	}

	// A credential with whitespace (the trailing newline of file(), most
	// often) would be refused by Go before sending, or by Plaid: say so
	// now, naming the setting, never the value.
	for _, c := range []struct{ attr, envVar, value string }{{"client_id", envClientID, clientID}, {"secret", envSecret, secret}} {
		if err := plaid.CheckCredential(c.value); err != nil {
			diags.AddAttributeError(path.Root(c.attr), "Invalid Plaid Credential",
				fmt.Sprintf("The provider's %s (or the %s environment variable) %s.", c.attr, c.envVar, err))
		}
	}
	if clientID == "" && !gateway {
		diags.AddAttributeError(path.Root("client_id"), "Missing Plaid Client ID",
			fmt.Sprintf("The provider needs your Plaid client_id. Set client_id in the provider block or the %s environment variable. Find it at https://dashboard.plaid.com/developers/keys.", envClientID))
	}
	switch {
	case secret == "" && !gateway:
		diags.AddAttributeError(path.Root("secret"), "Missing Plaid Secret",
			fmt.Sprintf("The provider needs the Plaid secret of the chosen environment. Set the %s environment variable (recommended, it keeps the secret out of configuration) or secret in the provider block.", envSecret))
	case secret != "" && plaid.SecretCannotBeKept(secret):
		// Never the value: only how long it is.
		diags.AddAttributeError(path.Root("secret"), "Plaid Secret of an Unusable Length",
			fmt.Sprintf("The provider's secret (or the %s environment variable) has %d characters, fewer than %d of them letters or digits (or too many). Plaid's secrets have 30; one much shorter or longer could not be kept out of the provider's output, so it is refused. Check that the whole secret was copied.", envSecret, len(secret), plaid.MinSecretLength))
	}
	env := plaid.Sandbox
	if envName != "" {
		parsed, err := plaid.ParseEnvironment(envName)
		if err != nil {
			diags.AddAttributeError(path.Root("environment"), "Invalid Plaid Environment",
				fmt.Sprintf("%s The value comes from the provider's environment or, when that is unset, the %s environment variable.", sentence(err), envEnvironment))
		}
		env = parsed
	}
	if baseURL == "" {
		baseURL = env.BaseURL()
	} else if err := checkBaseURL(baseURL); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Plaid Base URL",
			fmt.Sprintf("%s. Set base_url (or %s) to a URL such as https://sandbox.plaid.com or http://127.0.0.1:8080 for the emulator.", err, envBaseURL))
	} else if hostEnv := plaidHostEnvironment(baseURL); hostEnv != "" && hostEnv != env && !gateway {
		diags.AddAttributeError(path.Root("base_url"), "Base URL of Another Plaid Environment",
			fmt.Sprintf("base_url (or %s) is %s, Plaid's %s host, but the provider is configured for %s (environment or %s): Plaid would reject every %s token there. Remove base_url to use %s, or set environment to %q.", envBaseURL, baseURL, hostEnv, env, envEnvironment, env, env.BaseURL(), hostEnv))
	}
	requestTimeout := 30 * time.Second
	if timeout != "" {
		d, err := time.ParseDuration(timeout)
		if err != nil || d <= 0 {
			diags.AddAttributeError(path.Root("request_timeout"), "Invalid Request Timeout", "request_timeout must be a positive Go duration such as \"30s\" or \"2m\".")
		}
		requestTimeout = d
	}
	if diags.HasError() {
		return nil, diags
	}

	retry := plaid.DefaultRetryPolicy()
	if !cfg.MaxRetries.IsNull() {
		retry.MaxRetries = int(cfg.MaxRetries.ValueInt64())
	}
	userAgent := fmt.Sprintf("terraform-provider-plaid/%s (+https://%s)", version, RegistryAddress)
	if terraformVersion != "" {
		userAgent += " Terraform/" + terraformVersion
	}
	client, err := plaid.New(plaid.Config{
		BaseURL:           baseURL,
		ClientID:          clientID,
		Secret:            secret,
		UserAgent:         userAgent,
		RequestTimeout:    requestTimeout,
		Retry:             retry,
		RequestsPerMinute: int(cfg.RequestsPerMinute.ValueInt64()),
		Environment:       env,
		AnswerGrace:       StopGracePeriod,
		Gateway:           gateway,
		GatewayHeaders:    gatewayHeaders,
	})
	if err != nil {
		diags.AddError("Could Not Create the Plaid Client", err.Error())
		return nil, diags
	}
	return &providerData{client: client, environment: env, baseURL: baseURL, maxRetries: retry.MaxRetries, gateway: gateway, walk: newPlanWalk()}, diags
}
