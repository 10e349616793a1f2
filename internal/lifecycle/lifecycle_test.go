package lifecycle_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/lifecycle"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// ciSeeds are the walks CI runs on every CLI it proves (.ci/test-versions
// runs TestLifecycle too): each is ciSteps steps, then the final teardown.
// Between them they draw every step but destroy-norefresh, drop and
// faults-off (make soak draws those), and two are the shortest walks to the
// bugs issue 20 names:
//
//	1: adopt, import block and env: import, note, method, rotation,
//	   revocation of an adopted Item after an in-place update (issue 20,
//	   point 1: that plan failed with "Replacing an Adopted Item Cannot Work")
//	3: sandbox Items, clear-webhook, state rm, an interrupted destroy and
//	   the one that must converge after it, apply -refresh=false
//	7: webhooks, reset_login, and a for_each key renamed without a moved
//	   block (issue 20, point 2: that apply removed the live Item)
//	15: import blocks, a removed block, faults, state from an earlier release
//	16: faults, an interrupted apply, state rm, rotation, destroy
//	17: reset_login, a rename with a moved block, revocation after it, a
//	   removed block, import blocks
var ciSeeds = []uint64{1, 3, 7, 15, 16, 17}

const ciSteps = 12

// The environment variables that steer TestLifecycle; the package doc
// (doc.go) says how.
const (
	envSeed    = "LIFECYCLE_SEED"
	envSteps   = "LIFECYCLE_STEPS"
	envSeeds   = "LIFECYCLE_SEEDS"
	envLength  = "LIFECYCLE_LENGTH"
	envShrink  = "LIFECYCLE_SHRINK"
	envTrace   = "LIFECYCLE_TRACE"
	envBudget  = "LIFECYCLE_BUDGET"
	envExclude = "LIFECYCLE_EXCLUDE"
)

// TestLifecycle walks an estate of a handful of Items through seeded
// random runs of ordinary moments, through the real CLI against the
// emulator, and checks the invariants after every step (doc.go). A failing
// walk is shrunk and printed with the command that replays it.
func TestLifecycle(t *testing.T) {
	h, ok := newHarness(t)
	if !ok {
		return
	}
	var err error

	length := envInt(t, envLength, ciSteps)
	var exclude []string
	if s := os.Getenv(envExclude); s != "" {
		exclude = strings.Split(s, ",")
	}
	if s := os.Getenv(envSeed); s != "" {
		seed, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q: %v", envSeed, s, err)
		}
		steps := lifecycle.Generate(seed, length, exclude...)
		if list := os.Getenv(envSteps); list != "" {
			if steps, err = lifecycle.ParseSteps(list); err != nil {
				t.Fatal(err)
			}
		}
		h.walk(t, seed, steps)
		return
	}
	seeds := ciSeeds
	if s := os.Getenv(envSeeds); s != "" {
		if seeds, err = seedRange(s); err != nil {
			t.Fatalf("%s=%q: %v", envSeeds, s, err)
		}
	}
	started, budget := time.Now(), time.Duration(envInt(t, envBudget, 0))*time.Second
	for i, seed := range seeds {
		if budget > 0 && time.Since(started) > budget {
			t.Logf("%s (%v) spent: %d of %d seeds walked, stopping", envBudget, budget, i, len(seeds))
			return
		}
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			h.walk(t, seed, lifecycle.Generate(seed, length, exclude...))
		})
	}
}

// The shortest failing sequences the walks found on the main branch of
// issue 20, replayed as they are, so that each fix is held to the walk that
// found its bug (the CI seeds reach them too, among other steps).
func TestLifecycle_shrunkSequences(t *testing.T) {
	h, ok := newHarness(t)
	if !ok {
		return
	}
	for _, c := range []struct{ name, steps string }{
		// Issue 20, point 1: after an in-place update, the plan that
		// followed the owner's revocation failed with "Replacing an
		// Adopted Item Cannot Work" (seeds 1, 8, 9, 12, 21, 24, 32).
		{"revocation after an in-place update", "adopt:a1,note:a1,revoke:a1"},
		// Issue 20, point 2: a for_each key renamed without a moved block
		// removed the live Item at Plaid (seeds 6, 7, 13, 18, 23, 28-31).
		{"rename without a moved block", "adopt:a1,relabel:a1"},
		// The same rename while a rotated token waits for its apply: the
		// destroy of the old key fails on the rotated token, and the Item
		// stays in state under both keys (seeds 5, 20, 27).
		{"rename without a moved block with a rotated token pending", "adopt:a3,rotate:a3,relabel:a3"},
		// An owner's revocation while a rotated token waits for its apply:
		// the plan's warning said to drop the token, which leads to a
		// destroy through the rotated-out token that always fails (seed 64
		// of 41-70; TestRevokedWhileRotatedTokenPending). The walk now holds
		// the warning to the way out that works.
		{"revocation while a rotated token waits", "adopt:a0,rotate:a0,revoke:a0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if strings.Contains(c.name, "rotated token pending") {
				t.Skip("issue 20 (found by the lifecycle model check, seeds 1, 5, 20, 27): a renamed key whose rotated token is not applied yet is not caught at plan, because the old key's state and the new key's configuration name the Item by different tokens, and linking them costs a /item/get in every adoption's plan; the apply then keeps the Item under both keys (the old key's destroy fails on the rotated token, with guidance). The walk applies a pending rotation before a rename, as the docs say.")
			}
			steps, err := lifecycle.ParseSteps(c.steps)
			if err != nil {
				t.Fatal(err)
			}
			h.walk(t, 1, steps)
		})
	}
}

