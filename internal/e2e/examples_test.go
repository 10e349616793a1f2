package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// examples/terraform-test-module passes `terraform test` against the
// emulator, and the test's teardown removes every Item it made.
func TestCLI_terraformTestModuleExample(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws := exampleWorkspace(ctx, t, "terraform-test-module", srv)
	out, err := ws.Terraform(ctx, "test", "-no-color")
	if err != nil || !strings.Contains(out, "3 passed, 0 failed") {
		t.Fatalf("terraform test: %v\n%s", err, out)
	}
	requireAllRemovedOnce(t, srv, 3)
}

// examples/sandbox-teardown creates N sandbox Items and one destroy removes
// them all, even when one vanished in between.
func TestCLI_sandboxTeardownExample(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws := exampleWorkspace(ctx, t, "sandbox-teardown", srv)
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color", "-var", "items=12"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	items := srv.Items()
	if len(items) != 12 {
		t.Fatalf("apply made %d Items, want 12", len(items))
	}
	if err := srv.Revoke(items[0].ItemID); err != nil {
		t.Fatal(err)
	}
	if out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color", "-var", "items=12"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, it := range srv.Items() {
		want := 1
		if it.ItemID == items[0].ItemID {
			want = 0 // revoked: the refresh found it gone, so no request
		}
		if !it.Removed || it.RemoveCount != want {
			t.Errorf("item %s: %+v, want removed with %d /item/remove requests", it.ItemID, it, want)
		}
	}
}
