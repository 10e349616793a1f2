package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
)

const installedConfig = `
terraform {
  required_providers {
    plaid = {
      source = "ledgerline/plaid"
    }
  }
}

provider "plaid" {}

variable "plaid_access_token" {
  type      = string
  sensitive = true
}

resource "plaid_item" "example" {
  access_token        = var.plaid_access_token
  removal_reason_code = "OTHER"
}
`

// `make install` puts the provider where a plain `init` finds it, as the
// README's "Use" section runs it: HOME is a fresh directory, there is no CLI
// configuration, and every connection goes to a proxy that refuses it, so
// init can only succeed from the implied local mirror. The same init fails
// before the install, which shows the mirror is what made it work. The CLI
// is TF_ACC_TERRAFORM_PATH when set (.ci/test-versions runs this on every
// version it proves, OpenTofu included), else the terraform on PATH.
func TestInstall_initFindsTheImpliedLocalMirror(t *testing.T) {
	cli := clirun.CLIPath()
	if _, err := exec.LookPath(cli); err != nil {
		t.Skipf("skipped: no %s to run", cli)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("skipped: no make to run `make install` with")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(installedConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	env := isolatedEnv(t, home)
	run := func(dir, name string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, name, args...)
		cmd.Dir = dir
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	if out, err := run(work, cli, "init", "-input=false", "-no-color"); err == nil {
		t.Fatalf("init succeeded before `make install`, so this test could not tell the mirror works:\n%s", out)
	}

	out, err := run(root, "make", "install")
	if err != nil {
		t.Fatalf("make install: %v\n%s", err, out)
	}
	platform := runtime.GOOS + "_" + runtime.GOARCH
	var version string
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		versions, err := os.ReadDir(filepath.Join(home, ".terraform.d", "plugins", host, "ledgerline", "plaid"))
		if err != nil || len(versions) != 1 {
			t.Fatalf("make install should leave one version under ~/.terraform.d/plugins/%s/ledgerline/plaid: %v %v\n%s", host, versions, err, out)
		}
		version = versions[0].Name()
		bin := filepath.Join(home, ".terraform.d", "plugins", host, "ledgerline", "plaid", version, platform, "terraform-provider-plaid_v"+version)
		if fi, err := os.Stat(bin); err != nil || fi.Mode()&0o111 == 0 {
			t.Fatalf("no executable provider at %s: %v", bin, err)
		}
	}
	if strings.Contains(version, "-") {
		t.Errorf("installed version %q is a prerelease, which init selects only when a constraint names it", version)
	}

	out, err = run(work, cli, "init", "-input=false", "-no-color")
	if err != nil {
		t.Fatalf("init after make install: %v\n%s", err, out)
	}
	if !strings.Contains(out, "ledgerline/plaid v"+version) {
		t.Errorf("init did not install ledgerline/plaid v%s:\n%s", version, out)
	}
	lock, err := os.ReadFile(filepath.Join(work, ".terraform.lock.hcl"))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`provider "registry\.(terraform\.io|opentofu\.org)/ledgerline/plaid" \{\s*version\s*=\s*"` + regexp.QuoteMeta(version) + `"`).Match(lock) {
		t.Errorf("the lock file does not record ledgerline/plaid %s:\n%s", version, lock)
	}
	// validate starts the installed binary for its schema.
	if out, err := run(work, cli, "validate", "-no-color"); err != nil {
		t.Fatalf("validate with the installed provider: %v\n%s", err, out)
	}

	// examples/terraform-test-module, as its header says to run it: init
	// from the mirror, then `terraform test` against the emulator.
	if !supportsTerraformTest(t, cli) {
		t.Logf("not running examples/terraform-test-module: `terraform test` needs Terraform 1.6 or later")
		return
	}
	module := t.TempDir()
	copyTree(t, filepath.Join(root, "examples", "terraform-test-module"), module)
	srv := startEmulator(t)
	env = append(env, "PLAID_BASE_URL="+srv.URL, "PLAID_CLIENT_ID="+srv.ClientID(), "PLAID_SECRET="+srv.Secret())
	if out, err := run(module, cli, "init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("init in examples/terraform-test-module: %v\n%s", err, out)
	}
	if out, err := run(module, cli, "test", "-no-color"); err != nil || !strings.Contains(out, "5 passed, 0 failed") {
		t.Fatalf("test in examples/terraform-test-module: %v\n%s", err, out)
	}
	requireAllRemovedOnce(t, srv, 3)
}

// supportsTerraformTest: OpenTofu (1.6 and later) and Terraform 1.6 and
// later have `test`.
func supportsTerraformTest(t *testing.T, cli string) bool {
	_, v, err := clirun.CLIVersion(cli)
	if err != nil {
		t.Fatal(err)
	}
	var major, minor int
	if _, err := fmt.Sscanf(v, "%d.%d", &major, &minor); err != nil {
		t.Fatalf("version %q: %v", v, err)
	}
	return major > 1 || (major == 1 && minor >= 6)
}

// isolatedEnv is this process's environment with HOME replaced, no CLI
// configuration or plugin cache, and a proxy that refuses every connection.
// Go's own caches keep their real locations (they default to HOME), so
// `make install` builds from the warm cache and never downloads.
func isolatedEnv(t *testing.T, home string) []string {
	t.Helper()
	goEnv, err := exec.Command("go", "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatal(err)
	}
	paths := strings.Split(strings.TrimSpace(string(goEnv)), "\n")
	if len(paths) != 3 {
		t.Fatalf("go env: %q", goEnv)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case strings.HasPrefix(name, "TF_"), strings.HasPrefix(name, "XDG_"),
			strings.EqualFold(name, "HTTP_PROXY"), strings.EqualFold(name, "HTTPS_PROXY"), strings.EqualFold(name, "NO_PROXY"),
			name == "HOME", name == "GOCACHE", name == "GOMODCACHE", name == "GOPATH":
			continue
		}
		env = append(env, kv)
	}
	// A closed port on loopback: anything that tries the network fails fast.
	const refusingProxy = "http://127.0.0.1:9"
	return append(env,
		"HOME="+home,
		"GOCACHE="+paths[0], "GOMODCACHE="+paths[1], "GOPATH="+paths[2],
		"HTTP_PROXY="+refusingProxy, "HTTPS_PROXY="+refusingProxy,
		"CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
	)
}
