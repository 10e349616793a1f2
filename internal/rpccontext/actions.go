package rpccontext

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// The action RPCs (Terraform 1.14 and later) pass through unchanged.
// terraform-plugin-go finds them by asserting that the server it is given
// is also a tfprotov6.ActionServer (as ProviderServerWithActions, a
// deprecated name), which an embedded tfprotov6.ProviderServer does not
// satisfy, so Server forwards them explicitly. Their contexts are
// not released or stopped here: a run makes a handful of them, and
// InvokeAction's context must outlive the call, since its events are produced
// while Terraform reads the stream; the framework cancels it at StopProvider.

var _ tfprotov6.ActionServer = (*Server)(nil)

func (s *Server) actions() (tfprotov6.ActionServer, error) {
	a, ok := s.ProviderServer.(tfprotov6.ActionServer)
	if !ok {
		return nil, fmt.Errorf("the wrapped provider server (%T) serves no actions", s.ProviderServer)
	}
	return a, nil
}

func (s *Server) ValidateActionConfig(ctx context.Context, req *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	a, err := s.actions()
	if err != nil {
		return nil, err
	}
	return a.ValidateActionConfig(ctx, req)
}

func (s *Server) PlanAction(ctx context.Context, req *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	a, err := s.actions()
	if err != nil {
		return nil, err
	}
	return a.PlanAction(ctx, req)
}

func (s *Server) InvokeAction(ctx context.Context, req *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	a, err := s.actions()
	if err != nil {
		return nil, err
	}
	return a.InvokeAction(ctx, req)
}
