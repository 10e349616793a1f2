package rpccontext

import (
	"context"
	"errors"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

type markerKey struct{}

// emptyProvider is the least a framework provider can be: the framework's
// handling of RPC contexts does not depend on what the provider serves.
type emptyProvider struct{}

func (emptyProvider) Metadata(context.Context, provider.MetadataRequest, *provider.MetadataResponse) {
}
func (emptyProvider) Schema(context.Context, provider.SchemaRequest, *provider.SchemaResponse) {}
func (emptyProvider) Configure(context.Context, provider.ConfigureRequest, *provider.ConfigureResponse) {
}
func (emptyProvider) Resources(context.Context) []func() resource.Resource       { return nil }
func (emptyProvider) DataSources(context.Context) []func() datasource.DataSource { return nil }

func frameworkServer() tfprotov6.ProviderServer {
	return providerserver.NewProtocol6(emptyProvider{})()
}

func TestRPCContext_servesTheRPCUntilReleased(t *testing.T) {
	parent, cancel := context.WithCancel(context.WithValue(context.Background(), markerKey{}, "value"))
	defer cancel()
	rc := newRPCContext(parent)

	if got := rc.Value(markerKey{}); got != "value" {
		t.Fatalf("during the RPC, Value = %v, want the parent's value", got)
	}
	if rc.Err() != nil {
		t.Fatalf("during the RPC, Err = %v, want nil", rc.Err())
	}
	child, stop := context.WithCancel(rc)
	defer stop()
	cancel()
	select {
	case <-child.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the RPC's context did not reach a context derived from the rpcContext")
	}

	rc.release()
	if got := rc.Value(markerKey{}); got != nil {
		t.Errorf("released, Value = %v, want nil: the RPC's values must be unreachable", got)
	}
	if !errors.Is(rc.Err(), context.Canceled) {
		t.Errorf("released, Err = %v, want context.Canceled", rc.Err())
	}
	select {
	case <-rc.Done():
	default:
		t.Error("released, Done is not closed")
	}
}

// finishedRPCsCollected runs n ValidateResourceConfig RPCs on server, each
// with a context carrying its own marker, and reports how many markers the
// garbage collector reclaimed once the RPCs had returned.
func finishedRPCsCollected(t *testing.T, server tfprotov6.ProviderServer, n int) int {
	t.Helper()
	var collected atomic.Int32
	for range n {
		marker := new([1024]byte)
		runtime.AddCleanup(marker, func(*atomic.Int32) { collected.Add(1) }, &collected)
		ctx := context.WithValue(context.Background(), markerKey{}, marker)
		if _, err := server.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: "example_thing"}); err != nil {
			t.Fatalf("ValidateResourceConfig: %v", err)
		}
	}
	// Cleanups run on their own goroutine after a collection; a few rounds
	// let them all run.
	for i := 0; i < 50 && int(collected.Load()) < n; i++ {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	// The server lives as long as the provider process does; here, as
	// long as the count.
	runtime.KeepAlive(server)
	return int(collected.Load())
}

func TestServer_finishedRPCsCanBeCollected(t *testing.T) {
	const n = 50
	if got := finishedRPCsCollected(t, Wrap(frameworkServer()), n); got < n {
		t.Errorf("%d of %d finished RPCs' contexts were collected; the server keeps the rest alive", got, n)
	}
}

// The reason this package exists. If this starts failing, the framework no
// longer keeps finished RPCs' contexts (see the package comment for where it
// does), and the release half of Server can go.
func TestFrameworkServer_keepsFinishedRPCsAlive(t *testing.T) {
	const n = 50
	if got := finishedRPCsCollected(t, frameworkServer(), n); got != 0 {
		t.Errorf("%d of %d finished RPCs' contexts were collected: the framework has stopped keeping them; remove rpcContext", got, n)
	}
}

// ctxRecorder is a ProviderServer whose ReadResource hands its context to
// the test and waits to be let go.
type ctxRecorder struct {
	tfprotov6.ProviderServer
	seen    chan context.Context
	release chan struct{}
}

func (r *ctxRecorder) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	r.seen <- ctx
	<-r.release
	return &tfprotov6.ReadResourceResponse{}, nil
}

func (r *ctxRecorder) StopProvider(context.Context, *tfprotov6.StopProviderRequest) (*tfprotov6.StopProviderResponse, error) {
	return &tfprotov6.StopProviderResponse{}, nil
}

// StopProvider cancels the RPCs in flight and every RPC started after it,
// which the framework alone does not: Terraform may still start operations
// after an interrupt, and those must not send new requests to Plaid.
func TestServer_stopCancelsInFlightAndLaterRPCs(t *testing.T) {
	inner := &ctxRecorder{seen: make(chan context.Context, 2), release: make(chan struct{})}
	s := Wrap(inner)

	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = s.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{})
	}()
	inFlight := <-inner.seen
	if inFlight.Err() != nil {
		t.Fatalf("before StopProvider the RPC's context is already done: %v", inFlight.Err())
	}
	if _, err := s.StopProvider(context.Background(), &tfprotov6.StopProviderRequest{}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-inFlight.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("StopProvider did not cancel the RPC in flight")
	}
	close(inner.release)
	<-done

	go func() { _, _ = s.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{}) }()
	if later := <-inner.seen; !errors.Is(later.Err(), context.Canceled) {
		t.Errorf("an RPC started after StopProvider runs on a live context (Err = %v)", later.Err())
	}
}
