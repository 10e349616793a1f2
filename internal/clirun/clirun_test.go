package clirun_test

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
`

// The whole life of a configuration through the real terraform CLI under
// TF_LOG=TRACE: adopt with for_each, import from an environment variable
// (import block, then `terraform import`), an Item revoked behind
// Terraform's back, and `terraform destroy -refresh=false`. Every log line
// and everything terraform printed must hold neither the secret nor any
// access token.
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
	ws, err := clirun.New(ctx, dir, map[string]string{"main.tf": traceConfig})
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
	if !bytes.Contains(logs, []byte("Adopted Plaid Item")) || !bytes.Contains(logs, []byte("plaid_path")) {
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

// startEmulator runs an emulator on loopback for one test.
func startEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Listen(emulator.New(emulator.Options{Secret: "e2e-" + t.Name()}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// exampleWorkspace copies an example (and its tests/ folder) into a
// workspace run against srv.
func exampleWorkspace(ctx context.Context, t *testing.T, example string, srv *emulator.Server) *clirun.Workspace {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("skipped: no terraform on PATH")
	}
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := clirun.CopyFiles(filepath.Join(root, "examples", example))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ws, err := clirun.New(ctx, dir, files)
	if err != nil {
		t.Fatal(err)
	}
	if tests, err := os.ReadDir(filepath.Join(root, "examples", example, "tests")); err == nil {
		_ = os.MkdirAll(filepath.Join(ws.Dir, "tests"), 0o700)
		for _, f := range tests {
			b, err := os.ReadFile(filepath.Join(root, "examples", example, "tests", f.Name()))
			if err != nil {
				t.Fatal(err)
			}
			_ = os.WriteFile(filepath.Join(ws.Dir, "tests", f.Name()), b, 0o600)
		}
	}
	ws.Env = []string{"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + srv.ClientID(), "PLAID_SECRET=" + srv.Secret()}
	return ws
}

func requireAllRemovedOnce(t *testing.T, srv *emulator.Server, want int) {
	t.Helper()
	items := srv.Items()
	if len(items) != want {
		t.Errorf("the emulator holds %d Items, want %d", len(items), want)
	}
	for _, it := range items {
		if !it.Removed || it.RemoveCount != 1 {
			t.Errorf("item %s: %+v, want removed exactly once", it.ItemID, it)
		}
	}
}

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
