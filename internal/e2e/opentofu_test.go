package e2e_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// examples/opentofu-state-encryption really keeps the token out of state at
// rest: OpenTofu adopts an Item through it against the emulator, the state
// file holds neither the token nor its item_id in the clear, and destroy,
// which must decrypt the state to find the token, removes the Item. Runs
// only when the CLI under test (TF_ACC_TERRAFORM_PATH) is OpenTofu, as
// .ci/test-versions sets it; `tofu validate` alone does not check the
// encryption block's contents.
func TestOpenTofu_stateEncryptionExample(t *testing.T) {
	cli := clirun.CLIPath()
	if name, _, err := clirun.CLIVersion(cli); err != nil || name != "OpenTofu" {
		t.Skipf("skipped: needs OpenTofu as TF_ACC_TERRAFORM_PATH (this is %q): Terraform has no state encryption", cli)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	item := srv.Seed(emulator.SeedOptions{})

	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := clirun.CopyFiles(filepath.Join(root, "examples", "opentofu-state-encryption"))
	if err != nil {
		t.Fatal(err)
	}
	ws, err := clirun.New(ctx, t.TempDir(), provider.RegistryAddress, files)
	if err != nil {
		t.Fatal(err)
	}
	ws.Env = []string{
		"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + srv.ClientID(), "PLAID_SECRET=" + srv.Secret(),
		"TF_VAR_state_passphrase=correct horse battery staple",
		"TF_VAR_plaid_access_token=" + item.AccessToken,
	}
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	state, err := os.ReadFile(filepath.Join(ws.Dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(state, []byte(`"encrypted_data"`)) {
		t.Errorf("the state file is not OpenTofu's encrypted format:\n%s", state)
	}
	for what, value := range map[string]string{"access token": item.AccessToken, "item_id": item.ItemID} {
		if bytes.Contains(state, []byte(value)) {
			t.Errorf("the %s is in the state file in the clear", what)
		}
	}
	if out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color"); err != nil || !strings.Contains(out, "1 destroyed") {
		t.Fatalf("destroy: %v\n%s", err, out)
	}
	if st := srv.Item(item.ItemID); !st.Removed || st.RemoveCount != 1 {
		t.Errorf("item after destroy: %+v, want removed once", st)
	}
}
