package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"
)

var (
	_ resource.Resource                = (*itemResource)(nil)
	_ resource.ResourceWithConfigure   = (*itemResource)(nil)
	_ resource.ResourceWithImportState = (*itemResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*itemResource)(nil)
)

// NewItemResource returns the plaid_item resource.
func NewItemResource() resource.Resource { return &itemResource{} }

// itemResource adopts an Item through its existing access token and
// removes the Item on destroy.
type itemResource struct {
	data *providerData
}

// itemResourceModel is the shared Item model: plaid_item configures nothing
// beyond it.
type itemResourceModel struct {
	managedItemModel
}

func (r *itemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

func (r *itemResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := managedItemAttributes()
	attrs["access_token"] = schema.StringAttribute{
		Required:  true,
		Sensitive: true,
		MarkdownDescription: "The Item's access token (`access-sandbox-...` or `access-production-...`), issued in the provider's `environment`. " +
			"Creating the resource checks the token with `/item/get` and records the Item; nothing is created at Plaid. " +
			"A new token for the same Item (after `/item/access_token/invalidate`) updates the resource in place: the plan checks it with `/item/get` when it is known, and apply checks again and refuses a token of another Item. " +
			"A token of another Item plans a replacement, with a warning: the old Item is removed at Plaid, for good.",
		Validators: []validator.String{validAccessToken()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Brings an existing Plaid Item under Terraform through its access token, and removes the Item on destroy with `/item/remove`, or with `/item/products/terminate` when `removal_method = \"terminate\"`. " +
			"An Item that is already gone (`ITEM_NOT_FOUND`) leaves state on refresh and counts as destroyed. " +
			detailsOnTheDataSource,
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *itemResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks, at plan time, that the token belongs to the provider's
// environment: Plaid would only answer INVALID_ACCESS_TOKEN at apply. It
// also refuses the plans that would remove an Item and then adopt it again,
// which cannot work: a replacement by the same token (-replace,
// replace_triggered_by), and a destroy at one address while another adopts
// the same token (a renamed for_each key; see planWalk and planDestroy).
func (r *itemResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if r.data == nil {
		return
	}
	if req.Plan.Raw.IsNull() {
		r.planDestroy(ctx, req, resp)
		return
	}
	var token types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("access_token"), &token)...)
	checkTokenEnvironment(token, r.data.environment, &resp.Diagnostics)
	checkRemovalNote(ctx, req.Plan, &resp.Diagnostics)
	checkWebhook(ctx, req.Plan, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	if req.State.Raw.IsNull() {
		refuseReplacementBySameToken(ctx, r.data.walk, req, resp)
		if !resp.Diagnostics.HasError() && !token.IsUnknown() && !token.IsNull() {
			if itemID := r.data.walk.planAdoption(token.ValueString()); itemID != "" {
				resp.Diagnostics.Append(removalOfAdoptedItem(itemID))
			} else if itemID := r.data.walk.refreshedItem(token.ValueString()); itemID != "" {
				resp.Diagnostics.Append(adoptionOfManagedItem(itemID))
			}
		}
		return
	}
	var prior itemResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	itemID := prior.ItemID.ValueString()
	// Told to the create half of a replacement, should Terraform plan one
	// (see refuseReplacementBySameToken).
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedItemKey, r.data.walk.replacementMarker(itemID))...)
	if token.IsUnknown() || token.Equal(prior.AccessToken) {
		return // a token known only at apply is checked there (see checkSameItem)
	}
	got, err := r.data.client.GetItem(ctx, token.ValueString())
	if err != nil {
		// A warning, not an error: this plan may be the refresh that
		// terraform destroy makes first, which an error would block. The
		// update's own check (checkSameItem) fails the apply.
		for _, d := range newTokenRefused(ctx, r.data, itemID, prior.AccessToken.ValueString(), err) {
			resp.Diagnostics.AddAttributeWarning(path.Root("access_token"), d.Summary(), d.Detail()+"\n\nApplying this plan will fail at this check; nothing is removed.")
		}
		return
	}
	if got.Item.ItemID == itemID {
		return // the same Item under a rotated token: an update in place
	}
	resp.RequiresReplace = append(resp.RequiresReplace, path.Root("access_token"))
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedItemKey, nil)...)
	// The replacement removes the Item in state: no other address may
	// adopt its token in the same plan.
	if r.data.walk.planRemoval(prior.AccessToken.ValueString(), itemID) {
		resp.Diagnostics.Append(removalOfAdoptedItem(itemID))
		return
	}
	resp.Diagnostics.AddAttributeWarning(path.Root("access_token"), "Replacing an Adopted Item Removes It at Plaid",
		fmt.Sprintf("The new access token belongs to Item %s, not to Item %s that this resource manages. Applying this plan removes Item %s at Plaid (with the removal_method call), for good: Terraform cannot create an adopted Item again. Then it adopts Item %s.\n\n"+
			"If Item %s must live on, forget it first: terraform state list -id=%s prints this resource's address, then terraform state rm '<address>'.",
			got.Item.ItemID, itemID, itemID, got.Item.ItemID, itemID, itemID))
}

// planDestroy is ModifyPlan for a planned destroy (Terraform >= 1.3 plans
// destroys through the provider too): it records the removal, and fails
// when another address of the same plan adopts the Item's token.
func (r *itemResource) planDestroy(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.State.Raw.IsNull() {
		return
	}
	var prior itemResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() || prior.AccessToken.IsNull() || prior.AccessToken.IsUnknown() {
		return
	}
	if r.data.walk.planRemoval(prior.AccessToken.ValueString(), prior.ItemID.ValueString()) {
		resp.Diagnostics.Append(removalOfAdoptedItem(prior.ItemID.ValueString()))
	}
}

