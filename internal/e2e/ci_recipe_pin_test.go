package e2e_test

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
)

// TestCIRecipe_pinnedCommitRunsTodaysModules: TestAccCIRecipe_fromSource
// builds this clone's HEAD, not the commit the recipe pins, so on its own
// a pin left behind would pass. A user copying
// the recipe runs today's example modules against the pinned provider: that
// works when the pin is a commit of this history and those modules have not
// changed since it (at the pin they were tested with that provider). A
// change to them must move the pin forward, in a later commit.
func TestCIRecipe_pinnedCommitRunsTodaysModules(t *testing.T) {
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	recipe := filepath.Join("examples", "ci", "github-actions-from-source.yml")
	raw, err := os.ReadFile(filepath.Join(root, recipe))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	pin := wf.Env["PLAID_PROVIDER_COMMIT"]
	if !regexp.MustCompile(`^[0-9a-f]{40}$`).MatchString(pin) {
		t.Fatalf("%s: PLAID_PROVIDER_COMMIT %q is not a full commit SHA", recipe, pin)
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("skipped: needs git to compare the pinned commit with HEAD")
	}
	git := func(args ...string) (string, error) {
		out, err := exec.Command("git", append([]string{"-C", root}, args...)...).CombinedOutput()
		return strings.TrimSpace(string(out)), err
	}
	// The repository must be this tree's own: a copy unpacked inside some
	// other repository (a dotfiles-managed home, say) would be compared
	// with that one's history.
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		t.Skipf("skipped: %s is not a git clone: %s", root, top)
	}
	if same, _ := filepath.EvalSymlinks(top); same != mustEvalSymlinks(t, root) {
		t.Skipf("skipped: %s is not a clone of its own (git's top level is %s)", root, top)
	}
	if _, err := git("cat-file", "-e", pin+"^{commit}"); err != nil {
		if shallow, _ := git("rev-parse", "--is-shallow-repository"); shallow == "true" {
			t.Skipf("skipped: this clone is shallow and lacks the pinned commit %s", pin)
		}
		t.Fatalf("%s pins %s, which is not a commit of this repository "+
			"(a pin to a branch's commit is lost when the branch is squashed or rebased on merge: pin a commit of main)", recipe, pin)
	}
	if _, err := git("merge-base", "--is-ancestor", pin, "HEAD"); err != nil {
		t.Fatalf("%s pins %s, which is not an ancestor of HEAD "+
			"(a pin to a branch's commit is lost when the branch is squashed or rebased on merge: pin a commit of main)", recipe, pin)
	}

	modules := map[string]bool{}
	for _, m := range regexp.MustCompile(`examples/[a-z0-9-]+`).FindAllString(string(raw), -1) {
		if m != "examples/ci" {
			modules[m] = true
		}
	}
	if len(modules) == 0 {
		t.Fatalf("%s names no example module", recipe)
	}
	paths := slices.Sorted(maps.Keys(modules))
	changed, err := git(append([]string{"diff", "--name-only", pin, "HEAD", "--"}, paths...)...)
	if err != nil {
		t.Fatalf("git diff: %v\n%s", err, changed)
	}
	if changed != "" {
		t.Errorf("%s pins %s, but the modules its jobs run changed since then:\n%s\n"+
			"Commit the change, then move PLAID_PROVIDER_COMMIT to that commit (or a later one) in a commit of its own.",
			recipe, pin, changed)
	}
}

func mustEvalSymlinks(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
