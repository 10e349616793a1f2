// Package rpccontext works around terraform-plugin-framework keeping the
// context of every RPC alive until StopProvider, and carries the provider's
// graceful stop.
//
// The framework's protocol 6 server (terraform-plugin-framework v1.19.0,
// internal/proto6server/serve.go: Server.registerContext) wraps each RPC's
// context with context.WithCancel and appends the cancel function to
// Server.contextCancels, so that StopProvider can cancel what is in flight;
// only StopProvider (cancelRegisteredContexts) ever empties that slice. Each
// cancel function holds the RPC's whole context chain, including the per-RPC
// loggers terraform-plugin-go and the framework build, about 10 KiB. A
// destroy of 1,000 Items makes a few thousand RPCs, so the provider grew by
// tens of MiB that nothing could collect (unchanged upstream as of 2026-05).
// TestFrameworkServer_keepsFinishedRPCsAlive fails once a framework release
// stops doing this; then the release half of this package can go.
//
// Wrap hands the framework an rpcContext instead, and cuts it from the real
// context once the RPC has returned: the framework still holds its cancel
// function, but that now reaches a few hundred bytes. Only the RPCs
// Terraform makes once per resource instance are wrapped; the others are
// made a handful of times per run.
//
// The wrapper also carries the graceful stop. When Terraform is interrupted
// it calls StopProvider; the framework then cancels the RPCs in flight, but
// not the ones Terraform starts after. Server cancels every wrapped RPC at
// StopProvider, those in flight and those to come, so that no new request or
// retry starts; the Plaid client lets a request already sent receive its
// answer for a grace period of its own (plaid.Config.AnswerGrace).
package rpccontext

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Server is a provider server whose wrapped RPCs run on contexts that are
// released when the RPC returns and cancelled when the provider stops.
type Server struct {
	tfprotov6.ProviderServer
	stopping context.Context
	stop     context.CancelFunc
}

// Wrap returns server with its RPCs' contexts released and stoppable.
func Wrap(server tfprotov6.ProviderServer) *Server {
	stopping, stop := context.WithCancel(context.Background())
	return &Server{ProviderServer: server, stopping: stopping, stop: stop}
}

// StopProvider marks the provider as stopping, then lets the framework
// cancel what it tracks.
func (s *Server) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.stop()
	return s.ProviderServer.StopProvider(ctx, req)
}

// withReleasedContext runs one RPC on an rpcContext, cancelled when the
// provider stops, and releases it after.
func withReleasedContext[Req, Resp any](s *Server, ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if s.stopping.Err() != nil {
		cancel() // stopped already: the RPC starts nothing at Plaid
	}
	defer context.AfterFunc(s.stopping, cancel)()
	rc := newRPCContext(ctx)
	defer rc.release()
	return rpc(rc, req)
}

func (s *Server) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s *Server) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s *Server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s *Server) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s *Server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ReadResource)
}

func (s *Server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s *Server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s *Server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ImportResourceState)
}

func (s *Server) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.MoveResourceState)
}

func (s *Server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ReadDataSource)
}

// rpcContext is the RPC's context while the RPC runs, and an empty, cancelled
// context once released. Released, it no longer reaches the RPC's values, so
// whatever still holds it holds only this small struct. Nothing may use an
// RPC's context after the RPC returns; anything that does sees it cancelled.
type rpcContext struct {
	current atomic.Pointer[context.Context]
}

// finishedRPC is what a released rpcContext answers with.
var finishedRPC = func() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}()

func newRPCContext(ctx context.Context) *rpcContext {
	rc := &rpcContext{}
	rc.current.Store(&ctx)
	return rc
}

func (c *rpcContext) release() { c.current.Store(&finishedRPC) }

func (c *rpcContext) load() context.Context { return *c.current.Load() }

func (c *rpcContext) Deadline() (time.Time, bool) { return c.load().Deadline() }
func (c *rpcContext) Done() <-chan struct{}       { return c.load().Done() }
func (c *rpcContext) Err() error                  { return c.load().Err() }
func (c *rpcContext) Value(key any) any           { return c.load().Value(key) }