type harness struct {
	provider *clirun.Provider
	cli      string
	caps     lifecycle.Capabilities
	trace    bool
}

// newHarness builds the provider once for a test's walks and asks the CLI
// what it can do; ok is false when the test was skipped.
func newHarness(t *testing.T) (h harness, ok bool) {
	t.Helper()
	cli := clirun.CLIPath()
	if _, err := exec.LookPath(cli); err != nil {
		t.Skipf("skipped: no %s on PATH", cli)
		return h, false
	}
	caps, err := lifecycle.DetectCapabilities(cli)
	if err != nil {
		t.Fatal(err)
	}
	p, err := clirun.Build(context.Background(), t.TempDir(), provider.RegistryAddress)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("CLI: %s (import blocks %v, removed blocks %v)", caps.CLI, caps.ImportBlocks, caps.RemovedBlocks)
	return harness{provider: p, cli: cli, caps: caps, trace: os.Getenv(envTrace) != "0"}, true
}

// walk runs one walk; when it fails, it shrinks the steps (unless
// LIFECYCLE_SHRINK=0) and reports the shortest failing sequence with the
// command that replays it.
func (h harness) walk(t *testing.T, seed uint64, steps []lifecycle.Step) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	t.Logf("seed %d: %s", seed, lifecycle.FormatSteps(steps))
	var transcript bytes.Buffer
	failure, err := lifecycle.Run(ctx, h.options(t, t.Logf, &transcript), seed, steps)
	if err != nil {
		t.Fatal(err)
	}
	if failure == nil {
		return
	}
	t.Logf("the walk failed %s\nlast output:\n%s", failure, tail(transcript.String()))
	shrunk := steps
	if os.Getenv(envShrink) != "0" {
		budget := time.Duration(envInt(t, envShrink, 120)) * time.Second
		started, runs := time.Now(), 0
		shrunk = lifecycle.Shrink(steps, failure.Signature(), budget, func(candidate []lifecycle.Step) string {
			runs++
			f, err := lifecycle.Run(ctx, h.options(t, nil, nil), seed, candidate)
			if err != nil || f == nil {
				return ""
			}
			return f.Signature()
		})
		t.Logf("shrunk from %d to %d steps in %d replays (%.0fs)", len(steps), len(shrunk), runs, time.Since(started).Seconds())
	}
	cliEnv := ""
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		cliEnv = "TF_ACC_TERRAFORM_PATH=" + p + " "
	}
	t.Errorf("lifecycle walk, seed %d: %s\nshortest failing sequence (%d steps): %s\nreplay: %s%s=%d %s='%s' go test ./internal/lifecycle -run '^TestLifecycle$' -count=1 -v",
		seed, failure, len(shrunk), lifecycle.FormatSteps(shrunk), cliEnv, envSeed, seed, envSteps, lifecycle.FormatSteps(shrunk))
}

func (h harness) options(t *testing.T, logf func(string, ...any), transcript *bytes.Buffer) lifecycle.Options {
	return lifecycle.Options{Provider: h.provider, CLI: h.cli, Caps: h.caps, Dir: t.TempDir(), Trace: h.trace, Logf: logf, Transcript: transcript}
}

// seedRange reads LIFECYCLE_SEEDS: "N" for seeds 1 to N, "A-B" for A to B.
func seedRange(s string) ([]uint64, error) {
	from, to := "1", s
	if a, b, ok := strings.Cut(s, "-"); ok {
		from, to = a, b
	}
	lo, err1 := strconv.ParseUint(from, 10, 64)
	hi, err2 := strconv.ParseUint(to, 10, 64)
	if err1 != nil || err2 != nil || lo < 1 || hi < lo {
		return nil, fmt.Errorf(`want "N" (seeds 1 to N) or "A-B"`)
	}
	var seeds []uint64
	for seed := lo; seed <= hi; seed++ {
		seeds = append(seeds, seed)
	}
	return seeds, nil
}

func envInt(t *testing.T, name string, fallback int) int {
	s := os.Getenv(name)
	if s == "" {
		return fallback
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("%s=%q is not a number", name, s)
	}
	return n
}

// tail is the last lines of a walk's transcript, where it failed.
func tail(s string) string {
	const n = 60
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
