package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The model and attributes that plaid_item, plaid_sandbox_item and the
// plaid_item data source share, so that they read alike; item_lifecycle.go
// acts on them.

// itemFields are what every resource and data source showing an Item
// records of it: its identity, its webhook, which the resources can change
// in place, and its health.
type itemFields struct {
	ItemID  types.String `tfsdk:"item_id"`
	Webhook types.String `tfsdk:"webhook"`
	itemHealth
}

// itemDetails are the rest of what /item/get tells about an Item, shown by
// the plaid_item data source only: nobody acts on them in a plan. Terraform
// writes the whole state file again after every instance it changes, so
// each byte of an Item's state costs a big run N times over: on the
// resources these fields were a quarter of an Item's state and, with the
// product sets before them, what kept a 500-Item destroy at 1.3 times
// time_static's (BENCHMARKS.md). Nothing a resource does depends on them.
type itemDetails struct {
	InstitutionID     types.String `tfsdk:"institution_id"`
	InstitutionName   types.String `tfsdk:"institution_name"`
	UpdateType        types.String `tfsdk:"update_type"`
	Products          types.Set    `tfsdk:"products"`
	BilledProducts    types.Set    `tfsdk:"billed_products"`
	AvailableProducts types.Set    `tfsdk:"available_products"`
	ConsentedProducts types.Set    `tfsdk:"consented_products"`
}

// detailsOnTheDataSource ends both Item resources' descriptions.
const detailsOnTheDataSource = "The resource keeps what it manages and the Item's health (`error_code`, `consent_expiration_time`), read by the refresh it makes anyway; the rest of what Plaid says of the Item (institution, products, status) is on the [`plaid_item` data source](../data-sources/item.md), given the same `access_token`."

// itemFieldDescriptions document itemFields once for every schema.
var itemFieldDescriptions = map[string]string{
	"item_id": "Plaid's `item_id`: the Item's stable, case-sensitive identifier. Safe to show; it grants no access.",
	"webhook": "The URL Plaid sends this Item's webhooks to, or null when none is set.",
}

// itemDetailDescriptions document itemDetails' strings.
var itemDetailDescriptions = map[string]string{
	"institution_id":   "The institution the Item is connected to, such as `" + plaid.DefaultSandboxInstitutionID + "`. Null for Items created without an institution connection.",
	"institution_name": "The name of the institution, such as `First Platypus Bank`.",
	"update_type":      "`background` when Plaid can refresh the Item on its own, `user_present_required` when the user must be present.",
}

// itemProductDescriptions document itemDetails' product sets.
var itemProductDescriptions = map[string]string{
	"products":           "Products the Item was initialised with.",
	"billed_products":    "Products the Item is being billed for.",
	"available_products": "Products available for the Item that have not been used yet.",
	"consented_products": "Products the end user consented to.",
}

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
	attrs := map[string]schema.Attribute{
		"item_id": schema.StringAttribute{Computed: true, MarkdownDescription: itemFieldDescriptions["item_id"],
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
	}
	for name, a := range removalReasonAttributes() {
		attrs[name] = a
	}
	attrs["webhook"] = webhookAttribute()
	for name, desc := range itemHealthDescriptions {
		attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc + " " + healthOnTheResource,
			PlanModifiers: []planmodifier.String{healthFromStateUnlessRead{}}}
	}
	attrs["id"] = schema.StringAttribute{
		Computed:            true,
		MarkdownDescription: "The Item's `item_id`. Never the access token.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	return attrs
}

// webhookAttribute is the webhook of a resource: set, changed or cleared
// in place through /item/webhook/update. Left out of the configuration, the
// Item's current webhook is read and never overwritten.
func webhookAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		Optional: true,
		Computed: true,
		MarkdownDescription: "The URL Plaid sends this Item's webhooks to. Setting or changing it calls `/item/webhook/update` in place (Plaid then sends `WEBHOOK_UPDATE_ACKNOWLEDGED` to the new URL); " +
			"`\"\"` clears it. When left out, the Item's current webhook is read and never overwritten. " +
			"A URL with a user name or password in it, or holding an access token or the provider's secret, fails at plan: Terraform shows the webhook in every plan.",
		Validators:    []validator.String{validWebhookURL()},
		PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
}

// checkWebhook fails the plan when webhook holds the provider's secret, a
// token the provider has handled, or the resource's own access token:
// Plaid would take it, and the answer that echoes it back would then be
// refused (plaid.HoldsIssuedToken is the same test). validWebhookURL
// checks the shape of a token; the secret is known only once the provider
// is configured, which ModifyPlan follows.
func checkWebhook(ctx context.Context, plan tfsdk.Plan, diags *diag.Diagnostics) {
	var webhook, token types.String
	diags.Append(plan.GetAttribute(ctx, path.Root("webhook"), &webhook)...)
	diags.Append(plan.GetAttribute(ctx, path.Root("access_token"), &token)...)
	if webhook.IsNull() || webhook.IsUnknown() {
		return
	}
	if plaid.HoldsIssuedToken(webhook.ValueString(), token.ValueString()) {
		diags.AddAttributeError(path.Root("webhook"), "Webhook URL Holds a Plaid Token", webhookHoldsACredential)
	}
}

// fill sets the fields from Plaid's answer.
func (f *itemFields) fill(it *plaid.Item) {
	f.ItemID = types.StringValue(it.ItemID)
	f.Webhook = types.StringPointerValue(it.Webhook)
	f.itemHealth.fill(it)
}

// fill sets the details from Plaid's answer.
func (f *itemDetails) fill(ctx context.Context, it *plaid.Item) diag.Diagnostics {
	f.InstitutionID = types.StringPointerValue(it.InstitutionID)
	f.InstitutionName = types.StringPointerValue(it.InstitutionName)
	f.UpdateType = types.StringValue(it.UpdateType)
	var diags diag.Diagnostics
	set := func(values []string) types.Set {
		if values == nil {
			return types.SetNull(types.StringType)
		}
		s, d := types.SetValueFrom(ctx, types.StringType, values)
		diags.Append(d...)
		return s
	}
	f.Products = set(it.Products)
	f.BilledProducts = set(it.BilledProducts)
	f.AvailableProducts = set(it.AvailableProducts)
	f.ConsentedProducts = set(it.ConsentedProducts)
	return diags
}

// fillWithoutReading gives every field a known value without reading the
// Item, for a sandbox Item just created: a webhook left out is null, and
// the Item is healthy, as Link only hands out Items it could connect (the
// refresh that follows reads the Item like any other).
func (f *itemFields) fillWithoutReading(itemID string) {
	f.ItemID = types.StringValue(itemID)
	if f.Webhook.IsUnknown() {
		f.Webhook = types.StringNull()
	}
	f.ErrorCode = types.StringNull()
	f.ConsentExpirationTime = types.StringNull()
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

// currentItem is the Item as state knows it, for syncWebhook when no fresh
// read is needed.
func (f *itemFields) currentItem() *plaid.Item {
	return &plaid.Item{ItemID: f.ItemID.ValueString(), Webhook: f.Webhook.ValueStringPointer()}
}
