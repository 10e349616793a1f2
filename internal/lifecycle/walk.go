package lifecycle

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// Options configure a walk.
type Options struct {
	// Provider is the provider binary and CLI configuration, built once
	// for every walk of a test (clirun.Build).
	Provider *clirun.Provider
	// CLI is the terraform or tofu binary.
	CLI  string
	Caps Capabilities
	// Dir is scratch space for this walk: the workspace and its logs.
	Dir string
	// Trace runs every command with TF_LOG=TRACE and scans the log.
	Trace bool
	// Logf receives one line per step (nil: silent).
	Logf func(format string, args ...any)
	// Transcript receives everything the CLI printed (nil: discarded).
	Transcript *bytes.Buffer
}

// Failure is a broken invariant: where, which, and what was seen.
type Failure struct {
	// Step is the index of the step that broke it; len(steps) is the
	// final teardown every walk ends with.
	Step      int
	StepName  string
	Invariant string
	Detail    string
	// Summary is the first error a failed command printed, if any.
	Summary string
}

func (f *Failure) Error() string {
	return fmt.Sprintf("after step %d (%s): %s: %s", f.Step+1, f.StepName, f.Invariant, f.Detail)
}

// Signature is what a shrunk sequence must still show to count as the same
// failure: the invariant, and for a failed command its first error.
func (f *Failure) Signature() string {
	if f.Summary == "" {
		return f.Invariant
	}
	return f.Invariant + ": " + f.Summary
}

// violation is a broken invariant inside a step.
type violation struct{ invariant, detail, summary string }

func (v *violation) Error() string { return v.invariant + ": " + v.detail }

func violated(invariant, format string, args ...any) *violation {
	return &violation{invariant: invariant, detail: fmt.Sprintf(format, args...)}
}

// walk is one run of steps from a fresh emulator and an empty workspace.
type walk struct {
	o     Options
	seed  uint64
	srv   *emulator.Server
	ws    *clirun.Workspace
	m     *model
	trace string
	// out collects what every command of the current step printed.
	out strings.Builder
	// importEnv holds the LIFECYCLE_IMPORT_* variables set so far.
	importEnv []string
	// stepIndex numbers fault seeds so that replays draw the same faults.
	stepIndex int
	// traceBytes counts the TRACE log scanned, for the walk's last line.
	traceBytes int
}

