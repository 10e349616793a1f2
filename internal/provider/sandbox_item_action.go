package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// What the sandbox Item actions (Terraform 1.14 and later) share: the
// access token they act on, the provider's data, and the refusal to run
// anywhere but in the sandbox.

// actionsNeedTerraform is the oldest CLI that runs actions. OpenTofu has
// none (as of 1.12): it rejects `action` blocks and `-invoke`.
const actionsNeedTerraform = "1.14"

// sandboxActionAccessToken is the access_token attribute of every sandbox
// Item action.
//
// It is not marked Sensitive because action schemas cannot be: the
// framework's action schema has no Sensitive field (terraform-plugin-
// framework v1.19.0, action/schema: "action schema attributes cannot be
// Sensitive"). Nor is it WriteOnly, which would keep it out of the plan: the
// framework rejects a value in any write-only action attribute
// (internal/fwserver/server_validateactionconfig.go sets
// WriteOnlyAttributesAllowed to false for actions): the bug reported on
// Terraform 1.14.3, and what Terraform 1.16.0 shows too ("WriteOnly
// Attribute Not Allowed: The resource contains a non-null value for
// WriteOnly attribute access_token"), since the check is the framework's.
// What keeps the token secret is where it comes from: Terraform carries the
// sensitivity of the value itself, so a
// token read from plaid_sandbox_item.x.access_token (Sensitive) or a
// sensitive variable is shown as (sensitive value) in plans. The provider
// never writes it anywhere: every action RPC runs with the log masks and
// the redactor (server_actions.go).
func sandboxActionAccessToken() schema.StringAttribute {
	return schema.StringAttribute{
		Required: true,
		MarkdownDescription: "The sandbox Item's access token (`access-sandbox-...`). Feed it from the resource, `plaid_sandbox_item.<name>.access_token`, or from a `sensitive` variable: " +
			"action attributes cannot be marked sensitive in a provider's schema, so Terraform hides the token in plans only when the value it is given is sensitive, as the resource's attribute is.",
		Validators: []validator.String{validAccessToken()},
	}
}

// sandboxActionBase holds what the sandbox Item actions share.
type sandboxActionBase struct {
	data *providerData
	// typeSuffix is the action's name after "plaid_".
	typeSuffix string
}

func (a *sandboxActionBase) Metadata(_ context.Context, req action.MetadataRequest, resp *action.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + a.typeSuffix
}

func (a *sandboxActionBase) Configure(_ context.Context, req action.ConfigureRequest, resp *action.ConfigureResponse) {
	a.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan fails at plan time where the action could only fail: with a
// provider configured for production, where Plaid has no sandbox
// endpoints, or with a production token.
func (a *sandboxActionBase) ModifyPlan(ctx context.Context, req action.ModifyPlanRequest, resp *action.ModifyPlanResponse) {
	name := "plaid_" + a.typeSuffix
	if a.data != nil && a.data.environment != plaid.Sandbox {
		resp.Diagnostics.AddError("Sandbox Actions Need the Sandbox Environment",
			fmt.Sprintf("%s calls one of Plaid's sandbox-only endpoints, but the provider is configured for %s, where Plaid answers SANDBOX_ONLY. "+
				"Run it with a provider configured with environment = \"sandbox\" (an alias works: provider = plaid.sandbox).", name, a.data.environment))
		return
	}
	var token types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("access_token"), &token)...)
	if token.IsUnknown() || token.IsNull() {
		return
	}
	if env, err := plaid.ParseToken(plaid.AccessToken, token.ValueString()); err == nil && env != plaid.Sandbox {
		resp.Diagnostics.AddAttributeError(path.Root("access_token"), "Sandbox Actions Need a Sandbox Item",
			fmt.Sprintf("%s acts on sandbox Items only, but the access token was issued in Plaid's %s environment. Use the access_token of a plaid_sandbox_item.", name, env))
	}
}

// ready reports whether the provider was configured, adding the error an
// unconfigured provider gets.
func (a *sandboxActionBase) ready(resp *action.InvokeResponse) bool {
	if a.data == nil {
		resp.Diagnostics.AddError("Provider Not Configured", "plaid_"+a.typeSuffix+" ran before the provider was configured. This is a bug in the provider; please report it.")
		return false
	}
	return true
}
