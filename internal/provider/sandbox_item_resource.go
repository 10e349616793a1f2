package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

var (
	_ resource.Resource               = (*sandboxItemResource)(nil)
	_ resource.ResourceWithConfigure  = (*sandboxItemResource)(nil)
	_ resource.ResourceWithModifyPlan = (*sandboxItemResource)(nil)
)

// NewSandboxItemResource returns the plaid_sandbox_item resource.
func NewSandboxItemResource() resource.Resource { return &sandboxItemResource{} }

// sandboxItemResource creates a sandbox Item (as Plaid Link would, with
// test credentials) and removes it on destroy, like plaid_item.
type sandboxItemResource struct {
	data *providerData
}

type sandboxItemResourceModel struct {
	managedItemModel
	InstitutionID             types.String `tfsdk:"institution_id"`
	InitialProducts           types.List   `tfsdk:"initial_products"`
	OverrideUsername          types.String `tfsdk:"override_username"`
	OverridePassword          types.String `tfsdk:"override_password"`
	TransactionsDaysRequested types.Int64  `tfsdk:"transactions_days_requested"`
}

func (r *sandboxItemResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sandbox_item"
}

func (r *sandboxItemResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	replace := []planmodifier.String{stringplanmodifier.RequiresReplace()}
	attrs := managedItemAttributes()
	attrs["access_token"] = schema.StringAttribute{
		Computed:            true,
		Sensitive:           true,
		MarkdownDescription: "The new Item's access token (`access-sandbox-...`), for tests that call Plaid with it.",
		PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
	}
	attrs["institution_id"] = schema.StringAttribute{
		Optional:            true,
		Computed:            true,
		Default:             stringdefault.StaticString(plaid.DefaultSandboxInstitutionID),
		MarkdownDescription: "The sandbox institution to connect, default `" + plaid.DefaultSandboxInstitutionID + "` (First Platypus Bank). Changing it replaces the Item.",
		PlanModifiers:       replace,
	}
	attrs["initial_products"] = schema.ListAttribute{
		Optional:            true,
		Computed:            true,
		ElementType:         types.StringType,
		Default:             listdefault.StaticValue(types.ListValueMust(types.StringType, []attr.Value{types.StringValue("transactions")})),
		MarkdownDescription: "Products to initialise the Item with, default `[\"transactions\"]`. Changing them replaces the Item.",
		Validators: []validator.List{
			listvalidator.SizeAtLeast(1),
			listvalidator.ValueStringsAre(stringvalidator.OneOf(plaid.SandboxInitialProducts()...)),
		},
		PlanModifiers: []planmodifier.List{listplanmodifier.RequiresReplace()},
	}
	attrs["override_username"] = schema.StringAttribute{
		Optional:            true,
		MarkdownDescription: "Sandbox test username, such as `user_good` (Plaid's default) or `user_custom`. Changing it replaces the Item.",
		PlanModifiers:       replace,
	}
	attrs["override_password"] = schema.StringAttribute{
		Optional:            true,
		Sensitive:           true,
		MarkdownDescription: "Sandbox test password (Plaid's default is `pass_good`). Changing it replaces the Item.",
		PlanModifiers:       replace,
	}
	attrs["transactions_days_requested"] = schema.Int64Attribute{
		Optional:            true,
		MarkdownDescription: fmt.Sprintf("Days of transaction history to generate, %d to %d (Plaid's default is 90). Changing it replaces the Item.", plaid.MinTransactionsDaysRequested, plaid.MaxTransactionsDaysRequested),
		Validators:          []validator.Int64{int64validator.Between(plaid.MinTransactionsDaysRequested, plaid.MaxTransactionsDaysRequested)},
		PlanModifiers:       []planmodifier.Int64{int64planmodifier.RequiresReplace()},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Creates a sandbox Item with `/sandbox/public_token/create` and `/item/public_token/exchange`, for tests that need a fresh Item, and removes it on destroy (`/item/remove`, or `/item/products/terminate` with `removal_method = \"terminate\"`), " +
			"exactly as `plaid_item` does (an Item already gone counts as destroyed). Sandbox only: with `environment = \"production\"` it fails at plan time. " +
			detailsOnTheDataSource,
		Attributes: attrs,
		Blocks: map[string]schema.Block{
			"timeouts": timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

func (r *sandboxItemResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan refuses, at plan time, a removal note or webhook holding the
// secret or a token (which Terraform would show and Plaid keep), and
// sandbox Items anywhere but in the sandbox, where Plaid's endpoints would
// answer SANDBOX_ONLY.
func (r *sandboxItemResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.data == nil {
		return
	}
	checkRemovalNote(ctx, req.Plan, &resp.Diagnostics)
	checkWebhook(ctx, req.Plan, &resp.Diagnostics)
	if r.data.environment == plaid.Sandbox {
		return
	}
	resp.Diagnostics.AddError("Sandbox Items Need the Sandbox Environment",
		"plaid_sandbox_item creates test Items with Plaid's sandbox-only endpoints, but the provider is configured for "+string(r.data.environment)+
			". Use a provider configured with environment = \"sandbox\" (an alias works), or adopt existing production Items with plaid_item.")
}

func (r *sandboxItemResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan sandboxItemResourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := plan.Timeouts.Create(ctx, defaultItemReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	create := plaid.SandboxPublicTokenRequest{InstitutionID: plan.InstitutionID.ValueString()}
	resp.Diagnostics.Append(plan.InitialProducts.ElementsAs(ctx, &create.InitialProducts, false)...)
	opts := plaid.SandboxPublicTokenOptions{
		Webhook:          plan.Webhook.ValueString(),
		OverrideUsername: plan.OverrideUsername.ValueString(),
		OverridePassword: plan.OverridePassword.ValueString(),
	}
	if days := plan.TransactionsDaysRequested; !days.IsNull() {
		opts.Transactions = &plaid.SandboxTransactionsOpt{DaysRequested: int(days.ValueInt64())}
	}
	if opts != (plaid.SandboxPublicTokenOptions{}) {
		create.Options = &opts
	}
	publicToken, err := r.data.client.CreateSandboxPublicToken(ctx, create)
	if err != nil {
		addPlaidError(&resp.Diagnostics, "Could Not Create the Sandbox Item", "Creating a sandbox Item at "+create.InstitutionID+" with /sandbox/public_token/create", err, r.data)
		return
	}
	exchanged, err := r.data.client.ExchangePublicToken(ctx, publicToken)
	if err != nil {
		// The create went through, so the Item exists whatever the exchange
		// answered; without its access token Terraform cannot record it.
		addPlaidError(&resp.Diagnostics, "Could Not Exchange the Sandbox Public Token", "Exchanging the new Item's public token with /item/public_token/exchange (the sandbox Item it opens already exists)", err, r.data)
		var unknown *plaid.OutcomeUnknownError
		if !errors.As(err, &unknown) && !stopped(err) {
			resp.Diagnostics.AddError("A Sandbox Item Exists Outside Terraform State", orphanedSandboxItemStep)
		}
		return
	}
	tflog.Info(ctx, "Created sandbox Item", map[string]any{"item_id": exchanged.ItemID, "request_id": exchanged.RequestID})

	// The exchange's answer is all state needs: the webhook went with the
	// create, and the resource keeps nothing else that /item/get would
	// tell (the refresh that follows reads the Item like any other).
	plan.AccessToken = types.StringValue(exchanged.AccessToken)
	plan.ID = types.StringValue(exchanged.ItemID)
	plan.fillWithoutReading(exchanged.ItemID)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *sandboxItemResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	readManagedItem[sandboxItemResourceModel](ctx, r.data, sandboxItemGoneFromConfiguration, req, resp)
}

func (r *sandboxItemResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	updateManagedItem[sandboxItemResourceModel](ctx, r.data, req, resp)
}

func (r *sandboxItemResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	deleteManagedItem[sandboxItemResourceModel](ctx, r.data, req, resp)
}
