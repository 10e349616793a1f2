// Command demo is `make demo`: it builds the provider, starts the Plaid
// emulator on loopback, adopts three Items with examples/adopt-many through
// `terraform apply`, removes them with `terraform destroy`, shows what the
// emulator received, and cleans up after itself. With -gateway, the same
// runs in gateway mode, through examples/gateway in front of the emulator,
// with no Plaid credential in Terraform's environment.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

func main() {
	gateway := flag.Bool("gateway", false, "run in gateway mode: through examples/gateway, which injects the credentials, with none in Terraform's environment")
	flag.Parse()
	if err := run(*gateway); err != nil {
		fmt.Fprintln(os.Stderr, "demo failed:", err)
		os.Exit(1)
	}
}

func run(gateway bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()

	tmp, err := os.MkdirTemp("", "plaid-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	secret := make([]byte, 12)
	_, _ = rand.Read(secret)
	emu := emulator.New(emulator.Options{Secret: "demo-" + hex.EncodeToString(secret)})
	srv, err := emulator.Listen(emu, "127.0.0.1:0", false)
	if err != nil {
		return err
	}
	defer srv.Close()
	step("Emulator listening on %s (sandbox, client_id %s)", srv.URL, emu.ClientID())

	tokens := map[string]string{}
	for _, label := range []string{"checking", "savings", "brokerage"} {
		tokens[label] = emu.Seed(emulator.SeedOptions{}).AccessToken
	}
	tokensJSON, _ := json.Marshal(tokens)
	step("Seeded 3 Items; their access tokens reach Terraform only through the sensitive TF_VAR_access_tokens")

	root, err := clirun.ModuleRoot()
	if err != nil {
		return err
	}
	files, err := clirun.CopyFiles(filepath.Join(root, "examples", "adopt-many"))
	if err != nil {
		return err
	}
	step("Building the provider and writing a dev_overrides CLI configuration in %s", tmp)
	ws, err := clirun.New(ctx, tmp, provider.RegistryAddress, files)
	if err != nil {
		return err
	}
	ws.Transcript = os.Stdout
	// examples/adopt-many checks each Item's health through a local module.
	if err := ws.GetModules(ctx, files); err != nil {
		return err
	}
	ws.Env = []string{
		"PLAID_BASE_URL=" + srv.URL,
		"PLAID_CLIENT_ID=" + emu.ClientID(),
		"PLAID_SECRET=" + emu.Secret(),
		"TF_VAR_access_tokens=" + string(tokensJSON),
	}
	if gateway {
		stopGateway, err := useGateway(ctx, ws, tmp, srv.URL, emu.ClientID(), emu.Secret(), string(tokensJSON))
		if err != nil {
			return err
		}
		defer stopGateway()
	}

	step("terraform apply: adopt the Items (one /item/get each)")
	if _, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		return err
	}
	step("terraform destroy: remove them (one /item/remove each, with the configured reason)")
	if _, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		return err
	}

	step("What the emulator received")
	fmt.Printf("  %-14s %-6s %-12s %-8s %s\n", "PATH", "STATUS", "REASON_CODE", "CREDS", "ITEM")
	for _, c := range emu.Calls() {
		reason := "-"
		if c.ReasonCode != nil {
			reason = *c.ReasonCode
		}
		fmt.Printf("  %-14s %-6d %-12s %-8s %s\n", c.Path, c.Status, reason, c.CredentialsIn, c.ItemID)
	}
	if gateway {
		fmt.Println("  (CREDS: the gateway put them in the headers; Terraform never had them)")
	}
	if n := emu.DroppedCalls(); n > 0 {
		fmt.Printf("  (%d earlier calls dropped: the call log keeps the last %d)\n", n, emu.MaxCalls())
	}
	removed := 0
	for _, it := range emu.Items() {
		// RemoveCount counts /item/remove requests, ITEM_NOT_FOUND
		// answers included: a second removal would show as 2.
		if it.RemovedOnce() {
			removed++
		}
	}
	if removed != len(tokens) {
		return fmt.Errorf("%d of %d Items were removed exactly once", removed, len(tokens))
	}
	step("All %d Items removed exactly once. Temporary files in %s are deleted on exit.", removed, tmp)
	return nil
}

func step(format string, args ...any) {
	fmt.Printf("\n==> %s\n", strings.TrimSpace(fmt.Sprintf(format, args...)))
}

// gatewayFiles switch examples/adopt-many to gateway mode: an override
// file merges into its provider block, as a user could.
const gatewayFiles = `variable "gateway_key" {
  type      = string
  sensitive = true
}
`

const gatewayOverride = `provider "plaid" {
  gateway         = true
  gateway_headers = { "X-Gateway-Key" = var.gateway_key }
}
`

// useGateway starts examples/gateway in front of the emulator with the
// credentials, and points the workspace at it with none: PLAID_CLIENT_ID
// and PLAID_SECRET are not merely empty but absent from Terraform's
// environment.
func useGateway(ctx context.Context, ws *clirun.Workspace, tmp, upstream, clientID, secret, tokensJSON string) (stop func(), err error) {
	raw := make([]byte, 16)
	_, _ = rand.Read(raw)
	key := "demo-gw-" + hex.EncodeToString(raw)
	url, stop, err := clirun.StartGateway(ctx, tmp, []string{"PLAID_CLIENT_ID=" + clientID, "PLAID_SECRET=" + secret, "GATEWAY_KEY=" + key, "GATEWAY_UPSTREAM=" + upstream})
	if err != nil {
		return nil, err
	}
	step("Gateway mode: examples/gateway listens on %s and holds the credentials; Terraform gets only the gateway's key", url)
	for name, content := range map[string]string{"gateway.tf": gatewayFiles, "gateway_override.tf": gatewayOverride} {
		if err := os.WriteFile(filepath.Join(ws.Dir, name), []byte(content), 0o600); err != nil {
			stop()
			return nil, err
		}
	}
	ws.Unset = []string{"PLAID_CLIENT_ID", "PLAID_SECRET"}
	ws.Env = []string{"PLAID_BASE_URL=" + url, "TF_VAR_gateway_key=" + key, "TF_VAR_access_tokens=" + tokensJSON}
	return stop, nil
}
