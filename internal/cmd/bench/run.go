package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// plaidConfig adopts every token of a sensitive map, like
// examples/adopt-many; requests_per_minute lifts the client-side limiter
// for the settings that measure the provider's own overhead.
const plaidConfig = `terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "access_tokens" {
  type      = map(string)
  sensitive = true
}

variable "requests_per_minute" {
  type    = number
  default = null
}

provider "plaid" {
  requests_per_minute = var.requests_per_minute
}

resource "plaid_item" "bench" {
  for_each            = toset(nonsensitive(keys(var.access_tokens)))
  access_token        = var.access_tokens[each.key]
  removal_reason_code = "OTHER"
}
`

// timeStaticConfig is the baseline: the same for_each over the same
// sensitive map, each instance a time_static, which calls nothing.
const timeStaticConfig = `terraform {
  required_providers {
    time = { source = "hashicorp/time" }
  }
}

variable "access_tokens" {
  type      = map(string)
  sensitive = true
}

resource "time_static" "bench" {
  for_each = toset(nonsensitive(keys(var.access_tokens)))
}
`

// benchEnv is what every run shares: one CLI configuration whose
// dev_overrides point Terraform at both providers.
type benchEnv struct {
	tmp        string
	provider   *clirun.Provider
	profileDir string
}

func newBenchEnv(ctx context.Context, tmp, timeBin string) (*benchEnv, error) {
	root, err := clirun.ModuleRoot()
	if err != nil {
		return nil, err
	}
	plaidDir := filepath.Join(tmp, "plaid-bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(plaidDir, "terraform-provider-plaid"), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %v\n%s", err, out)
	}
	rc := filepath.Join(tmp, "terraform.rc")
	if err := os.WriteFile(rc, []byte(cliConfig(map[string]string{
		provider.RegistryAddress: plaidDir,
		timeProviderAddress:      filepath.Dir(timeBin),
	})), 0o600); err != nil {
		return nil, err
	}
	return &benchEnv{tmp: tmp, provider: &clirun.Provider{CLIConfig: rc}}, nil
}

// cliConfig is a CLI configuration with a dev_override for each provider
// address, in a stable order.
func cliConfig(overrides map[string]string) string {
	var b strings.Builder
	b.WriteString("provider_installation {\n  dev_overrides {\n")
	for _, addr := range sortedKeys(overrides) {
		fmt.Fprintf(&b, "    %q = %q\n", addr, overrides[addr])
	}
	b.WriteString("  }\n  direct {}\n}\n")
	return b.String()
}

// tokenMap is N access tokens keyed item0000..., as the configurations take
// them.
func tokenMap(n int, token func() string) string {
	tokens := map[string]string{}
	for i := range n {
		tokens[fmt.Sprintf("item%05d", i)] = token()
	}
	raw, _ := json.Marshal(tokens)
	return string(raw)
}

// commands are the terraform commands of a run: each timed phase, and the
// untimed apply of fresh Items before the teardown.
func commands() (adopt, destroy, readopt, teardown []string) {
	p := fmt.Sprintf("-parallelism=%d", parallelism)
	adopt = []string{"apply", "-auto-approve", "-no-color", p}
	destroy = []string{"destroy", "-auto-approve", "-no-color", p}
	teardown = []string{"destroy", "-auto-approve", "-no-color", "-refresh=false", p}
	return adopt, destroy, adopt, teardown
}

// The two time_static baselines: as shipped, which is what the goals
// compare with, and with the SDK's logs off, which is how this provider runs
// when no TF_LOG* variable is set (quietlogs.go), so that the report can
// tell the provider's own cost from the logs it no longer produces.
var (
	timeStaticAsShipped = Setting{Name: "as shipped"}
	timeStaticLogsOff   = Setting{Name: "SDK logs off"}
)

