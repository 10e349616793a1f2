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
	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// gatewayItemsTF is added to examples/gateway/main.tf (the provider block
// the guide shows): an Item removed with a reason, one terminated, one its
// owner revokes, one imported and a sandbox Item.
const gatewayItemsTF = `
variable "access_tokens" {
  type      = map(string)
  sensitive = true
}

variable "import_token" {
  type      = string
  sensitive = true
}

resource "plaid_item" "with_reason" {
  access_token        = var.access_tokens["with_reason"]
  removal_reason_code = "OTHER"
  removal_reason_note = "removed through the gateway"
}

resource "plaid_item" "terminated" {
  access_token        = var.access_tokens["terminated"]
  removal_method      = "terminate"
  removal_reason_code = "CONSUMER_ACCOUNT_CLOSED"
}

resource "plaid_item" "revoked" {
  access_token = var.access_tokens["revoked"]
}

import {
  to = plaid_item.imported
  id = "env:E2E_IMPORT_TOKEN"
}

resource "plaid_item" "imported" {
  access_token = var.import_token
}

resource "plaid_sandbox_item" "fresh" {}
`

const gatewayCredentialsIgnored = "Plaid Credentials in the Environment Ignored"

// The acceptance subset through the guide's gateway, with no Plaid
// credential in Terraform's environment (absent, not empty): adoption,
// import (block and command), removal with a reason, terminate, an Item
// revoked by its owner and a sandbox Item. The gateway refuses any request
// carrying a Plaid credential, so each success shows none was sent. TRACE
// logs and terraform's output must hold neither the gateway's key nor the
// secret nor a token.
func TestCLI_gatewayModeKeepsTheSecretOutOfTerraform(t *testing.T) {
	if _, err := exec.LookPath(clirun.CLIPath()); err != nil {
		t.Skip("skipped: no terraform on PATH")
	}
	ctx, cancel := context.WithTimeout(t.Context(), 8*time.Minute)
	defer cancel()

	emu := emulator.New(emulator.Options{Secret: "gw-e2e-secret-5d0c7a91e4"})
	srv, err := emulator.Listen(emu, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const gatewayKey = "gw-e2e-key-8e2b6f14c9a07d35"
	const wrongKey = "gw-e2e-wrong-key-13f7c0a9b2"
	// The guide's gateway, with Plaid's credentials in its environment.
	gatewayURL, stopGateway, err := clirun.StartGateway(ctx, t.TempDir(), []string{
		"PLAID_CLIENT_ID=" + emu.ClientID(), "PLAID_SECRET=" + emu.Secret(), "GATEWAY_KEY=" + gatewayKey, "GATEWAY_UPSTREAM=" + srv.URL,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stopGateway)

	// Were Unset not to work, terraform would inherit these, and the
	// provider would warn that it ignores them (checked below).
	t.Setenv("PLAID_CLIENT_ID", emu.ClientID())
	t.Setenv("PLAID_SECRET", emu.Secret())

	tokens := map[string]string{}
	itemIDs := map[string]string{}
	for _, label := range []string{"with_reason", "terminated", "revoked"} {
		it := emu.Seed(emulator.SeedOptions{})
		tokens[label], itemIDs[label] = it.AccessToken, it.ItemID
	}
	imported := emu.Seed(emulator.SeedOptions{})
	tokensJSON, _ := json.Marshal(tokens)

	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := clirun.CopyFiles(filepath.Join(root, "examples", "gateway"))
	if err != nil {
		t.Fatal(err)
	}
	files["items.tf"] = gatewayItemsTF
	dir := t.TempDir()
	ws, err := clirun.New(ctx, dir, provider.RegistryAddress, files)
	if err != nil {
		t.Fatal(err)
	}
	var transcript bytes.Buffer
	ws.Transcript = &transcript
	logPath := filepath.Join(dir, "trace.log")
	ws.Unset = []string{"PLAID_CLIENT_ID", "PLAID_SECRET", "PLAID_GATEWAY", "PLAID_BASE_URL", "PLAID_ENV"}
	baseEnv := []string{
		"TF_LOG=TRACE",
		"TF_LOG_PATH=" + logPath,
		"TF_VAR_gateway_url=" + gatewayURL,
		"TF_VAR_gateway_key=" + gatewayKey,
		"TF_VAR_access_tokens=" + string(tokensJSON),
		"TF_VAR_import_token=" + imported.AccessToken,
		"E2E_IMPORT_TOKEN=" + imported.AccessToken,
	}
	ws.Env = baseEnv
	run := func(args ...string) string {
		t.Helper()
		out, err := ws.Terraform(ctx, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		if strings.Contains(out, gatewayCredentialsIgnored) {
			t.Errorf("terraform %s: the provider saw Plaid credentials in its environment:\n%s", args[0], out)
		}
		return out
	}

	run("apply", "-auto-approve", "-no-color")
	if out := run("plan", "-no-color"); !strings.Contains(out, "No changes.") {
		t.Errorf("plan after apply is not empty:\n%s", out)
	}
	run("state", "rm", "plaid_item.imported")
	run("import", "-no-color", "plaid_item.imported", "env:E2E_IMPORT_TOKEN")

	// Credentials left in Terraform's environment are ignored, with a
	// warning: never sent, or the gateway would refuse the plan's reads.
	ws.Env = append(append([]string{}, baseEnv...), "PLAID_CLIENT_ID="+emu.ClientID(), "PLAID_SECRET="+emu.Secret())
	if out, err := ws.Terraform(ctx, "plan", "-no-color"); err != nil || !strings.Contains(out, gatewayCredentialsIgnored) || !strings.Contains(out, "No changes.") {
		t.Errorf("plan with credentials in the environment: %v, want success and the warning:\n%s", err, out)
	}
	// The gateway's own refusal is reported as the gateway's.
	ws.Env = append(append([]string{}, baseEnv...), "TF_VAR_gateway_key="+wrongKey)
	if out, err := ws.Terraform(ctx, "plan", "-no-color"); err == nil || !strings.Contains(out, "HTTP 401") || !strings.Contains(out, "refused the request itself") || !strings.Contains(out, "gateway_headers") {
		t.Errorf("plan with the wrong gateway key: %v, want an error naming the gateway and gateway_headers:\n%s", err, out)
	}
	ws.Env = baseEnv

	if err := emu.Revoke(itemIDs["revoked"]); err != nil {
		t.Fatal(err)
	}
	destroyed := run("destroy", "-refresh=false", "-auto-approve", "-no-color")
	if !strings.Contains(destroyed, "Item "+itemIDs["revoked"]+" was already removed") {
		t.Errorf("destroy does not say the revoked Item was already removed:\n%s", destroyed)
	}
	if out := run("state", "list"); strings.TrimSpace(out) != "" {
		t.Errorf("state is not empty after destroy: %s", out)
	}

	// Every Item removed once, each as its resource says; the sandbox
	// Item too.
	items := emu.Items()
	if len(items) != 5 {
		t.Errorf("the emulator holds %d Items, want 5 (three adopted, one imported, one sandbox)", len(items))
	}
	for _, it := range items {
		if !it.Removed || it.RemoveCount != 1 {
			t.Errorf("item %s: %+v, want removed with one request", it.ItemID, it)
		}
	}
	if st := emu.Item(itemIDs["terminated"]); st.RemovedWith != plaid.PathItemProductsTerminate {
		t.Errorf("the terminated Item was removed with %q", st.RemovedWith)
	}
	var reasons int
	for _, c := range emu.Calls() {
		if c.CredentialsIn != "headers" || !strings.HasPrefix(c.UserAgent, "terraform-provider-plaid/") {
			t.Errorf("call %s reached the emulator with credentials in %q from %q, want the gateway's injected headers on the provider's request", c.Path, c.CredentialsIn, c.UserAgent)
		}
		if c.Path == plaid.PathItemRemove && c.ItemID == itemIDs["with_reason"] && c.ReasonCode != nil && *c.ReasonCode == "OTHER" {
			reasons++
		}
	}
	if reasons != 1 {
		t.Errorf("%d /item/remove calls carried the reason for with_reason, want 1", reasons)
	}

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logs, []byte("Adopted Plaid Item")) || !bytes.Contains(logs, []byte("plaid_path")) {
		t.Fatalf("the TRACE log does not hold the provider's own logs, so the scan below would prove nothing")
	}
	literals := []leakcheck.Literal{
		{What: "the gateway's key", Value: gatewayKey},
		{What: "a wrong gateway key", Value: wrongKey},
		{What: "the client secret", Value: emu.Secret()},
	}
	for _, token := range emu.IssuedTokens() {
		literals = append(literals, leakcheck.Literal{What: "an access token", Value: token})
	}
	for name, text := range map[string][]byte{"TRACE log": logs, "terraform output": transcript.Bytes()} {
		for _, found := range leakcheck.FindAll(string(text), literals...) {
			t.Errorf("the %s holds %s", name, found)
		}
	}
	t.Logf("scanned %d bytes of TRACE log and %d bytes of terraform output for %d secrets", len(logs), transcript.Len(), len(literals))
}
