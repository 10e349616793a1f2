package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// plaid_item and plaid_sandbox_item differ only in how the Item comes to be
// (adopted through a token, or created in the sandbox). Once it exists, both
// read, update and remove it the same way: that lifecycle is here, written
// once over the model they share (item_schema.go), with the checks of a
// token against the provider's environment and the Item in state.

// Default operation timeouts. Delete is long because a big teardown waits
// its turn under the client-side rate limit.
const (
	defaultItemReadTimeout   = 5 * time.Minute
	defaultItemDeleteTimeout = 20 * time.Minute
)

// readManagedItem refreshes the Item, and removes the resource from state
// when Plaid says the Item is gone (see refreshItem); goneNext is what the
// warning then says happens next, which differs by resource.
func readManagedItem[M any, P itemModel[M]](ctx context.Context, data *providerData, goneNext string, req resource.ReadRequest, resp *resource.ReadResponse) {
	var model M
	resp.Diagnostics.Append(req.State.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := P(&model).managed()
	timeout, diags := m.Timeouts.Read(ctx, defaultItemReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	gone, diags := refreshItem(ctx, data, m.AccessToken.ValueString(), goneNext, &m.itemFields)
	resp.Diagnostics.Append(diags...)
	if gone {
		resp.State.RemoveResource(ctx)
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}
	// An import knows only the token until this first read.
	m.ID = m.ItemID
	resp.Diagnostics.Append(resp.State.Set(ctx, &model)...)
}

// updateManagedItem changes the webhook through /item/webhook/update when
// its configured value differs from the Item's. Everything else that can
// change in place (the removal method and reason, timeouts) only lives in state until
// destroy, so it needs no call to Plaid.
func updateManagedItem[M any, P itemModel[M]](ctx context.Context, data *providerData, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state M
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	p, s := P(&plan).managed(), P(&state).managed()
	timeout, diags := p.Timeouts.Update(ctx, defaultItemReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	planned := p.itemHealth
	var read *plaid.Item // the freshest answer about the Item that apply got
	if !p.AccessToken.Equal(s.AccessToken) {
		got, diags := checkSameItem(ctx, data, p.AccessToken.ValueString(), s.AccessToken.ValueString(), &s.itemFields)
		resp.Diagnostics.Append(diags...)
		if resp.Diagnostics.HasError() {
			return
		}
		read = got
	}
	answer, diags := updateWebhookInPlace(ctx, data, p.AccessToken.ValueString(), &p.itemFields, &s.itemFields)
	resp.Diagnostics.Append(diags...)
	if answer != nil {
		read = answer
	}
	p.itemHealth = planned.settled(read, s.itemHealth)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// deleteManagedItem removes the Item with the configured method and reason
// (see removeItem for what counts as gone).
func deleteManagedItem[M any, P itemModel[M]](ctx context.Context, data *providerData, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var model M
	resp.Diagnostics.Append(req.State.Get(ctx, &model)...)
	if resp.Diagnostics.HasError() {
		return
	}
	m := P(&model).managed()
	timeout, diags := m.Timeouts.Delete(ctx, defaultItemDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	resp.Diagnostics.Append(removeItem(ctx, data, m.AccessToken.ValueString(), m.ItemID.ValueString(), m.RemovalMethod, m.RemovalReasonCode, m.RemovalReasonNote)...)
}

// refreshItem reads the Item into fields. It reports gone when Plaid
// answers ITEM_NOT_FOUND, so that the caller removes the resource from state.
// INVALID_ACCESS_TOKEN keeps state as it was, with a warning: it is not proof
// of removal, and an error here would block the way out (a removed block
// refreshes first).
func refreshItem(ctx context.Context, data *providerData, token, goneNext string, fields *itemFields) (gone bool, diags diag.Diagnostics) {
	itemID := fields.ItemID.ValueString()
	got, err := data.client.GetItem(ctx, token)
	switch {
	case plaid.IsItemNotFound(err):
		diags.Append(itemGoneWarning(itemID, goneNext))
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

// updateWebhookInPlace is Update's part for both resources: when the
// planned webhook differs from state, change it at Plaid and take Plaid's
// answer into plan. It returns that answer, or nil when it made no call.
// The health it fills is settled by the caller (itemHealth.settled).
func updateWebhookInPlace(ctx context.Context, data *providerData, token string, plan, state *itemFields) (*plaid.Item, diag.Diagnostics) {
	var diags diag.Diagnostics
	if plan.Webhook.Equal(state.Webhook) {
		return nil, diags
	}
	it := state.currentItem()
	changed, d := syncWebhook(ctx, data, token, plan.Webhook, it)
	diags.Append(d...)
	if !changed || diags.HasError() {
		// No call: "" and null are the same to Plaid, and the plan
		// already holds every other value from state.
		return nil, diags
	}
	plan.fillKeepingClearedWebhook(it, plan.Webhook)
	return it, diags
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

// removeItem removes an Item with the call removal_method picks
// (/item/remove unless it says terminate), treating ITEM_NOT_FOUND as
// success: the Item is gone, whether it was removed earlier, revoked by its
// owner, or removed by a first attempt whose answer was lost. That case gets
// a warning, so that a teardown's output counts the Items already gone. Any
// other error, including INVALID_ACCESS_TOKEN, leaves the resource in state.
func removeItem(ctx context.Context, data *providerData, accessToken, itemID string, method, code, note types.String) diag.Diagnostics {
	var diags diag.Diagnostics
	m := removalMethodOf(method)
	// ctx is already masked: NewServer masks every RPC's context.
	ctx = tflog.SetField(ctx, "item_id", itemID)
	ctx = tflog.SetField(ctx, "plaid_path", m.path)
	resp, err := m.end(ctx, data.client, accessToken, code.ValueString(), note.ValueString())
	switch {
	case err == nil:
		tflog.Info(ctx, "Removed Plaid Item", map[string]any{"request_id": resp.RequestID})
	case plaid.IsItemNotFound(err):
		tflog.Info(ctx, "Plaid Item was already removed; nothing to do", map[string]any{"error": err.Error()})
		diags.AddWarning("Plaid Item Already Gone",
			fmt.Sprintf("Item %s was already removed when destroy reached it: %s answered ITEM_NOT_FOUND (%s). It was removed outside Terraform, revoked by its owner, or removed by an earlier attempt whose answer was lost. It leaves state; nothing else to do.", itemID, m.path, err))
	case plaid.HasCode(err, plaid.CodeInvalidAccessToken):
		diags.AddError("Plaid Rejected the Access Token: the Item May Still Exist",
			invalidTokenDetail("Removing Item "+itemID+" with "+m.path, itemID, err, data))
	default:
		addPlaidError(&diags, "Could Not Remove the Plaid Item", "Removing Item "+itemID+" with "+m.path, err, data)
	}
	return diags
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

// checkSameItem is apply's check of a token changed in place: it must
// belong to the Item in state. Anything else is refused, and nothing is
// removed: the plan may have been made before the token was known. It
// returns what /item/get said of the Item.
func checkSameItem(ctx context.Context, data *providerData, token, oldToken string, state *itemFields) (*plaid.Item, diag.Diagnostics) {
	itemID := state.ItemID.ValueString()
	got, err := data.client.GetItem(ctx, token)
	if err != nil {
		return nil, newTokenRefused(ctx, data, itemID, oldToken, err)
	}
	var diags diag.Diagnostics
	if got.Item.ItemID != itemID {
		diags.AddAttributeError(path.Root("access_token"), "Access Token of Another Item",
			fmt.Sprintf("The new access token belongs to Item %s, not to Item %s that this resource manages, so it cannot update the resource in place. Nothing was changed or removed. "+
				"Put Item %s's current token in the configuration; or, to manage Item %s instead, plan again now that the token is known: the plan then shows the replacement, which removes Item %s at Plaid.",
				got.Item.ItemID, itemID, itemID, got.Item.ItemID, itemID))
	}
	return &got.Item, diags
}

// newTokenRefused explains why /item/get refused the token that replaces
// Item itemID's in place (at plan and at apply). ITEM_NOT_FOUND needs the
// token in state to say what to do, so it costs one more /item/get, made
// only then. The usual advice for a gone Item, to take its token out of the
// configuration, plans a destroy through the token in state, which is safe
// only when that token finds the Item gone too: if Plaid rejects it
// (rotated out), the destroy fails on every run; if it still reaches an
// Item, the destroy removes that Item. So that advice is given only on that
// proof, and anything short of an answer asks for another plan.
func newTokenRefused(ctx context.Context, data *providerData, itemID, oldToken string, err error) diag.Diagnostics {
	const failure = "Could Not Check the New Access Token"
	attempted := "Checking the new access token of Item " + itemID + " with /item/get"
	if !plaid.IsItemNotFound(err) || oldToken == "" {
		return tokenRefused(failure, attempted, err, data)
	}
	var diags diag.Diagnostics
	old, oldErr := data.client.GetItem(ctx, oldToken)
	checkingOld := "Checking the token in state of Item " + itemID + " with /item/get"
	switch {
	case plaid.IsItemNotFound(oldErr):
		// Gone under both tokens (a plan with -refresh=false; a refresh
		// would have dropped the resource): destroy succeeds.
		diags.Append(tokenRefused(failure, attempted, err, data)...)
	case plaid.HasCode(oldErr, plaid.CodeInvalidAccessToken):
		diags.AddAttributeError(path.Root("access_token"), "Plaid Item Removed After Its Token Was Rotated",
			plaid.Redact(fmt.Sprintf("%s failed: %s.\n\n"+
				"Plaid rejects the token in state too: %s failed: %s. "+
				"If the new token is Item %s's rotated token, the Item was removed, or its owner revoked access, after the rotation: there is nothing left to manage. "+
				"Terraform cannot prove it, because the token it holds proves nothing, so forget the resource and then remove the token from the configuration:\n"+
				"    terraform state list -id=%s\n"+
				"    terraform state rm '<address>'\n"+
				"Removing only the token from the configuration does not work: Terraform then destroys the resource through the rejected token in state, and that fails on every run. "+
				"This advice replaces the refresh's for a rotated token, which is to apply the new one.\n\n"+
				"Forget the resource only when the new token is Item %s's. Plaid also rejects a token issued to another client_id or in another environment than the provider's %q: "+
				"if the credentials or environment changed, fix %s first, and plan again. If the new token is not Item %s's, put the Item's current token in the configuration instead.",
				attempted, err, checkingOld, oldErr, itemID, itemID, itemID, data.environment, credentialSettings(data), itemID)))
	case oldErr == nil:
		reaches := "Item " + itemID + ", which lives on"
		if got := old.Item.ItemID; got != itemID {
			reaches = fmt.Sprintf("an Item that lives on: Plaid calls it %s, where state says %s", got, itemID)
		}
		diags.AddAttributeError(path.Root("access_token"), "New Access Token's Item Already Removed",
			plaid.Redact(fmt.Sprintf("%s failed: %s.\n\n"+
				"The new token's Item was removed, or its owner revoked access, so it is not this resource's current token: the token in state still reaches %s. "+
				"Put that token back in the configuration to keep managing the Item. "+
				"Removing the resource from the configuration instead removes that Item at Plaid (with the removal_method call), for good.",
				attempted, err, reaches)))
	case stopped(oldErr):
		diags.Append(interruptedDiagnostic(checkingOld))
	default:
		diags.AddAttributeError(path.Root("access_token"), failure,
			plaid.Redact(fmt.Sprintf("%s failed: %s.\n\n"+
				"The new token's Item was removed, or its owner revoked access. What to do depends on the token in state, which could not be checked. %s\n\n"+
				"Plan again once Plaid answers. Until then keep both the resource and this token in the configuration: if the token in state still reaches an Item, removing the resource removes that Item at Plaid; if Plaid rejects it, removing only the token leaves a destroy that fails on every run.",
				attempted, err, describePlaidError(checkingOld, oldErr, data))))
	}
	return diags
}
