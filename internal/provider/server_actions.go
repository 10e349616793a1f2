package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The action RPCs (Terraform 1.14 and later) pass the same redaction
// boundary as every other RPC (server.go): they run with the log masks, and
// every diagnostic they return, and every progress message an invocation
// streams, passes plaid.Redact. They are not wrapped by rpccontext: a run
// makes a handful of them, not one per resource instance.

// terraform-plugin-go serves actions from a server that is also an
// ActionServer (it asserts tfprotov6.ProviderServerWithActions, a deprecated
// name for ProviderServer plus ActionServer).
var _ tfprotov6.ActionServer = (*redactingServer)(nil)

// actions is the wrapped server's action half: rpccontext.Server forwards
// the action RPCs to the framework's server.
func (s *redactingServer) actions() (tfprotov6.ActionServer, error) {
	a, ok := s.ProviderServer.(tfprotov6.ActionServer)
	if !ok {
		return nil, fmt.Errorf("the wrapped provider server (%T) serves no actions", s.ProviderServer)
	}
	return a, nil
}

func redactDiagnostics(diags []*tfprotov6.Diagnostic) {
	for _, d := range diags {
		if d != nil {
			d.Summary = plaid.Redact(d.Summary)
			d.Detail = plaid.Redact(d.Detail)
		}
	}
}

func (s *redactingServer) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	a, err := s.actions()
	if err != nil {
		return nil, err
	}
	resp, err := a.ValidateActionConfig(plaid.WithLogMasks(ctx), req)
	if err == nil && resp != nil {
		redactDiagnostics(resp.Diagnostics)
	}
	return resp, err
}

func (s *redactingServer) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	a, err := s.actions()
	if err != nil {
		return nil, err
	}
	resp, err := a.PlanAction(plaid.WithLogMasks(ctx), req)
	if err == nil && resp != nil {
		redactDiagnostics(resp.Diagnostics)
	}
	return resp, err
}

// InvokeAction's events are produced after it returns, as Terraform reads
// the stream, on the context it was called with: that is the masked one.
func (s *redactingServer) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	a, err := s.actions()
	if err != nil {
		return nil, err
	}
	stream, err := a.InvokeAction(plaid.WithLogMasks(ctx), req)
	if err != nil || stream == nil || stream.Events == nil {
		return stream, err
	}
	events := stream.Events
	return &tfprotov6.InvokeActionServerStream{Events: func(push func(tfprotov6.InvokeActionEvent) bool) {
		events(func(ev tfprotov6.InvokeActionEvent) bool {
			switch t := ev.Type.(type) {
			case tfprotov6.ProgressInvokeActionEventType:
				ev.Type = tfprotov6.ProgressInvokeActionEventType{Message: plaid.Redact(t.Message)}
			case tfprotov6.CompletedInvokeActionEventType:
				redactDiagnostics(t.Diagnostics)
			}
			return push(ev)
		})
	}}, nil
}
