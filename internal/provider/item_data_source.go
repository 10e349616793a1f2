package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

var (
	_ datasource.DataSource              = (*itemDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*itemDataSource)(nil)
)

// NewItemDataSource returns the plaid_item data source.
func NewItemDataSource() datasource.DataSource { return &itemDataSource{} }

// itemDataSource reads an Item by its access token without managing it.
type itemDataSource struct {
	data *providerData
}

type itemDataSourceModel struct {
	ID          types.String     `tfsdk:"id"`
	AccessToken types.String     `tfsdk:"access_token"`
	Status      *itemStatusModel `tfsdk:"status"`
	itemFields
	itemDetails
}

type itemStatusModel struct {
	LastWebhookSentAt                types.String `tfsdk:"last_webhook_sent_at"`
	LastWebhookCode                  types.String `tfsdk:"last_webhook_code"`
	TransactionsLastSuccessfulUpdate types.String `tfsdk:"transactions_last_successful_update"`
	TransactionsLastFailedUpdate     types.String `tfsdk:"transactions_last_failed_update"`
}

func (d *itemDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_item"
}

func (d *itemDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	attrs := map[string]schema.Attribute{}
	for name, desc := range itemFieldDescriptions {
		attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	for name, desc := range itemDetailDescriptions {
		attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	for name, desc := range itemHealthDescriptions {
		attrs[name] = schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	for name, desc := range itemProductDescriptions {
		attrs[name] = schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: desc}
	}
	attrs["id"] = schema.StringAttribute{Computed: true, MarkdownDescription: "The Item's `item_id`."}
	attrs["access_token"] = schema.StringAttribute{
		Required:            true,
		Sensitive:           true,
		MarkdownDescription: "The access token of the Item to read, issued in the provider's `environment`.",
		Validators:          []validator.String{validAccessToken()},
	}
	attrs["status"] = schema.SingleNestedAttribute{
		Computed:            true,
		MarkdownDescription: "What Plaid reports of the Item's activity. Whether the Item is healthy is `error_code`: null when it is.",
		Attributes: map[string]schema.Attribute{
			"last_webhook_sent_at":                schema.StringAttribute{Computed: true, MarkdownDescription: "When Plaid last sent this Item a webhook (RFC 3339), or null."},
			"last_webhook_code":                   schema.StringAttribute{Computed: true, MarkdownDescription: "The code of the last webhook sent, such as `WEBHOOK_UPDATE_ACKNOWLEDGED`, or null."},
			"transactions_last_successful_update": schema.StringAttribute{Computed: true, MarkdownDescription: "When transactions were last updated successfully, or null."},
			"transactions_last_failed_update":     schema.StringAttribute{Computed: true, MarkdownDescription: "When a transactions update last failed, or null."},
		},
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads an Item by its access token with `/item/get`, without managing it: its institution, products and `status`, and its health as the resources show it. " +
			"For Items this configuration manages, read the health on `plaid_item` and `plaid_sandbox_item` instead: their refresh reads it with no request of its own, and a gone Item leaves state there with a warning while the others still show. " +
			"Here, an Item that no longer exists (revoked by its owner, or removed: `ITEM_NOT_FOUND`) fails the plan, naming the error, as nothing can be read; with `for_each` over many tokens, one gone Item stops the plan for all of them. " +
			"Remove its token from the configuration, as the error says. " +
			"There is deliberately no option to skip gone Items: the health of many Items, tolerating gone ones, is what the resources already give, and for Items another configuration manages, its outputs of their health (read with `terraform_remote_state`) have the same property, since its refresh drops gone Items.",
		Attributes: attrs,
	}
}

func (d *itemDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *itemDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg itemDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	checkTokenEnvironment(cfg.AccessToken, d.data.environment, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	got, err := d.data.client.GetItem(ctx, cfg.AccessToken.ValueString())
	switch {
	case plaid.IsItemNotFound(err):
		resp.Diagnostics.AddAttributeError(path.Root("access_token"), "Plaid Item No Longer Exists",
			fmt.Sprintf("Reading the Item with /item/get failed: %s.\n\nThe Item was removed, or its owner revoked access. Remove this data source, or give it the token of a live Item.", err))
		return
	case err != nil:
		resp.Diagnostics.Append(tokenRefused("Could Not Read the Plaid Item", "Reading the Item with /item/get", err, d.data)...)
		return
	}
	cfg.itemFields.fill(&got.Item)
	resp.Diagnostics.Append(cfg.itemDetails.fill(ctx, &got.Item)...)
	cfg.ID = cfg.ItemID
	cfg.Status = statusModel(got.Status)
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}

func statusModel(s *plaid.ItemStatus) *itemStatusModel {
	m := &itemStatusModel{
		LastWebhookSentAt: types.StringNull(), LastWebhookCode: types.StringNull(),
		TransactionsLastSuccessfulUpdate: types.StringNull(), TransactionsLastFailedUpdate: types.StringNull(),
	}
	if s == nil {
		return m
	}
	if s.LastWebhook != nil {
		m.LastWebhookSentAt = types.StringPointerValue(s.LastWebhook.SentAt)
		m.LastWebhookCode = types.StringPointerValue(s.LastWebhook.CodeSent)
	}
	if s.Transactions != nil {
		m.TransactionsLastSuccessfulUpdate = types.StringPointerValue(s.Transactions.LastSuccessfulUpdate)
		m.TransactionsLastFailedUpdate = types.StringPointerValue(s.Transactions.LastFailedUpdate)
	}
	return m
}
