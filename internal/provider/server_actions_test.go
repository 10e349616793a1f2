package provider

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/hashicorp/terraform-plugin-log/tflogtest"

	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// stubActionServer is stubServer with the action RPCs, whose invocation
// streams a progress message and a completion carrying the secret and a
// token, logging them while the stream is read.
type stubActionServer struct{ stubServer }

func (s stubActionServer) ValidateActionConfig(ctx context.Context, _ *tfprotov6.ValidateActionConfigRequest) (*tfprotov6.ValidateActionConfigResponse, error) {
	return &tfprotov6.ValidateActionConfigResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubActionServer) PlanAction(ctx context.Context, _ *tfprotov6.PlanActionRequest) (*tfprotov6.PlanActionResponse, error) {
	return &tfprotov6.PlanActionResponse{Diagnostics: s.diags(ctx)}, nil
}

func (s stubActionServer) InvokeAction(ctx context.Context, _ *tfprotov6.InvokeActionRequest) (*tfprotov6.InvokeActionServerStream, error) {
	return &tfprotov6.InvokeActionServerStream{Events: func(push func(tfprotov6.InvokeActionEvent) bool) {
		tflog.Info(ctx, "stub progress "+s.logged)
		if !push(tfprotov6.InvokeActionEvent{Type: tfprotov6.ProgressInvokeActionEventType{Message: "P " + s.text}}) {
			return
		}
		push(tfprotov6.InvokeActionEvent{Type: tfprotov6.CompletedInvokeActionEventType{Diagnostics: s.diags(ctx)}})
	}}, nil
}

// The action RPCs cross the same redaction boundary as the others: what
// they return, what an invocation streams, and what they log on the way.
func TestRedactingServer_actions(t *testing.T) {
	if _, err := plaid.New(plaid.Config{BaseURL: "http://127.0.0.1:1", ClientID: "cid", Secret: echoSecret}); err != nil {
		t.Fatal(err)
	}
	text := "secret " + strings.ToUpper(echoSecret) + " token " + leakcheck.PercentEncodeAll(echoAccessToken)
	logged := "secret " + strings.ToUpper(echoSecret) + " token TOKEN_" + strings.ToUpper(echoAccessToken)
	srv := &redactingServer{ProviderServer: stubActionServer{stubServer{text: text, logged: logged}}}
	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	var shown strings.Builder
	show := func(diags []*tfprotov6.Diagnostic) {
		for _, d := range diags {
			shown.WriteString(d.Summary + "\n" + d.Detail + "\n")
		}
	}
	v, err := srv.ValidateActionConfig(ctx, &tfprotov6.ValidateActionConfigRequest{})
	if err != nil {
		t.Fatal(err)
	}
	show(v.Diagnostics)
	p, err := srv.PlanAction(ctx, &tfprotov6.PlanActionRequest{})
	if err != nil {
		t.Fatal(err)
	}
	show(p.Diagnostics)
	stream, err := srv.InvokeAction(ctx, &tfprotov6.InvokeActionRequest{})
	if err != nil {
		t.Fatal(err)
	}
	events := 0
	stream.Events(func(ev tfprotov6.InvokeActionEvent) bool {
		events++
		switch e := ev.Type.(type) {
		case tfprotov6.ProgressInvokeActionEventType:
			shown.WriteString(e.Message + "\n")
		case tfprotov6.CompletedInvokeActionEventType:
			show(e.Diagnostics)
		}
		return true
	})
	if events != 2 || strings.Count(shown.String(), "S secret") != 3 || !strings.Contains(shown.String(), "P secret") || logs.Len() == 0 {
		t.Fatalf("the stub's %d events, diagnostics or logs are missing:\n%s\n%s", events, shown.String(), logs.String())
	}
	shown.Write(logs.Bytes())
	if leak := leakcheck.Find(shown.String(), echoSecret, echoAccessToken); leak != "" {
		t.Errorf("%s left the provider", leak)
	}
}
