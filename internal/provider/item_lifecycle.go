package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// plaid_item and plaid_sandbox_item differ only in how the Item comes to be
// (adopted through a token, or created in the sandbox). Once it exists, both
// read, update and remove it the same way: that lifecycle is here, written
// once over the part of the model they share.

// Default operation timeouts. Delete is long because a big teardown waits
// its turn under the client-side rate limit.
const (
	defaultItemReadTimeout   = 5 * time.Minute
	defaultItemDeleteTimeout = 20 * time.Minute
)

// managedItemModel is what both Item resources manage the same way; each
// resource's model embeds it.
type managedItemModel struct {
	ID                types.String   `tfsdk:"id"`
	AccessToken       types.String   `tfsdk:"access_token"`
	RemovalMethod     types.String   `tfsdk:"removal_method"`
	RemovalReasonCode types.String   `tfsdk:"removal_reason_code"`
	RemovalReasonNote types.String   `tfsdk:"removal_reason_note"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	itemFields
}

func (m *managedItemModel) managed() *managedItemModel { return m }

// itemModel is a pointer to a resource model that embeds managedItemModel.
type itemModel[M any] interface {
	*M
	managed() *managedItemModel
}

// managedItemAttributes are the attributes of managedItemModel except
// access_token, whose meaning differs: configured for plaid_item, computed
// for plaid_sandbox_item.
func managedItemAttributes() map[string]schema.Attribute {
	attrs := itemComputedAttributes()
	for name, a := range removalReasonAttributes() {
		attrs[name] = a
	}
	attrs["webhook"] = webhookAttribute()
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "The Item's `item_id`. Never the access token.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	return attrs
}

// readManagedItem refreshes the Item, and removes the resource from state
// when Plaid says the Item is gone (see refreshItem).
func readManagedItem[M any, P itemModel[M]](ctx context.Context, data *providerData, req resource.ReadRequest, resp *resource.ReadResponse) {
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

	gone, diags := refreshItem(ctx, data, m.AccessToken.ValueString(), &m.itemFields)
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

	if !p.AccessToken.Equal(s.AccessToken) {
		resp.Diagnostics.Append(checkSameItem(ctx, data, p.AccessToken.ValueString(), &s.itemFields)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(updateWebhookInPlace(ctx, data, p.AccessToken.ValueString(), &p.itemFields, &s.itemFields)...)
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

// checkSameItem is apply's check of a token changed in place: it must
// belong to the Item in state. Anything else is refused, and nothing is
// removed: the plan may have been made before the token was known.
func checkSameItem(ctx context.Context, data *providerData, token string, state *itemFields) diag.Diagnostics {
	itemID := state.ItemID.ValueString()
	got, err := data.client.GetItem(ctx, token)
	if err != nil {
		return tokenRefused("Could Not Check the New Access Token", "Checking the new access token of Item "+itemID+" with /item/get", err, data)
	}
	var diags diag.Diagnostics
	if got.Item.ItemID != itemID {
		diags.AddAttributeError(path.Root("access_token"), "Access Token of Another Item",
			fmt.Sprintf("The new access token belongs to Item %s, not to Item %s that this resource manages, so it cannot update the resource in place. Nothing was changed or removed. "+
				"Put Item %s's current token in the configuration; or, to manage Item %s instead, plan again now that the token is known: the plan then shows the replacement, which removes Item %s at Plaid.",
				got.Item.ItemID, itemID, itemID, got.Item.ItemID, itemID))
	}
	return diags
}
