package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The model and attributes that plaid_item, plaid_sandbox_item and the
// plaid_item data source share, so that they read alike; item_lifecycle.go
// acts on them.

// itemFields are what /item/get tells about an Item that every resource
// and data source showing an Item has, so they read alike.
type itemFields struct {
	ItemID                types.String `tfsdk:"item_id"`
	InstitutionID         types.String `tfsdk:"institution_id"`
	InstitutionName       types.String `tfsdk:"institution_name"`
	Webhook               types.String `tfsdk:"webhook"`
	ConsentExpirationTime types.String `tfsdk:"consent_expiration_time"`
	UpdateType            types.String `tfsdk:"update_type"`
	ErrorCode             types.String `tfsdk:"error_code"`
}

// itemProductFields are the Item's product sets, shown by the plaid_item
// data source only. On the resources they were a quarter of each Item's
// state and, since the framework plans every top-level attribute of every
// instance, they cost terraform and the provider about a quarter of the CPU
// of a big adoption (BENCHMARKS.md) for values a resource never acts on.
type itemProductFields struct {
	Products          types.Set `tfsdk:"products"`
	BilledProducts    types.Set `tfsdk:"billed_products"`
	AvailableProducts types.Set `tfsdk:"available_products"`
	ConsentedProducts types.Set `tfsdk:"consented_products"`
}

// itemFieldDescriptions document each field once for every schema.
var itemFieldDescriptions = map[string]string{
	"item_id":                 "Plaid's `item_id`: the Item's stable, case-sensitive identifier. Safe to show; it grants no access.",
	"institution_id":          "The institution the Item is connected to, such as `" + plaid.DefaultSandboxInstitutionID + "`. Null for Items created without an institution connection.",
	"institution_name":        "The name of the institution, such as `First Platypus Bank`.",
	"webhook":                 "The URL Plaid sends this Item's webhooks to, or null when none is set.",
	"consent_expiration_time": "When the Item's consent expires (RFC 3339), or null when it does not.",
	"update_type":             "`background` when Plaid can refresh the Item on its own, `user_present_required` when the user must be present.",
	"error_code":              "The Item's own error, such as `ITEM_LOGIN_REQUIRED` when the user must log in again through Link update mode; null when the Item is healthy. An Item in error still exists and is still removed on destroy.",
}

// itemProductFieldDescriptions document the product sets.
var itemProductFieldDescriptions = map[string]string{
	"products":           "Products the Item was initialised with.",
	"billed_products":    "Products the Item is being billed for.",
	"available_products": "Products available for the Item that have not been used yet.",
	"consented_products": "Products the end user consented to.",
}

// itemComputedAttributes are the itemFields as computed resource attributes.
// Their values change only through a refresh, so plans keep the state's.
func itemComputedAttributes() map[string]schema.Attribute {
	attrs := map[string]schema.Attribute{}
	for name, desc := range itemFieldDescriptions {
		attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc,
			PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}}
	}
	return attrs
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

// fill sets the fields from Plaid's answer.
func (f *itemFields) fill(it *plaid.Item) {
	f.ItemID = types.StringValue(it.ItemID)
	f.InstitutionID = types.StringPointerValue(it.InstitutionID)
	f.InstitutionName = types.StringPointerValue(it.InstitutionName)
	f.Webhook = types.StringPointerValue(it.Webhook)
	f.ConsentExpirationTime = types.StringPointerValue(it.ConsentExpirationTime)
	f.UpdateType = types.StringValue(it.UpdateType)
	f.ErrorCode = types.StringNull()
	if it.Error != nil && it.Error.ErrorCode != "" {
		f.ErrorCode = types.StringValue(it.Error.ErrorCode)
	}
}

// fill sets the product sets from Plaid's answer.
func (f *itemProductFields) fill(ctx context.Context, it *plaid.Item) diag.Diagnostics {
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

// setUnknownToNull gives every field a known value when Plaid could not be
// read, so that state can record an Item that exists.
func (f *itemFields) setUnknownToNull(itemID string) {
	f.ItemID = types.StringValue(itemID)
	for _, s := range []*types.String{&f.InstitutionID, &f.InstitutionName, &f.Webhook, &f.ConsentExpirationTime, &f.UpdateType, &f.ErrorCode} {
		if s.IsUnknown() {
			*s = types.StringNull()
		}
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

// currentItem is the Item as state knows it, for syncWebhook when no fresh
// read is needed.
func (f *itemFields) currentItem() *plaid.Item {
	return &plaid.Item{ItemID: f.ItemID.ValueString(), Webhook: f.Webhook.ValueStringPointer()}
}
