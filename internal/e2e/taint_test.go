package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"
)

// What the docs say about a tainted plaid_item, run as written. Terraform
// plans a tainted object's replacement as a create with no prior state and
// no private state, but it refreshes the object first, through its token:
// the create of a token refreshed in the same plan is refused, so neither
// plan nor apply removes the Item. terraform untaint, as the error and the
// docs advise, makes the plan empty again. Without the refresh the provider
// cannot see it, which the docs say too.
func TestAccTaint_refusedAtPlanAndUntaintUndoesIt(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, _ := adoptMany(ctx, t, 2, srv)
	const address = `plaid_item.adopted["item000"]`
	if out, err := ws.Terraform(ctx, "taint", "-no-color", address); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, command := range [][]string{{"plan", "-no-color"}, {"apply", "-no-color", "-auto-approve"}} {
		out, err := ws.Terraform(ctx, command...)
		if err == nil || !strings.Contains(out, "Adopting an Item Terraform Already Manages") || !strings.Contains(out, "terraform untaint") {
			t.Fatalf("terraform %s of a tainted plaid_item was not refused: %v\n%s", command[0], err, out)
		}
	}
	requireNoRemoval(t, srv, "a plan and an apply of a tainted plaid_item")
	if out, err := ws.Terraform(ctx, "untaint", "-no-color", address); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after terraform untaint is not empty: %v\n%s", err, out)
	}
	requireNoRemoval(t, srv, "taint and untaint")
}