// replacedItemKey is the private-state key under which the plan of an
// existing plaid_item records its item_id. When Terraform then replaces the
// resource anyway (-replace, replace_triggered_by), it plans the create half
// with a null prior state and this plan's private state, which is how that
// plan can tell it apart from a new resource.
//
// The marker belongs to that one plan. The framework copies a plan's private
// state into the state an update writes, and Read keeps what it is given, so
// Read and Update drop the key; and the marker names the walk that wrote it,
// so that one left in state by an earlier version (or any path this misses)
// is ignored rather than mistaken for a replacement: the create planned
// after an Item was found gone must not trip on it.
const replacedItemKey = "replaced_item_id"

// replacementMarker is the value of replacedItemKey: the Item the plan
// would replace, and the walk whose plan wrote it.
type replacementMarker struct {
	ItemID string `json:"item_id"`
	Walk   string `json:"walk"`
}

func (w *planWalk) replacementMarker(itemID string) []byte {
	b, _ := json.Marshal(replacementMarker{ItemID: itemID, Walk: w.id})
	return b
}

// refuseReplacementBySameToken fails the plan of a replacement that would
// remove the Item at Plaid and then adopt the same token again, which Plaid
// must refuse: the Item is gone, and Terraform cannot create it. A warning
// would not do: Terraform drops the warnings of this second plan. A
// replacement for another Item's token clears the key (ModifyPlan). A marker
// from another walk is stale (see replacedItemKey) and is ignored.
func refuseReplacementBySameToken(ctx context.Context, walk *planWalk, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	raw, diags := req.Private.GetKey(ctx, replacedItemKey)
	resp.Diagnostics.Append(diags...)
	var m replacementMarker
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil || m.ItemID == "" || walk == nil || m.Walk != walk.id {
		return
	}
	itemID := m.ItemID
	resp.Diagnostics.AddError("Replacing an Adopted Item Cannot Work",
		fmt.Sprintf("This plan replaces the resource for Item %s (-replace or replace_triggered_by): destroy would remove Item %s at Plaid, for good, and the create that follows would adopt the same access token, which Plaid then refuses. Terraform cannot create an adopted Item again.\n\n"+
			"Drop -replace (or replace_triggered_by) for this resource. To remove the Item, take the resource out of the configuration and apply; to stop managing it without removing it, terraform state rm it.",
			itemID, itemID))
}

// Create adopts the Item. It never returns a state object with an error:
// Terraform would record that object as tainted, and the next apply would
// replace it, which removes the Item at Plaid and then fails to adopt the
// same token again. Adoption records nothing at Plaid, so returning no state
// is safe: the next apply simply adopts again.
func (r *itemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	defer func() {
		if resp.Diagnostics.HasError() {
			resp.State.RemoveResource(ctx)
		}
	}()
	var plan itemResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	checkTokenEnvironment(plan.AccessToken, r.data.environment, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultItemReadTimeout)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	token := plan.AccessToken.ValueString()
	got, err := r.data.client.GetItem(ctx, token)
	if err != nil {
		resp.Diagnostics.Append(tokenRefused("Could Not Adopt the Plaid Item", "Adopting the Item with /item/get", err, r.data)...)
		return
	}
	configuredWebhook := plan.Webhook
	_, diags = syncWebhook(ctx, r.data, token, configuredWebhook, &got.Item)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	plan.fillKeepingClearedWebhook(&got.Item, configuredWebhook)
	plan.ID = plan.ItemID
	tflog.Info(ctx, "Adopted Plaid Item", map[string]any{"item_id": got.Item.ItemID, "request_id": got.RequestID})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *itemResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readManagedItem[itemResourceModel](ctx, r.data, itemGoneFromConfiguration, req, resp)
	// A marker is for the plan that wrote it (see replacedItemKey); this
	// also clears one an earlier version left in state.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedItemKey, nil)...)
	if resp.State.Raw.IsNull() || resp.Diagnostics.HasError() || r.data == nil {
		return
	}
	var token, itemID types.String
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("access_token"), &token)...)
	resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("item_id"), &itemID)...)
	r.data.walk.noteRefreshed(token.ValueString(), itemID.ValueString())
}

func (r *itemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateManagedItem[itemResourceModel](ctx, r.data, req, resp)
	// The framework copies the plan's private state into the new state.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, replacedItemKey, nil)...)
}

func (r *itemResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteManagedItem[itemResourceModel](ctx, r.data, req, resp)
}

// ImportState accepts the access token, or env:NAME to read it from the
// environment variable NAME; the Read that follows fills in the rest.
func (r *itemResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	token, err := parseImportID(req.ID, osEnv)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", sentence(err)+"\n\nExamples: terraform import plaid_item.example env:PLAID_ACCESS_TOKEN, or an import block with id = \"env:PLAID_ACCESS_TOKEN\".")
		return
	}
	if !strings.HasPrefix(strings.TrimSpace(req.ID), importFromEnvPrefix) {
		resp.Diagnostics.AddWarning("Import ID Holds the Access Token",
			"Terraform prints import IDs in its output and logs, even when they come from a sensitive variable, so this access token may now be in your terminal, CI logs or TF_LOG output. "+
				"Import with env:NAME instead, with the token in the environment variable NAME: terraform import ADDRESS env:PLAID_ACCESS_TOKEN, or id = \"env:PLAID_ACCESS_TOKEN\" in an import block.")
	}
	if r.data != nil {
		checkTokenEnvironment(types.StringValue(token), r.data.environment, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("access_token"), token)...)
}
