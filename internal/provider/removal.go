package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// removalReasonAttributes are the settings every Item-removing resource
// shares. They only shape the destroy request, so changing them updates
// state alone.
func removalReasonAttributes() map[string]schema.Attribute {
	remove, terminate := removalMethods[removalMethodRemove], removalMethods[removalMethodTerminate]
	return map[string]schema.Attribute{
		"removal_method": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "How destroy ends the Item at Plaid: `remove` (the default when unset) calls `/item/remove`, as this provider always has; " +
				"`terminate` calls `/item/products/terminate`, which Plaid recommends for offboarding users and which requires `removal_reason_code`. " +
				"Either way the access token stops working and billing for the Item ends, and an Item already gone (`ITEM_NOT_FOUND`) counts as destroyed. " +
				"Changing it updates state only, with no call to Plaid.",
			Validators: []validator.String{stringvalidator.OneOf(removalMethodRemove, removalMethodTerminate)},
		},
		"removal_reason_code": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Why the Item is ended, sent as `reason_code` on destroy. Each call takes its own codes, checked at plan time against the one `removal_method` picks. " +
				"With `remove` it is optional (left out of the request when unset) and one of " + codeList(remove.codes) + ". " +
				"With `terminate` it is required and one of " + codeList(terminate.codes) + ". " +
				"Changing it updates state only, with no call to Plaid.",
			Validators: []validator.String{validReasonCodeForMethod()},
		},
		"removal_reason_note": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Free text sent as `reason_note` on destroy with either method, at most %d characters. ", plaid.MaxReasonNoteLength) +
				"Plaid forbids personal data here: a note that looks like it holds an email address or phone number gets a warning at plan time. Left out of the request when unset. " +
				"Changing it updates state only, with no call to Plaid.",
			Validators: []validator.String{stringvalidator.UTF8LengthAtMost(plaid.MaxReasonNoteLength), validNoPersonalData()},
		},
	}
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
	// The outcome is logged on a masked context, like the request itself.
	ctx = tflog.SetField(plaid.WithLogMasks(ctx), "item_id", itemID)
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
