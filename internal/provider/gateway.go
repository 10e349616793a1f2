package provider

import (
	"context"
	"fmt"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Gateway mode (`gateway = true` or PLAID_GATEWAY): requests go to a
// gateway at base_url that injects Plaid's client_id and secret, so the
// secret never reaches Terraform. The provider then sends no Plaid
// credential, only gateway_headers for the gateway's own authentication.
//
// PLAID_CLIENT_ID and PLAID_SECRET in the environment are ignored with a
// warning rather than refused: they are never sent, and a CI job may set
// them for other tools, but the warning says that a secret in Terraform's
// environment is what the gateway exists to avoid. client_id or secret in
// the provider block is refused: a configuration that names a credential
// and a gateway is contradictory, and would hand the secret to Terraform.

var _ provider.ProviderWithValidateConfig = (*plaidProvider)(nil)

// ValidateConfig refuses, at plan, the settings that contradict gateway
// mode, each on its attribute.
func (p *plaidProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	_, diags := checkGatewayConfig(cfg, osEnv)
	resp.Diagnostics.Append(diags...)
}

// gatewayOn resolves gateway: configuration, then PLAID_GATEWAY, then off.
// known is false while the setting is unknown.
func gatewayOn(v types.Bool, getenv func(string) string) (on, known bool, diags diag.Diagnostics) {
	switch {
	case v.IsUnknown():
		return false, false, nil
	case !v.IsNull():
		return v.ValueBool(), true, nil
	}
	raw := getenv(envGateway)
	if raw == "" {
		return false, true, nil
	}
	on, err := strconv.ParseBool(raw)
	if err != nil {
		// The value is not quoted: it may be a credential set in the
		// wrong variable.
		diags.AddAttributeError(path.Root("gateway"), "Invalid Gateway Setting",
			fmt.Sprintf("The %s environment variable must be true or false (the provider's gateway is unset, so the variable decides).", envGateway))
	}
	return on, true, diags
}

// checkGatewayConfig checks what the provider block says against gateway
// mode: in it, no client_id or secret, and a base_url that is https (or
// loopback) and not Plaid's own host; outside it, no gateway_headers. It
// runs at validation and again when configuring.
func checkGatewayConfig(cfg providerModel, getenv func(string) string) (on bool, diags diag.Diagnostics) {
	on, known, diags := gatewayOn(cfg.Gateway, getenv)
	if !known || diags.HasError() {
		return false, diags
	}
	if !on {
		if !cfg.GatewayHeaders.IsNull() {
			diags.AddAttributeError(path.Root("gateway_headers"), "Gateway Headers Without Gateway Mode",
				fmt.Sprintf("gateway_headers are sent only in gateway mode. Set gateway = true (or %s=true) if base_url is a gateway that injects Plaid's credentials, or remove gateway_headers.", envGateway))
		}
		return false, diags
	}
	for _, c := range []struct {
		attr   string
		v      types.String
		envVar string
	}{{"client_id", cfg.ClientID, envClientID}, {"secret", cfg.Secret, envSecret}} {
		if !c.v.IsNull() {
			diags.AddAttributeError(path.Root(c.attr), "Plaid Credential Set in Gateway Mode",
				fmt.Sprintf("The provider is in gateway mode, where the gateway at base_url injects Plaid's client_id and secret. Remove %s from the provider block: a credential set here would pass through Terraform and the gateway, which defeats the gateway.", c.attr))
		}
	}
	if !cfg.BaseURL.IsNull() && !cfg.BaseURL.IsUnknown() {
		diags.Append(checkGatewayBaseURL(cfg.BaseURL.ValueString())...)
	}
	return true, diags
}

// checkGatewayBaseURL refuses a base_url that cannot be a gateway. The
// general checks of base_url (validBaseURL) come first.
func checkGatewayBaseURL(baseURL string) diag.Diagnostics {
	var diags diag.Diagnostics
	if checkBaseURL(baseURL) != nil {
		return diags
	}
	if err := plaid.CheckGatewayBaseURL(baseURL); err != nil {
		diags.AddAttributeError(path.Root("base_url"), "Invalid Gateway Base URL", sentence(err))
	} else if env := plaidHostEnvironment(baseURL); env != "" {
		diags.AddAttributeError(path.Root("base_url"), "Gateway Mode Sends to Plaid Itself",
			fmt.Sprintf("base_url is Plaid's %s host, but in gateway mode the provider sends no credentials: Plaid would refuse every request. Set base_url to the gateway's address.", env))
	}
	return diags
}

// resolveGateway is newProviderData's part for gateway mode: it checks the
// configuration, warns about credentials in the environment (which are
// then ignored), requires base_url, and returns the gateway headers.
func resolveGateway(cfg providerModel, getenv func(string) string, baseURL string, diags *diag.Diagnostics) (on bool, headers map[string]string) {
	on, d := checkGatewayConfig(cfg, getenv)
	diags.Append(d...)
	for attr, unknown := range map[string]bool{"gateway": cfg.Gateway.IsUnknown(), "gateway_headers": cfg.GatewayHeaders.IsUnknown()} {
		if unknown {
			diags.AddAttributeError(path.Root(attr), "Unknown Provider Setting", fmt.Sprintf("The provider's %s must be known at plan time.", attr))
		}
	}
	if !on || diags.HasError() {
		return false, nil
	}
	var inEnv []string
	for _, name := range []string{envClientID, envSecret} {
		if getenv(name) != "" {
			inEnv = append(inEnv, name)
		}
	}
	if len(inEnv) > 0 {
		diags.AddWarning("Plaid Credentials in the Environment Ignored",
			fmt.Sprintf("%s set in Terraform's environment, but the provider is in gateway mode: it ignores them and sends no Plaid credential, since the gateway at base_url injects them. Remove them from the environment Terraform runs in: keeping the secret out of Terraform's processes is what the gateway is for.", describeVariables(inEnv)))
	}
	if baseURL == "" {
		diags.AddAttributeError(path.Root("base_url"), "Missing Gateway Base URL",
			fmt.Sprintf("Gateway mode needs the gateway's address: set base_url (or %s) to it, such as https://plaid-gateway.internal.example.", envBaseURL))
		return false, nil
	}
	if cfg.BaseURL.IsNull() {
		// From PLAID_BASE_URL: checked here, as configuration was above.
		diags.Append(checkGatewayBaseURL(baseURL)...)
	}
	headers = map[string]string{}
	for name, v := range cfg.GatewayHeaders.Elements() {
		s, ok := v.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			diags.AddAttributeError(path.Root("gateway_headers").AtMapKey(name), "Unknown Provider Setting", "Each gateway header's value must be known at plan time.")
			continue
		}
		headers[name] = s.ValueString()
	}
	return true, headers
}

// describeVariables names environment variables in a sentence's subject.
func describeVariables(names []string) string {
	if len(names) == 1 {
		return names[0] + " is"
	}
	return names[0] + " and " + names[1] + " are"
}
