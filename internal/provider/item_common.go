package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// This file holds the pieces of the Item lifecycle that plaid_item and
// plaid_sandbox_item share (refresh, webhook changes); item_lifecycle.go
// puts them together, and removal.go removes Items.

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

// checkTokenEnvironment fails when a known token was issued in another
// environment than the provider's.
func checkTokenEnvironment(token types.String, env plaid.Environment, diags *diag.Diagnostics) {
	if token.IsNull() || token.IsUnknown() {
		return
	}
	tokenEnv, err := plaid.ParseToken(plaid.AccessToken, token.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("access_token"), "Invalid Plaid Access Token", sentence(err))
		return
	}
	if tokenEnv != env {
		diags.AddAttributeError(path.Root("access_token"), "Access Token From Another Environment",
			fmt.Sprintf("The access token was issued in Plaid's %s environment, but the provider is configured for %s, where Plaid would reject it. Set the provider's environment (or %s) to %q, or use a %s token.", tokenEnv, env, envEnvironment, tokenEnv, env))
	}
}

// webhookAttribute is the webhook of a resource: set, changed or cleared
// in place through /item/webhook/update. Left out of the configuration, the
// Item's current webhook is read and never overwritten.
func webhookAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The URL Plaid sends this Item's webhooks to. Setting or changing it calls `/item/webhook/update` in place (Plaid then sends `WEBHOOK_UPDATE_ACKNOWLEDGED` to the new URL); " +
			"`\"\"` clears it. When left out, the Item's current webhook is read and never overwritten.",
		Validators:    []validator.String{validWebhookURL()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// fillKeepingClearedWebhook sets fields from Plaid's answer. A webhook
// cleared with "" comes back from Plaid as null; keeping "" keeps state what
// the configuration says, so the plan stays empty.
func (f *itemFields) fillKeepingClearedWebhook(it *plaid.Item, prior types.String) {
	f.fill(it)
	if it.Webhook == nil && !prior.IsNull() && !prior.IsUnknown() && prior.ValueString() == "" {
		f.Webhook = types.StringValue("")
	}
}

// refreshItem reads the Item into fields. It reports gone when Plaid
// answers ITEM_NOT_FOUND, so that the caller removes the resource from state.
// INVALID_ACCESS_TOKEN keeps state as it was, with a warning: it is not proof
// of removal, and an error here would block the way out (a removed block
// refreshes first).
func refreshItem(ctx context.Context, data *providerData, token string, fields *itemFields) (gone bool, diags diag.Diagnostics) {
	itemID := fields.ItemID.ValueString()
	got, err := data.client.GetItem(ctx, token)
	switch {
	case plaid.IsItemNotFound(err):
		diags.Append(itemGoneWarning(itemID))
		return true, diags
	case plaid.HasCode(err, plaid.CodeInvalidAccessToken):
		diags.AddWarning("Plaid Rejected the Access Token: the Item May Still Exist",
			invalidTokenDetail("Refreshing Item "+itemID+" with /item/get", itemID, err, data))
		return false, diags
	case err != nil:
		addPlaidError(&diags, "Could Not Read the Plaid Item", "Reading Item "+itemID+" with /item/get", err, data)
		return false, diags
	}
	fields.fillKeepingClearedWebhook(&got.Item, fields.Webhook)
	return false, diags
}

// syncWebhook makes the Item's webhook what the configuration says: null
// leaves it alone, "" clears it, a URL sets it. When it calls Plaid, it
// replaces *it with Plaid's answer and reports changed.
func syncWebhook(ctx context.Context, data *providerData, token string, configured types.String, it *plaid.Item) (changed bool, diags diag.Diagnostics) {
	if configured.IsNull() || configured.IsUnknown() {
		return false, diags
	}
	want := configured.ValueString()
	current := ""
	if it.Webhook != nil {
		current = *it.Webhook
	}
	if want == current {
		return false, diags
	}
	var arg *string
	if want != "" {
		arg = &want
	}
	resp, err := data.client.UpdateWebhook(ctx, token, arg)
	if err != nil {
		attempted := "Setting the webhook of Item " + it.ItemID + " with /item/webhook/update"
		if stopped(err) {
			diags.Append(interruptedDiagnostic(attempted))
			return false, diags
		}
		diags.Append(diag.NewAttributeErrorDiagnostic(path.Root("webhook"), "Could Not Update the Item's Webhook",
			describePlaidError(attempted, err, data)))
		return false, diags
	}
	*it = resp.Item
	return true, diags
}

// currentItem is the Item as state knows it, for syncWebhook when no fresh
// read is needed.
func (f *itemFields) currentItem() *plaid.Item {
	return &plaid.Item{ItemID: f.ItemID.ValueString(), Webhook: f.Webhook.ValueStringPointer()}
}

// updateWebhookInPlace is Update's part for both resources: when the
// planned webhook differs from state, change it at Plaid and take Plaid's
// answer into plan.
func updateWebhookInPlace(ctx context.Context, data *providerData, token string, plan, state *itemFields) diag.Diagnostics {
	var diags diag.Diagnostics
	if plan.Webhook.Equal(state.Webhook) {
		return diags
	}
	it := state.currentItem()
	changed, d := syncWebhook(ctx, data, token, plan.Webhook, it)
	diags.Append(d...)
	if !changed || diags.HasError() {
		// No call: "" and null are the same to Plaid, and the plan
		// already holds every other value from state.
		return diags
	}
	plan.fillKeepingClearedWebhook(it, plan.Webhook)
	return diags
}