func (e *benchEnv) benchTimeStatic(ctx context.Context, s Setting, n int) (Run, error) {
	r := Run{Provider: "time_static", Setting: s, N: n}
	ws, err := e.provider.Workspace(filepath.Join(e.tmp, fmt.Sprintf("time_static-%s-%d", strings.ReplaceAll(s.Name, " ", "_"), n)), map[string]string{"main.tf": timeStaticConfig})
	if err != nil {
		return r, err
	}
	fake := func() string { return "not-a-token" }
	ws.Env = []string{"TF_VAR_access_tokens=" + tokenMap(n, fake)}
	if s == timeStaticLogsOff {
		ws.Env = append(ws.Env, "TF_LOG_SDK=OFF", "TF_LOG_PROVIDER_TIME=OFF")
	}
	adopt, destroy, readopt, teardown := commands()
	for _, step := range []struct {
		phase *Phase
		args  []string
	}{{&r.Adopt, adopt}, {&r.Destroy, destroy}, {nil, readopt}, {&r.Teardown, teardown}} {
		m, out, err := measure(ctx, ws, "", step.args)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("terraform %s failed: %v: %s", step.args[0], err, lastLines(out, 5)))
			return r, nil
		}
		if step.phase == &r.Adopt {
			r.StateBytesPerItem = stateBytesPerItem(ws.Dir, n)
		}
		if step.phase != nil {
			*step.phase = m
		}
	}
	return r, nil
}

// stateBytesPerItem is the size of the local state after an adopt, per
// resource instance: what Terraform reads, diffs and writes for each one.
func stateBytesPerItem(dir string, n int) float64 {
	fi, err := os.Stat(filepath.Join(dir, "terraform.tfstate"))
	if err != nil || n == 0 {
		return 0
	}
	return float64(fi.Size()) / float64(n)
}

func (e *benchEnv) benchPlaid(ctx context.Context, s Setting, n int) (Run, error) {
	r := Run{Provider: "plaid", Setting: s, N: n}
	// The call log holds a whole phase: at N = 5000 a destroy with refresh
	// makes 10,000 requests, the default cap, before any retry.
	emu := emulator.New(emulator.Options{Secret: "bench-secret", MaxCalls: max(emulator.DefaultMaxCalls, 4*n)})
	if !s.RateLimited {
		emu.SetRateLimits(nil)
	}
	if s.LatencyMS > 0 {
		emu.SetFaults(emulator.Faults{LatencyMS: s.LatencyMS})
	}
	srv, err := emulator.Listen(emu, "127.0.0.1:0", false)
	if err != nil {
		return r, err
	}
	defer srv.Close()

	name := fmt.Sprintf("%s-%d", strings.ReplaceAll(s.Name, " ", "_"), n)
	ws, err := e.provider.Workspace(filepath.Join(e.tmp, name), map[string]string{"main.tf": plaidConfig})
	if err != nil {
		return r, err
	}
	seed := func() string { return emu.Seed(emulator.SeedOptions{}).AccessToken }
	base := []string{"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + emu.ClientID(), "PLAID_SECRET=" + emu.Secret()}
	if !s.RateLimited {
		base = append(base, "TF_VAR_requests_per_minute=100000")
	}
	firstItems, secondItems := tokenMap(n, seed), tokenMap(n, seed)

	// Adopt and destroy the first N Items; adopt N fresh ones untimed and
	// tear them down with -refresh=false.
	adopt, destroy, readopt, teardown := commands()
	for _, step := range []struct {
		phase  *Phase
		name   string
		tokens string
		args   []string
	}{
		{&r.Adopt, phaseAdopt, firstItems, adopt},
		{&r.Destroy, phaseDestroy, firstItems, destroy},
		{nil, "readopt", secondItems, readopt},
		{&r.Teardown, phaseTeardown, secondItems, teardown},
	} {
		ws.Env = append(append([]string{}, base...), "TF_VAR_access_tokens="+step.tokens)
		profiles := ""
		if e.profileDir != "" && step.phase != nil {
			profiles = filepath.Join(e.profileDir, name+"-"+step.name)
		}
		emu.ResetCalls()
		m, out, err := measure(ctx, ws, profiles, step.args)
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("terraform %s failed: %v: %s", step.args[0], err, lastLines(out, 5)))
			return r, nil
		}
		if dropped := emu.DroppedCalls(); dropped > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("terraform %s: the emulator's call log dropped %d calls (cap %d), so the request counts are incomplete", step.args[0], dropped, emu.MaxCalls()))
		}
		if step.phase == nil {
			continue
		}
		if step.name == phaseAdopt {
			r.StateBytesPerItem = stateBytesPerItem(ws.Dir, n)
		}
		calls := emu.Calls()
		m.RequestsPerItem, m.Retries = requestsPerItem(calls, n)
		m.PeakPerMinute = peakPerMinute(calls)
		*step.phase = m
		if problem := unexpectedRequests(step.name, calls, n); problem != "" {
			r.Problems = append(r.Problems, problem)
		}
	}
	for _, it := range emu.Items() {
		if !it.RemovedOnce() {
			r.Problems = append(r.Problems, fmt.Sprintf("item %s not removed exactly once: %+v", it.ItemID, it))
			break
		}
	}
	return r, nil
}

