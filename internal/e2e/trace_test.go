package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

const traceConfig = `
terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "plaid_secret" {
  type      = string
  sensitive = true
}

variable "access_tokens" {
  type      = map(string)
  sensitive = true
}

variable "import_token" {
  type      = string
  sensitive = true
}

provider "plaid" {
  secret      = var.plaid_secret
  max_retries = 2
}

resource "plaid_item" "adopted" {
  for_each            = toset(nonsensitive(keys(var.access_tokens)))
  access_token        = var.access_tokens[each.key]
  removal_reason_code = "OTHER"
}

import {
  to = plaid_item.imported
  id = "env:E2E_IMPORT_TOKEN"
}

resource "plaid_item" "imported" {
  access_token = var.import_token
}

# What the docs show: the health on the resources, the rest of the Item on
# the data source given each resource's token.
data "plaid_item" "details" {
  for_each     = plaid_item.adopted
  access_token = each.value.access_token
}

output "health" {
  value = { for k, i in plaid_item.adopted : k => [i.error_code, i.consent_expiration_time, data.plaid_item.details[k].institution_name] }
}
`

// The whole life of a configuration through the real terraform CLI under
// TF_LOG=TRACE: adopt with for_each, read each Item's health on the
// resources and its details with the plaid_item data source given the
// resource's token (as the docs show),
// import from an environment variable (import block, then `terraform
// import`), an Item revoked behind Terraform's back, and `terraform destroy
// -refresh=false`. Every log line and everything terraform printed must
// hold neither the secret nor any access token.
func TestCLI_lifecycleUnderTraceLeaksNoSecret(t *testing.T) {
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("skipped: no terraform on PATH")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	emu := emulator.New(emulator.Options{Secret: "e2e-secret-7f3a9c1d5b"})
	srv, err := emulator.Listen(emu, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	tokens := map[string]string{}
	itemIDs := map[string]string{}
	for _, label := range []string{"a", "b", "c"} {
		it := emu.Seed(emulator.SeedOptions{})
		tokens[label], itemIDs[label] = it.AccessToken, it.ItemID
	}
	imported := emu.Seed(emulator.SeedOptions{})
	tokensJSON, _ := json.Marshal(tokens)

	dir := t.TempDir()
	ws, err := clirun.New(ctx, dir, provider.RegistryAddress, map[string]string{"main.tf": traceConfig})
	if err != nil {
		t.Fatal(err)
	}
	var transcript bytes.Buffer
	ws.Transcript = &transcript
	logPath := filepath.Join(dir, "trace.log")
	ws.Env = []string{
		"TF_LOG=TRACE",
		"TF_LOG_PATH=" + logPath,
		"PLAID_BASE_URL=" + srv.URL,
		"PLAID_CLIENT_ID=" + emu.ClientID(),
		"TF_VAR_plaid_secret=" + emu.Secret(),
		"TF_VAR_access_tokens=" + string(tokensJSON),
		"TF_VAR_import_token=" + imported.AccessToken,
		"E2E_IMPORT_TOKEN=" + imported.AccessToken,
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := ws.Terraform(ctx, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return out
	}

	run("apply", "-auto-approve", "-no-color")
	if out := run("plan", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Errorf("plan after apply is not empty:\n%s", out)
	}
	run("state", "rm", "plaid_item.imported")
	run("import", "-no-color", "plaid_item.imported", "env:E2E_IMPORT_TOKEN")
	if err := emu.Revoke(itemIDs["b"]); err != nil {
		t.Fatal(err)
	}
	// Under -refresh=false the revoked Item is met at removal: the output
	// says so, once, naming it.
	destroyed := run("destroy", "-refresh=false", "-auto-approve", "-no-color")
	if n := strings.Count(destroyed, "Warning: Plaid Item Already Gone"); n != 1 || !strings.Contains(destroyed, "Item "+itemIDs["b"]+" was already removed") {
		t.Errorf("destroy -refresh=false shows %d already-gone warnings, want one naming %s:\n%s", n, itemIDs["b"], destroyed)
	}
	if out := run("state", "list"); strings.TrimSpace(out) != "" {
		t.Errorf("state is not empty after destroy: %s", out)
	}

	// One /item/remove request each: for "b", revoked by its owner, that
	// request met ITEM_NOT_FOUND (-refresh=false kept it in state).
	for label, id := range itemIDs {
		if st := emu.Item(id); !st.Removed || st.RemoveCount != 1 {
			t.Errorf("item %s: %+v, want removed with one /item/remove request", label, st)
		}
	}
	if st := emu.Item(imported.ItemID); !st.Removed || st.RemoveCount != 1 {
		t.Errorf("imported item: %+v", st)
	}

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logs, []byte("Adopted Plaid Item")) || !bytes.Contains(logs, []byte("plaid_path")) ||
		!bytes.Contains(logs, []byte("ReadDataSource")) {
		t.Fatalf("the TRACE log does not hold the provider's own logs, so the scan below would prove nothing")
	}
	secrets := map[string]string{"the client secret": emu.Secret(), "imported token": imported.AccessToken}
	for label, token := range tokens {
		secrets["token "+label] = token
	}
	for what, value := range secrets {
		for name, text := range map[string][]byte{"TRACE log": logs, "terraform output": transcript.Bytes()} {
			if n := bytes.Count(text, []byte(value)); n > 0 {
				t.Errorf("%s appears %d times in the %s", what, n, name)
			}
		}
	}
	t.Logf("scanned %d bytes of TRACE log and %d bytes of terraform output for %d secrets", len(logs), transcript.Len(), len(secrets))
}
