package e2e_test

import (
	"context"
	"io/fs"
	"maps"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// requiredProviders is added to examples that don't declare the provider's
// source themselves (the short snippets shown in the docs), because dev
// overrides match the registry address.
const requiredProviders = `terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}
`

// Every directory of examples/ that holds .tf files passes `validate`
// against a freshly built provider (the local modules it calls installed
// first, as `terraform get` does), so that the examples in the docs keep
// working. The CLI is the one under test (TF_ACC_TERRAFORM_PATH, else the
// terraform on PATH; `make validate-examples` runs this test alone). Under
// Terraform the examples only OpenTofu parses (directories named
// opentofu-*, such as the state encryption example) skip, saying so; under
// OpenTofu every example is validated, those included.
func TestExamples_validate(t *testing.T) {
	cli := clirun.CLIPath()
	if _, err := exec.LookPath(cli); err != nil {
		t.Skipf("skipped: no %s to run", cli)
	}
	name, version, err := clirun.CLIVersion(cli)
	if err != nil {
		t.Fatal(err)
	}
	isTofu := name == "OpenTofu"
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Minute)
	defer cancel()
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	dirs := exampleDirs(t, filepath.Join(root, "examples"))
	tmp := t.TempDir()
	prov, err := clirun.Build(ctx, tmp, provider.RegistryAddress)
	if err != nil {
		t.Fatal(err)
	}
	for i, dir := range dirs {
		rel, _ := filepath.Rel(root, dir)
		t.Run(rel, func(t *testing.T) {
			if openTofuOnly(dir) && !isTofu {
				t.Skipf("skipped: OpenTofu only, validated when TF_ACC_TERRAFORM_PATH is tofu (this is %s %s)", name, version)
			}
			if needsActions(dir) && !cliHasActions(name, version) {
				t.Skipf("skipped: uses actions, which need Terraform 1.14 or later and which OpenTofu does not have (this is %s %s)", name, version)
			}
			files, err := clirun.CopyFiles(dir)
			if err != nil {
				t.Fatal(err)
			}
			if !declaresProvider(files) {
				files["zz_required_providers.tf"] = requiredProviders
			}
			ws, err := prov.Workspace(filepath.Join(tmp, "examples", strconv.Itoa(i)), files)
			if err != nil {
				t.Fatal(err)
			}
			ws.CLI = cli
			if err := ws.GetModules(ctx, files); err != nil {
				t.Fatalf("%s %s: %v", name, version, err)
			}
			if out, err := ws.Terraform(ctx, "validate", "-no-color"); err != nil {
				if backend := missingBackend.FindStringSubmatch(out); backend != nil {
					// .ci/cli builds Terraform 1.12 and later without the
					// cloud state backends (see .ci/versions.env).
					t.Skipf("skipped: %s %s is a test build without the %q state backend this example configures", name, version, backend[1])
				}
				t.Errorf("%s %s validate: %v\n%s", name, version, err, out)
			}
		})
	}
}

// exampleDirs lists, sorted, the directories under examples that hold .tf
// files.
func exampleDirs(t *testing.T, examples string) []string {
	t.Helper()
	seen := map[string]bool{}
	err := filepath.WalkDir(examples, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == ".terraform" {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") {
			seen[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) == 0 {
		t.Fatalf("no examples found under %s", examples)
	}
	return slices.Sorted(maps.Keys(seen))
}

// openTofuOnly reports whether an example directory uses what only OpenTofu
// parses (its name starts with "opentofu-").
func openTofuOnly(dir string) bool {
	return strings.HasPrefix(filepath.Base(dir), "opentofu-")
}

// missingBackend is how validate says the CLI has no such state backend.
var missingBackend = regexp.MustCompile(`There is no backend type named "([a-z0-9]+)"`)

// needsActions reports whether an example directory uses actions, which
// only Terraform 1.14 and later parse (its name starts with
// "terraform-actions-").
func needsActions(dir string) bool {
	return strings.HasPrefix(filepath.Base(dir), "terraform-actions-")
}

func declaresProvider(files map[string]string) bool {
	for _, content := range files {
		if strings.Contains(content, "required_providers") {
			return true
		}
	}
	return false
}

// examples/terraform-test-module passes `terraform test` against the
// emulator, its health check included (an Item signed out with
// /sandbox/item/reset_login shows ITEM_LOGIN_REQUIRED in the next plan),
// and the test's teardown removes every Item it made.
func TestCLI_terraformTestModuleExample(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws := exampleWorkspace(ctx, t, "terraform-test-module", srv)
	// The test's helper module is installed as `terraform init` would (the
	// provider comes from the dev_overrides, which init refuses to look up;
	// TestInstall_initFindsTheImpliedLocalMirror runs the real init).
	if out, err := ws.Terraform(ctx, "get", "-no-color"); err != nil {
		t.Fatalf("terraform get: %v\n%s", err, out)
	}
	out, err := ws.Terraform(ctx, "test", "-no-color")
	if err != nil || !strings.Contains(out, "5 passed, 0 failed") {
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
