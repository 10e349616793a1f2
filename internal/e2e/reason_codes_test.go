package e2e_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// A reason code of Plaid's shape that this provider version does not know
// (Plaid adds them as non-breaking changes) plans with a warning, printed by
// the CLI on the attribute, that names the codes the provider knows; it
// does not fail the plan.
func TestAccReasonCode_unknownWarnsAtPlan(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws := newWorkspace(ctx, t, srv, `
terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

resource "plaid_sandbox_item" "test" {
  removal_method      = "terminate"
  removal_reason_code = "FRAUD_SYNTHETIC_IDENTITY"
}
`)
	out, err := ws.Terraform(ctx, "plan", "-no-color", "-input=false")
	if err != nil {
		t.Fatalf("plan failed; an unknown well-formed code must only warn: %v\n%s", err, out)
	}
	for _, want := range []string{"Warning: Reason Code Not Known to This Provider", `removal_reason_code = "FRAUD_SYNTHETIC_IDENTITY"`} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q:\n%s", want, out)
		}
	}
	// The warning names every code the provider knows for terminate (the
	// CLI may wrap the text, so compare without line breaks).
	flat := strings.Join(strings.Fields(out), " ")
	for _, known := range plaid.TerminateReasonCodes() {
		if !strings.Contains(flat, known) {
			t.Errorf("the warning does not name the known code %s:\n%s", known, out)
		}
	}
	if n := len(srv.Items()); n != 0 {
		t.Errorf("plan created %d Items", n)
	}
}
