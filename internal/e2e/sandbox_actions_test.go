package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/go-version"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// cliHasActions reports whether a CLI (as clirun.CLIVersion names it) runs
// actions: Terraform 1.14 and later. OpenTofu has none (as of 1.12).
func cliHasActions(name, v string) bool {
	got, err := version.NewVersion(v)
	return err == nil && name == "Terraform" && !got.LessThan(version.Must(version.NewVersion("1.14.0")))
}

// requireActions skips a test unless the CLI under test runs actions,
// naming why.
func requireActions(t *testing.T) {
	t.Helper()
	name, v, err := clirun.CLIVersion(clirun.CLIPath())
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case name == "OpenTofu":
		t.Skipf("skipped: OpenTofu %s has no actions (action blocks, -invoke); they need Terraform 1.14 or later", v)
	case !cliHasActions(name, v):
		t.Skipf("skipped: needs Terraform 1.14 or later for actions; this is Terraform %s", v)
	}
}

// receiver is the user's webhook receiver: it records every webhook Plaid
// (here, the emulator) sends it.
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	bodies []map[string]any
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		var body map[string]any
		_ = json.NewDecoder(req.Body).Decode(&body)
		r.mu.Lock()
		r.bodies = append(r.bodies, body)
		r.mu.Unlock()
	}))
	t.Cleanup(r.Close)
	return r
}

// codes are the webhook_code of every webhook received so far.
func (r *receiver) codes(srv *emulator.Server) []string {
	srv.WaitForWebhooks()
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, b := range r.bodies {
		out = append(out, fmt.Sprint(b["webhook_code"]))
	}
	return out
}

const actionsProvider = `
terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}
`

// The seed's flow, driven by Terraform, as examples/terraform-actions-sandbox
// (the CI recipe's actions job) runs it: create a sandbox Item whose webhook
// is the user's receiver, fire USER_PERMISSION_REVOKED at it from an
// action_trigger after create, fire it again and reset the login with
// `terraform apply -invoke`, then destroy. The receiver gets each webhook
// with the body Plaid's spec gives it, the reset login shows as
// ITEM_LOGIN_REQUIRED, the token appears in no output, and destroy removes
// the Item.
func TestAccSandboxActions_triggerInvokeAndDestroy(t *testing.T) {
	requireActions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	hook := newReceiver(t)
	ws := exampleWorkspace(ctx, t, "terraform-actions-sandbox", srv)
	ws.Env = append(ws.Env, "TF_VAR_webhook_receiver_url="+hook.URL)
	var transcript strings.Builder
	run := func(args ...string) string {
		t.Helper()
		out, err := ws.Terraform(ctx, args...)
		transcript.WriteString(out)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return out
	}
	run("init", "-input=false", "-no-color")
	run("apply", "-auto-approve", "-input=false", "-no-color")
	items := srv.Items()
	if len(items) != 1 {
		t.Fatalf("the emulator holds %d Items, want 1", len(items))
	}
	item := items[0]
	if got := hook.codes(srv); len(got) != 1 || got[0] != "USER_PERMISSION_REVOKED" {
		t.Fatalf("after apply the receiver got %v, want one USER_PERMISSION_REVOKED from the action_trigger", got)
	}
	hook.mu.Lock()
	first := hook.bodies[0]
	hook.mu.Unlock()
	if first["item_id"] != item.ItemID || first["webhook_type"] != "ITEM" {
		t.Errorf("the webhook body %v does not name the Item %s as an ITEM webhook", first, item.ItemID)
	}
	if e, _ := first["error"].(map[string]any); e["error_code"] != "USER_PERMISSION_REVOKED" {
		t.Errorf("the webhook body's error is %v, want USER_PERMISSION_REVOKED as in Plaid's spec", first["error"])
	}

	run("apply", "-invoke=action.plaid_sandbox_item_fire_webhook.permission_revoked", "-auto-approve", "-input=false", "-no-color")
	if got := hook.codes(srv); len(got) != 2 {
		t.Errorf("after -invoke the receiver got %v, want a second USER_PERMISSION_REVOKED", got)
	}
	run("apply", "-invoke=action.plaid_sandbox_item_reset_login.fixture", "-auto-approve", "-input=false", "-no-color")
	if st := srv.Item(item.ItemID); !st.LoginRequired || st.Removed {
		t.Errorf("after reset_login the Item is %+v, want live and in ITEM_LOGIN_REQUIRED", st)
	}
	run("apply", "-refresh-only", "-auto-approve", "-input=false", "-no-color")
	// The resource's own health, filled by that refresh: what the docs'
	// check block reads.
	if out := run("state", "show", "-no-color", "plaid_sandbox_item.fixture"); !regexp.MustCompile(`error_code\s+=\s+"ITEM_LOGIN_REQUIRED"`).MatchString(out) {
		t.Errorf("plaid_sandbox_item.fixture's error_code does not show ITEM_LOGIN_REQUIRED after the reset:\n%s", out)
	}

	run("destroy", "-auto-approve", "-input=false", "-no-color")
	requireAllRemovedOnce(t, srv, 1)
	for _, token := range srv.IssuedTokens() {
		if strings.Contains(transcript.String(), token) {
			t.Errorf("terraform printed an access token")
		}
	}
	if strings.Contains(transcript.String(), srv.Secret()) {
		t.Error("terraform printed the secret")
	}
}

// What the configuration can get wrong fails at plan, before any call to
// Plaid: a production provider, a webhook_type that does not fit the code,
// a code fire_webhook does not take.
func TestAccSandboxActions_planTimeErrors(t *testing.T) {
	requireActions(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	cases := map[string]struct{ config, want string }{
		"production": {`
provider "plaid" {
  environment = "production"
}

action "plaid_sandbox_item_reset_login" "test" {
  config {
    access_token = "access-sandbox-5f2c1a9e"
  }
}
`, "Sandbox Actions Need the Sandbox Environment"},
		"production token": {`
action "plaid_sandbox_item_reset_login" "test" {
  config {
    access_token = "access-production-5f2c1a9e"
  }
}
`, "Sandbox Actions Need a Sandbox Item"},
		"type that does not fit": {`
action "plaid_sandbox_item_fire_webhook" "test" {
  config {
    access_token = "access-sandbox-5f2c1a9e"
    webhook_code = "LOGIN_REPAIRED"
    webhook_type = "ASSETS"
  }
}
`, "Webhook Type Does Not Fit the Code"},
		"unknown code": {`
action "plaid_sandbox_item_fire_webhook" "test" {
  config {
    access_token = "access-sandbox-5f2c1a9e"
    webhook_code = "NOT_A_CODE"
  }
}
`, "USER_PERMISSION_REVOKED"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ws := newWorkspace(ctx, t, srv, actionsProvider+tc.config)
			if out, err := ws.Terraform(ctx, "init", "-input=false", "-no-color"); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
			address := "action.plaid_sandbox_item_reset_login.test"
			if strings.Contains(tc.config, "fire_webhook") {
				address = "action.plaid_sandbox_item_fire_webhook.test"
			}
			out, err := ws.Terraform(ctx, "plan", "-invoke="+address, "-input=false", "-no-color")
			if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), tc.want) {
				t.Errorf("plan -invoke: err=%v, want a failure naming %q:\n%s", err, tc.want, out)
			}
		})
	}
	if calls := srv.Calls(); len(calls) != 0 {
		t.Errorf("plan-time checks called Plaid: %d calls, first %s", len(calls), calls[0].Path)
	}
}