// Run walks steps for seed from a fresh emulator and an empty workspace,
// checking the invariants after each, then tears the estate down and
// checks that too. It returns the first broken invariant, or an error
// when the harness itself could not run.
func Run(ctx context.Context, o Options, seed uint64, steps []Step) (*Failure, error) {
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	emu := emulator.New(emulator.Options{Secret: "lifecycle-secret-" + randomHex(12), RateLimitWindow: time.Second})
	defer emu.Close()
	srv, err := emulator.Listen(emu, "127.0.0.1:0", false)
	if err != nil {
		return nil, err
	}
	defer func() { _ = srv.Close() }()
	ws, err := o.Provider.Workspace(filepath.Join(o.Dir, "work"), nil)
	if err != nil {
		return nil, err
	}
	ws.CLI = o.CLI
	if o.Transcript != nil {
		ws.Transcript = o.Transcript
	}
	w := &walk{o: o, seed: seed, srv: srv, ws: ws, m: newModel(), trace: filepath.Join(o.Dir, "trace.log")}
	for i, s := range steps {
		w.stepIndex = i
		if f := w.runStep(i, s.String(), func() error { return w.step(ctx, s) }); f != nil {
			return f, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	w.stepIndex = len(steps)
	f := w.runStep(len(steps), "final teardown", func() error { return w.teardown(ctx) })
	if o.Trace {
		o.Logf("scanned %d KiB of TRACE log and every command's output for the secret and %d tokens", w.traceBytes/1024, len(srv.IssuedTokens()))
	}
	return f, nil
}

// runStep runs one step and then checks every invariant against the
// emulator's record. A broken invariant outranks the step's own complaint:
// it is the more basic fact.
func (w *walk) runStep(i int, name string, run func() error) *Failure {
	w.out.Reset()
	started := time.Now()
	err := run()
	var skipped *skip
	if errors.As(err, &skipped) {
		w.o.Logf("step %2d %-24s skipped: %s", i+1, name, skipped.why)
		return nil
	}
	if v := w.checkInvariants(); v != nil {
		return &Failure{Step: i, StepName: name, Invariant: v.invariant, Detail: v.detail, Summary: v.summary}
	}
	var v *violation
	if errors.As(err, &v) {
		return &Failure{Step: i, StepName: name, Invariant: v.invariant, Detail: v.detail, Summary: v.summary}
	}
	if err != nil {
		return &Failure{Step: i, StepName: name, Invariant: "harness", Detail: err.Error()}
	}
	w.o.Logf("step %2d %-24s ok (%.1fs)", i+1, name, time.Since(started).Seconds())
	return nil
}

// skip is a step that cannot act: its label is gone, or the CLI lacks
// what it needs.
type skip struct{ why string }

func (s *skip) Error() string { return "skipped: " + s.why }

func skipped(format string, args ...any) error { return &skip{why: fmt.Sprintf(format, args...)} }

// env is every command's environment: the emulator, the tokens, the log.
func (w *walk) env() []string {
	env := []string{
		"PLAID_BASE_URL=" + w.srv.URL, "PLAID_CLIENT_ID=" + w.srv.ClientID(), "PLAID_SECRET=" + w.srv.Secret(),
		"TF_VAR_tokens=" + w.m.tokensJSON(),
	}
	if w.o.Trace {
		env = append(env, "TF_LOG=TRACE", "TF_LOG_PATH="+w.trace)
	}
	return append(env, w.importEnv...)
}

// tf writes the model's configuration and runs one command; what it
// prints joins the step's output.
func (w *walk) tf(ctx context.Context, args ...string) (string, error) {
	if err := os.WriteFile(filepath.Join(w.ws.Dir, "main.tf"), []byte(w.m.render()), 0o600); err != nil {
		return "", err
	}
	w.ws.Env = w.env()
	out, err := w.ws.Terraform(ctx, args...)
	w.out.WriteString(out)
	return out, err
}

// exitCode is a command's exit status, -1 when it did not run to an exit.
func exitCode(err error) int {
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.ExitCode()
	default:
		return -1
	}
}

// errorSummaries are the "Error: ..." lines of a command's output.
func errorSummaries(out string) string {
	var lines []string
	for _, m := range regexp.MustCompile(`(?m)^│? ?Error: (.*)$`).FindAllStringSubmatch(out, -1) {
		lines = append(lines, m[1])
	}
	if len(lines) == 0 {
		return lastLines(out, 15)
	}
	return strings.Join(lines, "; ")
}

// firstErrorSummary is the first "Error: ..." line, without the Item ids
// and labels that differ between replays, so that a shrunk sequence is
// held to the same failure.
func firstErrorSummary(out string) string {
	m := regexp.MustCompile(`(?m)^│? ?Error: (.*)$`).FindStringSubmatch(out)
	if m == nil {
		return ""
	}
	return m[1]
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// failed turns a failed command into a violation, unless faults are on:
// then a command may fail, as long as the invariants hold.
func (w *walk) failed(what string, out string, err error) error {
	if err == nil || w.m.faults {
		return nil
	}
	v := violated("unexpected-failure", "%s failed (%v): %s", what, err, errorSummaries(out))
	v.summary = firstErrorSummary(out)
	return v
}

func (w *walk) statePath() string { return filepath.Join(w.ws.Dir, "terraform.tfstate") }

// syncFromState reads which Item each label manages now, and notes every
// Item that has been in state.
func (w *walk) syncFromState() error {
	st, err := readState(w.statePath())
	if err != nil {
		return err
	}
	for _, inst := range st {
		w.m.managed[inst.itemID] = true
	}
	for _, l := range w.m.labels {
		inst, ok := st[l.address()]
		if !ok {
			continue
		}
		if l.kind == sandbox {
			if l.itemID != inst.itemID {
				l.revoked = false
			}
			l.itemID, l.token = inst.itemID, inst.token
		}
	}
	return nil
}

// apply runs apply with args; after a success, the blocks it took leave
// the configuration and the plan after it must be empty.
func (w *walk) apply(ctx context.Context, args ...string) error {
	refresh := !slices.Contains(args, "-refresh=false")
	out, err := w.tf(ctx, append([]string{"apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=4"}, args...)...)
	if serr := w.syncFromState(); serr != nil {
		return serr
	}
	if err != nil {
		w.m.clean = false
		return w.failed("apply "+strings.Join(args, " "), out, err)
	}
	w.m.moved, w.m.removed = nil, nil
	for _, l := range w.m.labels {
		l.importBlock, l.rotated = false, false
	}
	if refresh {
		w.m.staleOK = map[string]bool{}
	}
	if v := w.checkStateMatchesModel(); v != nil {
		return v
	}
	planArgs := []string{"plan", "-no-color", "-input=false", "-detailed-exitcode", "-parallelism=4"}
	if !refresh {
		planArgs = append(planArgs, "-refresh=false")
	}
	plan, perr := w.tf(ctx, planArgs...)
	switch exitCode(perr) {
	case 0:
		w.m.clean = true
		return nil
	case 2:
		w.m.clean = false
		return violated("plan-after-apply-not-empty", "the plan right after a successful apply has changes:\n%s", planChanges(plan))
	default:
		w.m.clean = false
		return w.failed("the plan after apply", plan, perr)
	}
}

// planChanges is the part of a plan that lists its changes.
func planChanges(plan string) string {
	if i := strings.Index(plan, "Terraform will perform"); i >= 0 {
		plan = plan[i:]
	} else if i := strings.Index(plan, "OpenTofu will perform"); i >= 0 {
		plan = plan[i:]
	}
	return lastLines(plan, 40)
}

// liveLabel returns the label a step acts on, or a skip when it is gone.
func (w *walk) liveLabel(name string) (*label, error) {
	l, ok := w.m.labels[name]
	if !ok || l.itemID == "" {
		return nil, skipped("no label %s in the configuration", name)
	}
	if l.revoked || !w.srv.Item(l.itemID).Exists || w.srv.Item(l.itemID).Removed {
		return nil, skipped("%s's Item is not live", name)
	}
	return l, nil
}

// applyRotations applies pending rotated tokens first, as the docs say to
// before a destroy: state's token was rotated away.
func (w *walk) applyRotations(ctx context.Context) error {
	for _, l := range w.m.labels {
		if l.rotated {
			return w.apply(ctx)
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
