package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
	"github.com/ledgerline/terraform-provider-plaid/internal/rpccontext"
)

// NewServer returns the protocol 6 server factory that main.go serves and the
// acceptance tests run, so that both exercise the same layers: the
// framework's server; around it rpccontext, which releases finished RPCs'
// contexts and cancels every RPC when Terraform stops the provider; and
// outermost redactingServer.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		return &redactingServer{ProviderServer: rpccontext.Wrap(providerserver.NewProtocol6(New(version)())())}
	}
}

// StopGracePeriod is how long a request already sent to Plaid may still
// wait for its answer after Terraform stops the provider (Ctrl-C): the
// client's plaid.Config.AnswerGrace. The docs (templates/index.md.tmpl)
// state it.
const StopGracePeriod = 10 * time.Second

// redactingServer is the outermost layer of the provider's server, and the
// last redaction boundary: every RPC runs with log masks for the secret
// and tokens, and every diagnostic it returns passes plaid.Redact. It has to
// be here, outside the framework: terraform-plugin-go writes each
// diagnostic's summary and detail to the TRACE log from the response, on a
// context that no code inside the provider can mask.
type redactingServer struct {
	tfprotov6.ProviderServer
}

// redacted runs one RPC on a masked context and redacts the diagnostics of
// its response.
func redacted[Req, Resp any](ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	resp, err := rpc(plaid.WithLogMasks(ctx), req)
	if err == nil {
		for _, d := range diagnosticsOf(resp) {
			if d != nil {
				d.Summary = plaid.Redact(d.Summary)
				d.Detail = plaid.Redact(d.Detail)
			}
		}
	}
	return resp, err
}

func (s *redactingServer) ValidateProviderConfig(ctx context.Context, req *tfprotov6.ValidateProviderConfigRequest) (*tfprotov6.ValidateProviderConfigResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ValidateProviderConfig)
}

func (s *redactingServer) ConfigureProvider(ctx context.Context, req *tfprotov6.ConfigureProviderRequest) (*tfprotov6.ConfigureProviderResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ConfigureProvider)
}

func (s *redactingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s *redactingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s *redactingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return redacted(ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s *redactingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ReadResource)
}

func (s *redactingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return redacted(ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s *redactingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s *redactingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ImportResourceState)
}

func (s *redactingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return redacted(ctx, req, s.ProviderServer.MoveResourceState)
}

func (s *redactingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return redacted(ctx, req, s.ProviderServer.ReadDataSource)
}

// diagnosticsOf returns the diagnostics of any response wrapped above.
func diagnosticsOf(resp any) []*tfprotov6.Diagnostic {
	switch r := resp.(type) {
	case *tfprotov6.ValidateProviderConfigResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.ConfigureProviderResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.ValidateResourceConfigResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.ValidateDataResourceConfigResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.UpgradeResourceStateResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.ReadResourceResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.PlanResourceChangeResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.ApplyResourceChangeResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.ImportResourceStateResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.MoveResourceStateResponse:
		if r != nil {
			return r.Diagnostics
		}
	case *tfprotov6.ReadDataSourceResponse:
		if r != nil {
			return r.Diagnostics
		}
	}
	return nil
}
