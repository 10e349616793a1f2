package provider

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// NewServer returns the protocol 6 server factory that main.go serves and the
// acceptance tests run, so that both exercise the same wrapping.
func NewServer(version string) func() tfprotov6.ProviderServer {
	return func() tfprotov6.ProviderServer {
		stopping, stop := context.WithCancel(context.Background())
		return &redactingServer{ProviderServer: &releasingServer{ProviderServer: providerserver.NewProtocol6(New(version)())(), stopping: stopping, stop: stop}}
	}
}

// StopGracePeriod is how long a request already sent to Plaid may still
// wait for its answer after Terraform stops the provider (Ctrl-C). The docs
// (templates/index.md.tmpl) state it.
const StopGracePeriod = 10 * time.Second

// releasingServer works around the framework keeping every RPC's context
// alive until StopProvider. Its proto6server registers a cancel function for
// each RPC (so that StopProvider can cancel what is in flight) and never
// forgets one; each holds the RPC's whole context chain, including the
// per-RPC loggers terraform-plugin-go and the framework build, about 10 KiB.
// A destroy of 1,000 Items makes a few thousand RPCs, so the provider grew by
// tens of MiB that nothing could collect (terraform-plugin-framework v1.19.0;
// unchanged upstream as of 2026-05).
//
// The wrapper hands the framework an rpcContext instead, and cuts it from the
// real context once the RPC has returned: the framework still holds its cancel
// function, but that now reaches a few hundred bytes. Only the RPCs Terraform
// makes once per resource instance are wrapped; the others are made a handful
// of times per run.
//
// The wrapper also carries the graceful stop. When Terraform is interrupted
// it calls StopProvider; the framework then cancels the RPCs in flight, but
// not the ones Terraform starts after. stopping ends at StopProvider and
// cancels every wrapped RPC, those in flight and those to come, so that no
// new request or retry starts; the client lets a request already sent
// receive its answer for StopGracePeriod (plaid.Config.AnswerGrace).
type releasingServer struct {
	tfprotov6.ProviderServer
	stopping context.Context
	stop     context.CancelFunc
}

// StopProvider marks the provider as stopping, then lets the framework
// cancel what it tracks.
func (s *releasingServer) StopProvider(ctx context.Context, req *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	s.stop()
	return s.ProviderServer.StopProvider(ctx, req)
}

// withReleasedContext runs one RPC on an rpcContext, cancelled when the
// provider stops, and releases it after.
func withReleasedContext[Req, Resp any](s *releasingServer, ctx context.Context, req Req, rpc func(context.Context, Req) (Resp, error)) (Resp, error) {
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

func (s *releasingServer) ValidateResourceConfig(ctx context.Context, req *tfprotov6.ValidateResourceConfigRequest) (*tfprotov6.ValidateResourceConfigResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ValidateResourceConfig)
}

func (s *releasingServer) ValidateDataResourceConfig(ctx context.Context, req *tfprotov6.ValidateDataResourceConfigRequest) (*tfprotov6.ValidateDataResourceConfigResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ValidateDataResourceConfig)
}

func (s *releasingServer) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.UpgradeResourceState)
}

func (s *releasingServer) UpgradeResourceIdentity(ctx context.Context, req *tfprotov6.UpgradeResourceIdentityRequest) (*tfprotov6.UpgradeResourceIdentityResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.UpgradeResourceIdentity)
}

func (s *releasingServer) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ReadResource)
}

func (s *releasingServer) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.PlanResourceChange)
}

func (s *releasingServer) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ApplyResourceChange)
}

func (s *releasingServer) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.ImportResourceState)
}

func (s *releasingServer) MoveResourceState(ctx context.Context, req *tfprotov6.MoveResourceStateRequest) (*tfprotov6.MoveResourceStateResponse, error) {
	return withReleasedContext(s, ctx, req, s.ProviderServer.MoveResourceState)
}

func (s *releasingServer) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
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
