package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

var (
	_ datasource.DataSource              = (*institutionDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*institutionDataSource)(nil)
)

// NewInstitutionDataSource returns the plaid_institution data source.
func NewInstitutionDataSource() datasource.DataSource { return &institutionDataSource{} }

// institutionDataSource reads a financial institution by id.
type institutionDataSource struct {
	data *providerData
}

type institutionDataSourceModel struct {
	ID            types.String `tfsdk:"id"`
	InstitutionID types.String `tfsdk:"institution_id"`
	CountryCodes  types.List   `tfsdk:"country_codes"`
	Name          types.String `tfsdk:"name"`
	Products      types.Set    `tfsdk:"products"`
	OAuth         types.Bool   `tfsdk:"oauth"`
	URL           types.String `tfsdk:"url"`
	Status        types.String `tfsdk:"status"`
}

func (d *institutionDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_institution"
}

func (d *institutionDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a financial institution with `/institutions/get_by_id`: its name, the products it supports, whether it connects through OAuth, and its login health.",
		Attributes: map[string]schema.Attribute{
			"id":             schema.StringAttribute{Computed: true, MarkdownDescription: "The `institution_id`."},
			"institution_id": schema.StringAttribute{Required: true, MarkdownDescription: "Plaid's institution id, such as `" + plaid.DefaultSandboxInstitutionID + "` (First Platypus Bank in sandbox)."},
			"country_codes": schema.ListAttribute{
				Optional: true, Computed: true, ElementType: types.StringType,
				MarkdownDescription: "ISO 3166-1 alpha-2 country codes to look the institution up in, default `[\"US\"]`.",
				Validators:          []validator.List{listvalidator.SizeAtLeast(1)},
			},
			"name":     schema.StringAttribute{Computed: true, MarkdownDescription: "The institution's name."},
			"products": schema.SetAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Plaid products the institution supports."},
			"oauth":    schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether Items at this institution connect through the institution's OAuth flow."},
			"url":      schema.StringAttribute{Computed: true, MarkdownDescription: "The institution's website, or null."},
			"status":   schema.StringAttribute{Computed: true, MarkdownDescription: "Health of logins at the institution (`HEALTHY`, `DEGRADED` or `DOWN`), or null when Plaid does not say."},
		},
	}
}

func (d *institutionDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *institutionDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg institutionDataSourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	countries := []string{"US"}
	if !cfg.CountryCodes.IsNull() {
		resp.Diagnostics.Append(cfg.CountryCodes.ElementsAs(ctx, &countries, false)...)
	}
	id := cfg.InstitutionID.ValueString()
	inst, err := d.data.client.GetInstitution(ctx, id, countries)
	if plaid.HasCode(err, plaid.CodeInvalidInstitution) {
		resp.Diagnostics.AddAttributeError(path.Root("institution_id"), "No Such Plaid Institution",
			fmt.Sprintf("Plaid knows no institution %q in %v: %s.\n\nCheck the id (sandbox institutions include ins_109508 to ins_109512) and country_codes.", id, countries, err))
		return
	}
	if err != nil {
		addPlaidError(&resp.Diagnostics, "Could Not Read the Plaid Institution", "Reading institution "+id+" with /institutions/get_by_id", err, d.data)
		return
	}
	countryList, d1 := types.ListValueFrom(ctx, types.StringType, countries)
	resp.Diagnostics.Append(d1...)
	cfg.CountryCodes = countryList
	cfg.ID = types.StringValue(inst.InstitutionID)
	cfg.Name = types.StringValue(inst.Name)
	products, d2 := types.SetValueFrom(ctx, types.StringType, inst.Products)
	resp.Diagnostics.Append(d2...)
	cfg.Products = products
	cfg.OAuth = types.BoolValue(inst.OAuth)
	cfg.URL = types.StringPointerValue(inst.URL)
	cfg.Status = types.StringNull()
	if inst.Status != nil && inst.Status.ItemLogins != nil && inst.Status.ItemLogins.Status != "" {
		cfg.Status = types.StringValue(inst.Status.ItemLogins.Status)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &cfg)...)
}