// requestsPerItem counts the answered requests per path per Item, and the
// answers that were not a success (each one a retry under the limit).
func requestsPerItem(calls []emulator.Call, n int) (map[string]float64, int) {
	counts := map[string]int{}
	failed := 0
	for _, c := range calls {
		counts[c.Path]++
		if c.Status != 200 {
			failed++
		}
	}
	per := map[string]float64{}
	for path, c := range counts {
		per[path] = float64(c) / float64(n)
	}
	return per, failed
}

// unexpectedRequests compares a phase's requests with expectedRequests:
// exactly one successful answer per Item for each expected path, any
// failed answer retried, and no other path.
func unexpectedRequests(phase string, calls []emulator.Call, n int) string {
	want := expectedRequests[phase]
	succeeded := map[string]int{}
	for _, c := range calls {
		if _, ok := want[c.Path]; !ok {
			return fmt.Sprintf("%s called %s, which it should not", phase, c.Path)
		}
		if c.Status == 200 {
			succeeded[c.Path]++
		}
	}
	for path, perItem := range want {
		if float64(succeeded[path]) != perItem*float64(n) {
			return fmt.Sprintf("%s got %d successful %s answers for %d Items, want %.0f per Item", phase, succeeded[path], path, n, perItem)
		}
	}
	return ""
}

// measure runs one terraform command and watches the processes it starts.
func measure(ctx context.Context, ws *clirun.Workspace, profileDir string, args []string) (Phase, string, error) {
	var m Phase
	cmd, out := ws.Command(ctx, args...)
	if profileDir != "" {
		if err := os.MkdirAll(profileDir, 0o755); err != nil {
			return m, "", err
		}
		cmd.Env = append(cmd.Env, envProviderCPUProfileDir+"="+profileDir)
	}
	start, selfStart := time.Now(), selfCPU()
	if err := cmd.Start(); err != nil {
		return m, "", err
	}
	watch := watchChildren(cmd.Process.Pid)
	err := cmd.Wait()
	m.Seconds = time.Since(start).Seconds()
	usage := watch.stop()
	m.BenchCPU = selfCPU() - selfStart
	m.PeakRSSMiB = float64(usage.peakRSSKiB) / 1024
	m.ProviderCPU = usage.cpuSeconds()
	if st := cmd.ProcessState; st != nil {
		// wait4 counts the reaped children's CPU with terraform's own.
		m.TerraformCPU = max(0, (st.UserTime()+st.SystemTime()).Seconds()-m.ProviderCPU)
	}
	if err != nil {
		err = fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return m, out.String(), err
}

// selfCPU is this process's CPU so far (user + system), in seconds.
func selfCPU() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// envProviderCPUProfileDir is read by the provider's main (cpuprofile.go).
const envProviderCPUProfileDir = "TF_PLAID_CPU_PROFILE_DIR"

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}
