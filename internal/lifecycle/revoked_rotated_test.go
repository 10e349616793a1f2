package lifecycle_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

const revokedRotatedConfig = `
terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "tokens" {
  type      = map(string)
  sensitive = true
}

resource "plaid_item" "adopted" {
  for_each     = toset(nonsensitive(keys(var.tokens)))
  access_token = var.tokens[each.key]
}
`

// Found by the lifecycle walk (seed 64 of 41-70, 30 steps; shrunk to
// adopt:a0,rotate:a0,revoke:a0): an Item's token is rotated and the new one
// put in the configuration, and its owner revokes the Item before that is
// applied. State holds only the rotated-out token, which Plaid answers with
// INVALID_ACCESS_TOKEN, never ITEM_NOT_FOUND, so nothing can prove the Item
// gone and it stays in state. The plan's warning for the new token used to
// say "remove the token from the configuration", as it does for an Item
// revoked with its token applied; that plans a destroy through the rejected
// token, which failed on every run. The plan now says what works (forget the
// resource, then drop the token), and says why dropping the token alone
// does not; this follows the plan's advice to the end, with the Item never
// removed again.
func TestRevokedWhileRotatedTokenPending(t *testing.T) {
	h, ok := newHarness(t)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv, err := emulator.Listen(emulator.New(emulator.Options{}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = srv.Close() }()
	ws, err := h.provider.Workspace(t.TempDir(), map[string]string{"main.tf": revokedRotatedConfig})
	if err != nil {
		t.Fatal(err)
	}
	ws.CLI = h.cli
	item := srv.Seed(emulator.SeedOptions{})
	env := func(tokens string) {
		ws.Env = []string{"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + srv.ClientID(), "PLAID_SECRET=" + srv.Secret(), "TF_VAR_tokens=" + tokens}
	}
	env(`{"a0": "` + item.AccessToken + `"}`)
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	rotated, err := srv.Rotate(item.ItemID)
	if err != nil {
		t.Fatal(err)
	}
	env(`{"a0": "` + rotated + `"}`)
	if err := srv.Revoke(item.ItemID); err != nil {
		t.Fatal(err)
	}

	// The plan warns, naming the way out and the trap.
	out, err := ws.Terraform(ctx, "plan", "-no-color")
	if err != nil {
		t.Fatalf("the plan with the rotated token configured failed: %v\n%s", err, out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{
		"Warning: Plaid Item Removed After Its Token Was Rotated",
		"terraform state list -id=" + item.ItemID,
		"terraform state rm '<address>'",
		"Removing only the token from the configuration does not work",
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the plan's warning does not say %q:\n%s", want, out)
		}
	}
	if strings.Contains(flat, "There is nothing to manage: remove the token from the configuration") {
		t.Errorf("the plan still gives the advice that leads to a destroy that always fails:\n%s", out)
	}
	for _, secret := range []string{item.AccessToken, rotated, srv.Secret()} {
		if strings.Contains(out, secret) {
			t.Fatalf("the plan's output holds a token or the secret")
		}
	}

	// Applying it fails with the same advice, and removes nothing.
	out, err = ws.Terraform(ctx, "apply", "-auto-approve", "-no-color")
	if err == nil || !strings.Contains(out, "Error: Plaid Item Removed After Its Token Was Rotated") {
		t.Fatalf("the apply of the rotated token should fail with the plan's advice: %v\n%s", err, out)
	}

	// Dropping only the key fails, as the warning says, and its error
	// names the same way out.
	env(`{}`)
	out, err = ws.Terraform(ctx, "apply", "-auto-approve", "-no-color")
	if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "terraform state rm '<address>'") {
		t.Fatalf("the destroy through the rejected token should fail and name terraform state rm: %v\n%s", err, out)
	}

	// The way out, as the warning spells it.
	out, err = ws.Terraform(ctx, "state", "list", "-id="+item.ItemID)
	address := strings.TrimSpace(out)
	if err != nil || address != `plaid_item.adopted["a0"]` {
		t.Fatalf("terraform state list -id=%s: %v\n%s", item.ItemID, err, out)
	}
	if out, err := ws.Terraform(ctx, "state", "rm", address); err != nil {
		t.Fatalf("terraform state rm: %v\n%s", err, out)
	}
	out, err = ws.Terraform(ctx, "apply", "-auto-approve", "-no-color")
	if err != nil {
		t.Fatalf("the apply after forgetting the Item failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Errorf("the apply after forgetting the Item should change nothing:\n%s", out)
	}
	if out, err := ws.Terraform(ctx, "state", "list"); err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("state after the apply: %v\n%s", err, out)
	}
	if st := srv.Item(item.ItemID); st.RemovedBy != "user" || st.RemoveCount != 0 {
		t.Errorf("the revoked Item should not have been removed again: %+v", st)
	}
}
