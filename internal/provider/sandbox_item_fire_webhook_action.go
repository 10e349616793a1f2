package provider

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

var (
	_ action.ActionWithConfigure      = (*sandboxItemFireWebhookAction)(nil)
	_ action.ActionWithModifyPlan     = (*sandboxItemFireWebhookAction)(nil)
	_ action.ActionWithValidateConfig = (*sandboxItemFireWebhookAction)(nil)
)

// NewSandboxItemFireWebhookAction returns the plaid_sandbox_item_fire_webhook
// action: /sandbox/item/fire_webhook, so a test can make Plaid send the
// webhook it wants the receiver under test to handle.
func NewSandboxItemFireWebhookAction() action.Action {
	return &sandboxItemFireWebhookAction{sandboxActionBase{typeSuffix: "sandbox_item_fire_webhook"}}
}

type sandboxItemFireWebhookAction struct{ sandboxActionBase }

type sandboxItemFireWebhookModel struct {
	AccessToken types.String `tfsdk:"access_token"`
	WebhookCode types.String `tfsdk:"webhook_code"`
	WebhookType types.String `tfsdk:"webhook_type"`
}

func (a *sandboxItemFireWebhookAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Makes Plaid send a sandbox Item's webhook URL a webhook, with `/sandbox/item/fire_webhook`, so that a test can check how the receiver handles it " +
			"(such as `USER_PERMISSION_REVOKED`). The Item needs a webhook URL (`webhook` on `plaid_sandbox_item`). Sandbox only: with `environment = \"production\"` it fails at plan time. " +
			"Needs Terraform " + actionsNeedTerraform + " or later; OpenTofu has no actions.",
		Attributes: map[string]schema.Attribute{
			"access_token": sandboxActionAccessToken(),
			"webhook_code": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The webhook to fire: one of " + codeList(plaid.SandboxWebhookCodes()) + ".",
				Validators:          []validator.String{stringvalidator.OneOf(plaid.SandboxWebhookCodes()...)},
			},
			"webhook_type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The webhook's `webhook_type`, for the codes that exist for more than one product: `DEFAULT_UPDATE` as " +
					codeList(plaid.SandboxWebhookTypesOf("DEFAULT_UPDATE")) + ", and `ERROR` as " + codeList(plaid.SandboxWebhookTypesOf("ERROR")) +
					". Unset, each code goes out as its first type (`DEFAULT_UPDATE` as `" + plaid.SandboxWebhookTypesOf("DEFAULT_UPDATE")[0] + "`, `ERROR` as `" + plaid.SandboxWebhookTypesOf("ERROR")[0] + "`). Checked at plan time against `webhook_code`.",
				Validators: []validator.String{stringvalidator.OneOf(plaid.SandboxWebhookTypes()...)},
			},
		},
	}
}

// ValidateConfig checks the type against the code, on webhook_type: Plaid
// has no webhook of most codes for most types.
func (a *sandboxItemFireWebhookAction) ValidateConfig(ctx context.Context, req action.ValidateConfigRequest, resp *action.ValidateConfigResponse) {
	var cfg sandboxItemFireWebhookModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || cfg.WebhookCode.IsUnknown() || cfg.WebhookType.IsUnknown() || cfg.WebhookType.IsNull() {
		return
	}
	types := plaid.SandboxWebhookTypesOf(cfg.WebhookCode.ValueString())
	if types == nil || !slices.Contains(plaid.SandboxWebhookTypes(), cfg.WebhookType.ValueString()) || slices.Contains(types, cfg.WebhookType.ValueString()) {
		return // an unknown code or type is its attribute's own error
	}
	resp.Diagnostics.AddAttributeError(path.Root("webhook_type"), "Webhook Type Does Not Fit the Code",
		fmt.Sprintf("Plaid has no %s webhook of type %q. Use %s, or leave webhook_type unset to send it as %s.",
			cfg.WebhookCode.ValueString(), cfg.WebhookType.ValueString(), codeList(types), types[0]))
}

func (a *sandboxItemFireWebhookAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg sandboxItemFireWebhookModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !a.ready(resp) {
		return
	}
	code := cfg.WebhookCode.ValueString()
	attempted := "Firing the sandbox webhook " + code + " with " + plaid.PathSandboxItemFireWebhook
	fired, err := a.data.client.FireSandboxWebhook(ctx, cfg.AccessToken.ValueString(), cfg.WebhookType.ValueString(), code)
	if err != nil {
		addPlaidError(&resp.Diagnostics, "Could Not Fire the Sandbox Webhook", attempted, err, a.data)
		if plaid.HasCode(err, plaid.CodeSandboxWebhookInvalid) {
			resp.Diagnostics.AddError("The Sandbox Item Has No Webhook URL",
				"Plaid sends fired webhooks to the Item's webhook URL. Set webhook on the plaid_sandbox_item (a change updates the Item in place), apply, then run the action again.")
		}
		return
	}
	tflog.Info(ctx, "Fired sandbox webhook", map[string]any{"webhook_code": code, "request_id": fired.RequestID})
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("Plaid fired %s (request_id %s)", code, fired.RequestID)})
}
