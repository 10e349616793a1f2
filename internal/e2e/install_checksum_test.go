package e2e_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
)

// What a developer meets after `make install`, a change to the source and
// `make install` again, as the README describes it: an unchanged source
// reinstalls byte-identical and init goes on working; a changed build makes
// init fail on the lock file's checksum, `make install` says so and prints
// the command that records the new checksum, and after that command init
// works. The earlier, different build is simulated by changing the
// installed binary before the first init.
func TestInstall_changedBuildPrintsTheLockStep(t *testing.T) {
	cli := clirun.CLIPath()
	if _, err := exec.LookPath(cli); err != nil {
		t.Skipf("skipped: no %s to run", cli)
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("skipped: no make to run `make install` with")
	}
	name, _, err := clirun.CLIVersion(cli)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	home, work := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(installedConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	env := isolatedEnv(t, home)
	run := func(dir, command string, args ...string) (string, error) {
		cmd := exec.CommandContext(ctx, command, args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	const changedNote = "differs from the one installed before it"

	if out, err := run(root, "make", "install"); err != nil || strings.Contains(out, changedNote) {
		t.Fatalf("first make install: %v\n%s", err, out)
	}
	if out, err := run(root, "make", "install"); err != nil || strings.Contains(out, changedNote) {
		t.Fatalf("reinstalling the same source must be byte-identical and say nothing more: %v\n%s", err, out)
	}
	// The earlier build: a different binary under the same version.
	platform := runtime.GOOS + "_" + runtime.GOARCH
	for _, host := range []string{"registry.terraform.io", "registry.opentofu.org"} {
		bin := filepath.Join(home, ".terraform.d", "plugins", host, "ledgerline", "plaid", "0.0.1", platform, "terraform-provider-plaid_v0.0.1")
		f, err := os.OpenFile(bin, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.WriteString("an earlier build")
		_ = f.Close()
	}
	if out, err := run(work, cli, "init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("init with the earlier build: %v\n%s", err, out)
	}

	out, err := run(root, "make", "install")
	if err != nil || !strings.Contains(out, changedNote) {
		t.Fatalf("make install over a different build must say so: %v\n%s", err, out)
	}
	if out, err := run(work, cli, "init", "-input=false", "-no-color"); err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "checksums previously recorded") {
		t.Fatalf("init after a changed build: err=%v; want the checksum mismatch make install warned of:\n%s", err, out)
	}
	// The step make install printed for this CLI, run as printed.
	prefix := "terraform providers lock "
	if name == "OpenTofu" {
		prefix = "tofu providers lock "
	}
	step := ""
	for _, line := range strings.Split(out, "\n") {
		if line = strings.TrimSpace(line); strings.HasPrefix(line, prefix) {
			step = line
		}
	}
	if step == "" {
		t.Fatalf("make install printed no %q step:\n%s", prefix, out)
	}
	// As pasted into a shell, quotes and all; only the CLI's name becomes
	// the path of the CLI under test.
	_, args, _ := strings.Cut(step, " ")
	if out, err := run(work, "sh", "-c", `exec "$0" `+args, cli); err != nil {
		t.Fatalf("the printed step %q: %v\n%s", step, err, out)
	}
	if out, err := run(work, cli, "init", "-input=false", "-no-color"); err != nil {
		t.Fatalf("init after the printed step: %v\n%s", err, out)
	}
}
