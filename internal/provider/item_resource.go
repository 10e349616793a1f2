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
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
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

type itemResourceModel struct {
	ID                types.String   `tfsdk:"id"`
	AccessToken       types.String   `tfsdk:"access_token"`
	RemovalReasonCode types.String   `tfsdk:"removal_reason_code"`
	RemovalReasonNote types.String   `tfsdk:"removal_reason_note"`
	Timeouts          timeouts.Value `tfsdk:"timeouts"`
	itemFields
}

// Default operation timeouts. Delete is long because a big teardown waits
// its turn under the client-side rate limit.
const (
	defaultItemReadTimeout   = 5 * time.Minute
	defaultItemDeleteTimeout = 20 * time.Minute
)

func (r *itemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

func (r *itemResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := itemComputedAttributes()
	for name, a := range removalReasonAttributes() {
		attrs[name] = a
	}
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "The Item's `item_id`. Never the access token.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["access_token"] = schema.StringAttribute{
		Required:  true,
		Sensitive: true,
		MarkdownDescription: "The Item's access token (`access-sandbox-...` or `access-production-...`), issued in the provider's `environment`. " +
			"Creating the resource checks the token with `/item/get` and records the Item; nothing is created at Plaid. Changing it replaces the resource, which removes the old Item.",
		Validators:    []validator.String{accessTokenFormat()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Brings an existing Plaid Item under Terraform through its access token, and removes the Item with `/item/remove` on destroy. " +
			"An Item that is already gone (`ITEM_NOT_FOUND`) leaves state on refresh and counts as destroyed.",
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Delete: true}),
		},
	}
}

func (r *itemResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan checks, at plan time, that the token belongs to the provider's
// environment: Plaid would only answer INVALID_ACCESS_TOKEN at apply.
func (r *itemResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	var token types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("access_token"), &token)...)
	checkTokenEnvironment(token, r.data.environment, &resp.Diagnostics)
}

func (r *itemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan itemResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	checkTokenEnvironment(plan.AccessToken, r.data.environment, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultItemReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	got, err := r.data.client.GetItem(ctx, plan.AccessToken.ValueString())
	if err != nil {
		resp.Diagnostics.Append(adoptionFailed(err, r.data.environment)...)
		return
	}
	resp.Diagnostics.Append(plan.fill(ctx, &got.Item)...)
	plan.ID = plan.ItemID
	tflog.Info(ctx, "Adopted Plaid Item", map[string]any{"item_id": got.Item.ItemID, "request_id": got.RequestID})
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *itemResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state itemResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Read(ctx, defaultItemReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	got, err := r.data.client.GetItem(ctx, state.AccessToken.ValueString())
	if plaid.IsItemNotFound(err) {
		resp.Diagnostics.Append(itemGoneWarning(state.ItemID.ValueString()))
		resp.State.RemoveResource(ctx)
		return
	}
	if plaid.HasCode(err, plaid.CodeInvalidAccessToken) {
		// Not proof of removal, and failing here would block the way out
		// (a removed block refreshes first): keep state as it was.
		resp.Diagnostics.AddWarning("Plaid Rejected the Access Token: the Item May Still Exist",
			invalidTokenDetail("Refreshing Item "+state.ItemID.ValueString()+" with /item/get", err, r.data.environment))
		return
	}
	if err != nil {
		addPlaidError(&resp.Diagnostics, "Could Not Read the Plaid Item", "Reading Item "+state.ItemID.ValueString()+" with /item/get", err, r.data.environment)
		return
	}
	resp.Diagnostics.Append(state.fill(ctx, &got.Item)...)
	state.ID = state.ItemID
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

// Update only ever changes the removal reason or timeouts: everything else
// is computed or forces replacement. Those settings live in state until
// destroy, so no call to Plaid is needed.
func (r *itemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan itemResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *itemResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state itemResourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := state.Timeouts.Delete(ctx, defaultItemDeleteTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	resp.Diagnostics.Append(removeItem(ctx, r.data, state.AccessToken.ValueString(), state.ItemID.ValueString(), state.RemovalReasonCode, state.RemovalReasonNote)...)
}

// ImportState accepts the access token, or env:NAME to read it from the
// environment variable NAME; the Read that follows fills in the rest.
func (r *itemResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	token, err := parseImportID(req.ID, osEnv)
	if err != nil {
		resp.Diagnostics.AddError("Invalid Import ID", err.Error()+".\n\nExamples: terraform import plaid_item.example env:PLAID_ACCESS_TOKEN, or an import block with id = \"env:PLAID_ACCESS_TOKEN\".")
		return
	}
	if r.data != nil {
		checkTokenEnvironment(types.StringValue(token), r.data.environment, &resp.Diagnostics)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("access_token"), token)...)
}

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
		diags.AddAttributeError(path.Root("access_token"), "Invalid Plaid Access Token", err.Error()+".")
		return
	}
	if tokenEnv != env {
		diags.AddAttributeError(path.Root("access_token"), "Access Token From Another Environment",
			fmt.Sprintf("The access token was issued in Plaid's %s environment, but the provider is configured for %s, where Plaid would reject it. Set the provider's environment (or %s) to %q, or use a %s token.", tokenEnv, env, envEnvironment, tokenEnv, env))
	}
}

// adoptionFailed explains why /item/get refused a token being adopted.
func adoptionFailed(err error, env plaid.Environment) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case plaid.HasCode(err, plaid.CodeInvalidAccessToken):
		diags.AddAttributeError(path.Root("access_token"), "Plaid Rejected the Access Token",
			fmt.Sprintf("Adopting the Item with /item/get failed: %s.\n\nPlaid does not recognise this token in %s. Likely causes: it was rotated with /item/access_token/invalidate (use the new token), it belongs to another client_id than the provider's, or it was copied incompletely. Check where the token came from.", err, env))
	case plaid.IsItemNotFound(err):
		diags.AddAttributeError(path.Root("access_token"), "Plaid Item Already Removed",
			fmt.Sprintf("Adopting the Item with /item/get failed: %s.\n\nThe Item behind this token was removed, or its owner revoked access. There is nothing to manage: remove the token from the configuration.", err))
	default:
		addPlaidError(&diags, "Could Not Adopt the Plaid Item", "Adopting the Item with /item/get", err, env)
	}
	return diags
}

// itemGoneWarning tells the user why a resource left state on refresh.
func itemGoneWarning(itemID string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Plaid Item No Longer Exists",
		fmt.Sprintf("Plaid answered ITEM_NOT_FOUND for Item %s: it was removed outside Terraform, or its owner revoked permission (for example at my.plaid.com). It has been removed from state; plan again to see what Terraform will do.", itemID))
}
