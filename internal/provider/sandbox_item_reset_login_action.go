package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/action/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

var (
	_ action.ActionWithConfigure  = (*sandboxItemResetLoginAction)(nil)
	_ action.ActionWithModifyPlan = (*sandboxItemResetLoginAction)(nil)
)

// NewSandboxItemResetLoginAction returns the plaid_sandbox_item_reset_login
// action: /sandbox/item/reset_login, which puts the Item in
// ITEM_LOGIN_REQUIRED, so a test can check how an application handles an
// Item that needs its user to log in again.
func NewSandboxItemResetLoginAction() action.Action {
	return &sandboxItemResetLoginAction{sandboxActionBase{typeSuffix: "sandbox_item_reset_login"}}
}

type sandboxItemResetLoginAction struct{ sandboxActionBase }

type sandboxItemResetLoginModel struct {
	AccessToken types.String `tfsdk:"access_token"`
}

func (a *sandboxItemResetLoginAction) Schema(_ context.Context, _ action.SchemaRequest, resp *action.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Puts a sandbox Item in `ITEM_LOGIN_REQUIRED` with `/sandbox/item/reset_login`, as if its user's bank login had stopped working, so that a test can check what an application does then. " +
			"The Item stays so until it is repaired (in Link's update mode at Plaid; in the emulator, also by firing `LOGIN_REPAIRED` with `plaid_sandbox_item_fire_webhook`); " +
			"the `plaid_item` data source's `error_code` shows it. Sandbox only: with `environment = \"production\"` it fails at plan time. " +
			"Needs Terraform " + actionsNeedTerraform + " or later; OpenTofu has no actions.",
		Attributes: map[string]schema.Attribute{
			"access_token": sandboxActionAccessToken(),
		},
	}
}

func (a *sandboxItemResetLoginAction) Invoke(ctx context.Context, req action.InvokeRequest, resp *action.InvokeResponse) {
	var cfg sandboxItemResetLoginModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() || !a.ready(resp) {
		return
	}
	reset, err := a.data.client.ResetSandboxLogin(ctx, cfg.AccessToken.ValueString())
	if err != nil {
		addPlaidError(&resp.Diagnostics, "Could Not Reset the Sandbox Item's Login", "Putting the sandbox Item in ITEM_LOGIN_REQUIRED with "+plaid.PathSandboxItemResetLogin, err, a.data)
		return
	}
	tflog.Info(ctx, "Reset sandbox Item login", map[string]any{"request_id": reset.RequestID})
	resp.SendProgress(action.InvokeProgressEvent{Message: fmt.Sprintf("The Item is now in ITEM_LOGIN_REQUIRED (request_id %s)", reset.RequestID)})
}
