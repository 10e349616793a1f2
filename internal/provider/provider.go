// Package provider implements the plaid Terraform provider on
// terraform-plugin-framework.
package provider

import (
	"context"
	"strconv"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/action"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// RegistryAddress is where the provider is published.
const RegistryAddress = "registry.terraform.io/ledgerline/plaid"

var (
	_ provider.Provider            = (*plaidProvider)(nil)
	_ provider.ProviderWithActions = (*plaidProvider)(nil)
)

// New returns a constructor for the provider at the given version.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &plaidProvider{version: version} }
}

type plaidProvider struct {
	version string
}

// The environment variables each setting falls back to when the provider
// block leaves it out.
const (
	envClientID    = "PLAID_CLIENT_ID"
	envSecret      = "PLAID_SECRET"
	envEnvironment = "PLAID_ENV"
	envBaseURL     = "PLAID_BASE_URL"
	envGateway     = "PLAID_GATEWAY"
)

// providerModel is the provider block.
type providerModel struct {
	ClientID          types.String `tfsdk:"client_id"`
	Secret            types.String `tfsdk:"secret"`
	Environment       types.String `tfsdk:"environment"`
	BaseURL           types.String `tfsdk:"base_url"`
	MaxRetries        types.Int64  `tfsdk:"max_retries"`
	RequestsPerMinute types.Int64  `tfsdk:"requests_per_minute"`
	RequestTimeout    types.String `tfsdk:"request_timeout"`
	Gateway           types.Bool   `tfsdk:"gateway"`
	GatewayHeaders    types.Map    `tfsdk:"gateway_headers"`
}

func (p *plaidProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "plaid"
	resp.Version = p.version
}

func (p *plaidProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages [Plaid](https://plaid.com) Items: adopt existing access tokens, create sandbox Items, and remove Items on destroy.",
		Attributes: map[string]schema.Attribute{
			"client_id": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Your Plaid `client_id`, from the [Plaid dashboard](https://dashboard.plaid.com/developers/keys). Falls back to the `" + envClientID + "` environment variable.",
			},
			"secret": schema.StringAttribute{
				Optional:            true,
				Sensitive:           true,
				MarkdownDescription: "Your Plaid secret for the chosen `environment` (each environment has its own). Falls back to the `" + envSecret + "` environment variable, which keeps it out of configuration files.",
			},
			"environment": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The Plaid environment: `sandbox` (default) or `production`. `development` was shut down by Plaid in 2024 and is rejected. Falls back to the `" + envEnvironment + "` environment variable.",
				Validators:          []validator.String{validEnvironment()},
			},
			"base_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Where to send API requests instead of the environment's Plaid host, such as the bundled emulator or a proxy (`http` or `https`, no path). Falls back to the `" + envBaseURL + "` environment variable.",
				Validators:          []validator.String{validBaseURL()},
			},
			"max_retries": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "How many times a request is retried after a rate limit (429, except quota codes such as `CREDITS_EXHAUSTED` and `ADDITION_LIMIT`), a 500, 502, 503 or 504, or a lost connection, with capped exponential backoff and jitter, honouring `Retry-After`. Default `10` (about a minute of retrying). `0` disables retries. Calls that create a sandbox Item are retried only when the request cannot have reached Plaid.",
				Validators:          []validator.Int64{int64validator.Between(0, 50)},
			},
			"requests_per_minute": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Client-side cap on requests per minute to each endpoint, shared by everything in this provider process, so that Terraform's parallelism does not trip Plaid's per-client rate limits. Default: Plaid's published per-client limit for the endpoint and environment (for example 500 `/item/remove` calls a minute in sandbox).",
				Validators:          []validator.Int64{int64validator.Between(1, 100000)},
			},
			"request_timeout": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "How long one attempt of a request may take before it is abandoned and retried, as a Go duration such as `30s` (the default).",
				Validators:          []validator.String{validPositiveDuration()},
			},
			"gateway": schema.BoolAttribute{
				Optional:            true,
				MarkdownDescription: "Send every request through a gateway at `base_url` that injects Plaid's `client_id` and secret server-side, so that the secret never reaches Terraform. The provider then sends no Plaid credential, in headers or bodies: `client_id` and `secret` must not be set (`" + envClientID + "` and `" + envSecret + "` in the environment are ignored, with a warning), and `base_url` is required, `https` (or `http` to a loopback address, for tests). Falls back to the `" + envGateway + "` environment variable. Default `false`. See the guide [Keeping the Plaid secret out of Terraform](guides/gateway.md).",
			},
			"gateway_headers": schema.MapAttribute{
				Optional:            true,
				Sensitive:           true,
				ElementType:         types.StringType,
				MarkdownDescription: "Headers sent on every request in gateway mode, for the gateway's own authentication, such as `{ \"X-Api-Key\" = var.gateway_key }`. The values are treated as secrets: never shown, never logged, printable ASCII with at least " + strconv.Itoa(plaid.MinGatewayHeaderValueLength) + " letters and digits, so that they can be masked. Refused at plan: Plaid's headers (`PLAID-CLIENT-ID`, `PLAID-SECRET`, `Plaid-Version`), the headers the HTTP client sets itself (`Host`, `Content-Length`, `Content-Type`, `Accept`, `Accept-Encoding`, `User-Agent`, `Expect`), hop-by-hop headers (`Connection`, `Keep-Alive`, `Proxy-Authorization`, `TE`, `Transfer-Encoding`, `Upgrade`, …), invalid names, and one name twice in different letter cases.",
				Validators:          []validator.Map{validGatewayHeaders()},
			},
		},
	}
}

func (p *plaidProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var cfg providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data, diags := newProviderData(cfg, p.version, req.TerraformVersion, osEnv)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.ResourceData = data
	resp.DataSourceData = data
	resp.ActionData = data
}

func (p *plaidProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		NewItemResource,
		NewSandboxItemResource,
	}
}

// Actions are the sandbox Item actions, which Terraform 1.14 and later run
// (sandbox_item_action.go).
func (p *plaidProvider) Actions(context.Context) []func() action.Action {
	return []func() action.Action{
		NewSandboxItemFireWebhookAction,
		NewSandboxItemResetLoginAction,
	}
}

func (p *plaidProvider) DataSources(context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		NewItemDataSource,
		NewInstitutionDataSource,
	}
}
