package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// An Item's health on both Item resources and the plaid_item data source:
// what it is, how it is filled, and how a plan keeps it known.

// itemHealth is what a user acts on when an Item needs attention: its error
// (ITEM_LOGIN_REQUIRED sends the user through Link's update mode) and when
// its consent expires. The refresh reads it with the /item/get it makes
// anyway, so on the resources it costs no request, and both are null for a
// healthy Item without consent expiry, which costs 77 bytes of state per
// Item (of about 800; BENCHMARKS.md). Everything else /item/get tells is on the data source
// (itemDetails).
type itemHealth struct {
	ErrorCode             types.String `tfsdk:"error_code"`
	ConsentExpirationTime types.String `tfsdk:"consent_expiration_time"`
}

// itemHealthDescriptions document itemHealth, on the resources and the data
// source alike.
var itemHealthDescriptions = map[string]string{
	"error_code": "The Item's own error, such as `ITEM_LOGIN_REQUIRED` when the user must log in again through Link update mode; null when the Item is healthy. " +
		"An Item in error still exists: nothing fails because of it, and a `plaid_item` or `plaid_sandbox_item` managing it still removes it on destroy.",
	"consent_expiration_time": "When the Item's consent expires (RFC 3339), after which the user must renew it through Link update mode; null when Plaid gives no expiry (most Items, and OAuth Items with ongoing consent).",
}

// fill sets the health from Plaid's answer.
func (h *itemHealth) fill(it *plaid.Item) {
	h.ConsentExpirationTime = types.StringPointerValue(it.ConsentExpirationTime)
	h.ErrorCode = types.StringNull()
	if it.Error != nil && it.Error.ErrorCode != "" {
		h.ErrorCode = types.StringValue(it.Error.ErrorCode)
	}
}

// settled is the health Update records: each value the plan knew (it
// must not change at apply), else what apply read of the Item (a new
// token's check, or the webhook update's answer), else state's.
func (h itemHealth) settled(read *plaid.Item, state itemHealth) itemHealth {
	fresh := state
	if read != nil {
		fresh.fill(read)
	}
	if h.ErrorCode.IsUnknown() {
		h.ErrorCode = fresh.ErrorCode
	}
	if h.ConsentExpirationTime.IsUnknown() {
		h.ConsentExpirationTime = fresh.ConsentExpirationTime
	}
	return h
}

// healthOnTheResource ends each health attribute's description on the
// resources.
const healthOnTheResource = "Read by the refresh with the `/item/get` it makes anyway, so it costs no request; known at plan time unless the plan creates the resource or changes its `access_token` or `webhook` (then known after apply). An Item found gone leaves state on refresh, with a warning, instead."

// healthFromStateUnlessRead keeps a health attribute at its state value in
// the plan of an update, so that a change to anything else (a reason, a
// note, a timeout) leaves the health known at plan time and usable in
// check blocks and outputs. Without it, the framework marks every computed
// attribute unknown whenever a resource has a change. The one exception is
// an update whose apply reads the Item anyway, a new access_token (checked
// with /item/get) or a new webhook (/item/webhook/update answers with the
// Item): then the value is unknown, and Update takes it from that answer
// (itemHealth.settled). A create leaves it unknown until apply.
type healthFromStateUnlessRead struct{}

var _ planmodifier.String = healthFromStateUnlessRead{}

func (healthFromStateUnlessRead) Description(context.Context) string {
	return "Keeps the state's value unless applying the change reads the Item anyway."
}

func (m healthFromStateUnlessRead) MarkdownDescription(ctx context.Context) string {
	return m.Description(ctx)
}

func (healthFromStateUnlessRead) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() || !req.PlanValue.IsUnknown() {
		return
	}
	if applyReadsItem(ctx, req.Config, req.State, &resp.Diagnostics) {
		return
	}
	resp.PlanValue = req.StateValue
}

// applyReadsItem reports whether applying this update calls Plaid and so
// learns the Item's health: the configured access_token differs from
// state's (plaid_item only; plaid_sandbox_item's is computed), or the
// configured webhook differs from the Item's, as updateWebhookInPlace and
// syncWebhook decide (a webhook left out is never written; null and ""
// are the same to Plaid). A value unknown at plan may differ.
func applyReadsItem(ctx context.Context, config tfsdk.Config, state tfsdk.State, diags *diag.Diagnostics) bool {
	var configToken, stateToken, configWebhook, stateWebhook types.String
	diags.Append(config.GetAttribute(ctx, path.Root("access_token"), &configToken)...)
	diags.Append(state.GetAttribute(ctx, path.Root("access_token"), &stateToken)...)
	diags.Append(config.GetAttribute(ctx, path.Root("webhook"), &configWebhook)...)
	diags.Append(state.GetAttribute(ctx, path.Root("webhook"), &stateWebhook)...)
	if diags.HasError() {
		return true
	}
	if !configToken.IsNull() && !configToken.Equal(stateToken) {
		return true
	}
	if configWebhook.IsNull() {
		return false
	}
	return configWebhook.IsUnknown() || configWebhook.ValueString() != stateWebhook.ValueString()
}
