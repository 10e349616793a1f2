package provider

import (
	"fmt"
	"os"
	"os/exec"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
)

// testProviders serves the provider in-process to the terraform CLI.
var testProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"plaid": func() (tfprotov6.ProviderServer, error) { return NewServer("test")(), nil },
}

// TestMain points terraform-plugin-testing at the terraform on PATH (it must
// never download one), and reports how many exchanges the contract checked.
func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		if tf, err := exec.LookPath("terraform"); err == nil {
			os.Setenv("TF_ACC_TERRAFORM_PATH", tf)
		}
	}
	os.Setenv("CHECKPOINT_DISABLE", "1")
	if _, err := os.Stat(os.Getenv("TF_CLI_CONFIG_FILE")); err != nil {
		// An empty CLI config, when none is set or the one set is missing:
		// nothing from the machine's own applies, and the CLI does not warn
		// about a missing file. OpenTofu 1.12 prints that warning on stdout,
		// ahead of `version -json`'s JSON, which terraform-plugin-testing
		// then fails to parse. Set before the CLI is first asked what it is.
		if f, err := os.CreateTemp("", "terraformrc-*"); err == nil {
			f.Close()
			os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
			defer os.Remove(f.Name())
		}
	}
	addressProviderForOpenTofu()
	code := m.Run()
	if err := acctest.WriteLeakScanList(); err != nil {
		fmt.Println("leak scan list:", err)
		code = 1
	}
	if !acctest.ReportContract("provider") && code == 0 {
		code = 1
	}
	return code
}
