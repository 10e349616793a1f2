package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

const importConfig = `
terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "access_token" {
  type      = string
  sensitive = true
}

import {
  to = plaid_item.generated
  id = "env:PLAID_ACCESS_TOKEN"
}
`

// The import steps the docs give, run as written: -generate-config-out
// writes access_token = null (Terraform never writes a sensitive value) and
// fails that plan, the next step replaces it with a variable, and the import then applies with
// nothing left to change. An import ID that is the raw token gets a warning
// pointing to env:NAME; env:NAME gets none.
func TestCLI_importStepsFromTheDocs(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	generated := srv.Seed(emulator.SeedOptions{})
	raw := srv.Seed(emulator.SeedOptions{})
	ws := newWorkspace(ctx, t, srv, importConfig)
	ws.Env = append(ws.Env, "PLAID_ACCESS_TOKEN="+generated.AccessToken, "TF_VAR_access_token="+generated.AccessToken)

	// Terraform writes the file, then fails the plan on the null token:
	// the docs say so.
	if out, err := ws.Terraform(ctx, "plan", "-no-color", "-generate-config-out=generated.tf"); err == nil || !strings.Contains(out, "Missing Configuration for Required Attribute") {
		t.Fatalf("the plan that generates configuration should fail on the null access_token, as the docs say: %v\n%s", err, out)
	}
	path := filepath.Join(ws.Dir, "generated.tf")
	hcl, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nullToken := regexp.MustCompile(`(?m)^(\s*access_token\s*=\s*)null.*$`)
	if !nullToken.Match(hcl) {
		t.Fatalf("generated.tf has no access_token = null line; the docs' next step does not apply:\n%s", hcl)
	}
	// The docs' next step: point access_token at the variable.
	if err := os.WriteFile(path, nullToken.ReplaceAll(hcl, []byte("${1}var.access_token")), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil || !strings.Contains(out, "1 imported, 0 added, 0 changed, 0 destroyed") {
		t.Fatalf("apply after the docs' step: %v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("plan after the import is not empty: %v\n%s", err, out)
	}

	const warning = "Import ID Holds the Access Token"
	rawTF := "variable \"raw_token\" {\n  type      = string\n  sensitive = true\n}\n\nresource \"plaid_item\" \"raw\" {\n  access_token = var.raw_token\n}\n"
	if err := os.WriteFile(filepath.Join(ws.Dir, "raw.tf"), []byte(rawTF), 0o600); err != nil {
		t.Fatal(err)
	}
	ws.Env = append(ws.Env, "TF_VAR_raw_token="+raw.AccessToken)
	out, err := ws.Terraform(ctx, "import", "-no-color", "plaid_item.raw", raw.AccessToken)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if !strings.Contains(out, warning) || !strings.Contains(out, "env:PLAID_ACCESS_TOKEN") {
		t.Errorf("an import by the raw token does not warn:\n%s", out)
	}
	out, _ = ws.Terraform(ctx, "plan", "-no-color")
	if strings.Contains(out, warning) {
		t.Errorf("an import by env:NAME warns about the token:\n%s", out)
	}
}
