package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// What the docs say about a tainted plaid_item, run as written. Terraform
// plans a tainted object's replacement as a create with no prior state and
// no private state, so the provider cannot tell it from a new resource and
// cannot refuse it: the plan replaces the Item (removing it at Plaid, for
// good). terraform untaint, as the docs advise, makes the plan empty again,
// and nothing is removed.
func TestAccTaint_untaintUndoesIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, _ := adoptMany(ctx, t, 1, srv)
	const address = `plaid_item.adopted["item000"]`
	if out, err := ws.Terraform(ctx, "taint", "-no-color", address); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := ws.Terraform(ctx, "plan", "-no-color")
	if err != nil || !strings.Contains(out, "is tainted, so must be replaced") {
		t.Fatalf("the plan of a tainted plaid_item is not the replacement the docs describe: %v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "untaint", "-no-color", address); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after terraform untaint is not empty: %v\n%s", err, out)
	}
	requireNoRemoval(t, srv, "taint and untaint")
}
