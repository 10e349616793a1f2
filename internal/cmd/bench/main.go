// Command bench is `make bench`: it adopts and destroys N Items through the
// real terraform CLI against the emulator and measures each phase against
// what a framework provider that calls no API costs Terraform at the same N
// in the same run: hashicorp/terraform-provider-time's time_static, at a
// pinned version built from the Go module proxy. It does so with the
// emulator answering at once, at 50 ms of added latency, and under Plaid's
// sandbox per-client limits, and writes BENCHMARKS.md with a plot.
//
// Each run has three timed phases: adopt (terraform apply), destroy
// (terraform destroy, which refreshes every Item first) and teardown
// (terraform destroy -refresh=false, after an untimed apply of N fresh
// Items). time_static runs the same three through the same CLI
// configuration and parallelism.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// parallelism is Terraform's default, given explicitly to every command of
// both providers; the floors assume it.
const parallelism = 10

// sandbox is the environment whose published limits the rate-limited
// setting keeps.
const sandbox = plaid.Sandbox

// The timed phases of a run.
const (
	phaseAdopt    = "adopt"
	phaseDestroy  = "destroy"
	phaseTeardown = "teardown"
)

// Setting is one condition the provider runs under.
type Setting struct {
	Name      string `json:"name"`
	LatencyMS int    `json:"latency_ms"`
	// RateLimited keeps Plaid's published sandbox limits at the emulator
	// and the provider's default client-side limiter; the other settings
	// lift both, to measure the provider's own overhead.
	RateLimited bool `json:"rate_limited"`
}

var allSettings = []Setting{
	{Name: "0 ms"},
	{Name: "50 ms", LatencyMS: 50},
	{Name: "sandbox remove limit", RateLimited: true},
}

// Phase is the measurement of one terraform command.
type Phase struct {
	name    string
	Seconds float64 `json:"seconds"`
	// BaselineSeconds is time_static's time for the same phase and N.
	BaselineSeconds float64 `json:"time_static_seconds,omitempty"`
	FloorSeconds    float64 `json:"floor_seconds,omitempty"`
	Ratio           float64 `json:"ratio,omitempty"`
	// TerraformCPU and ProviderCPU are seconds of CPU (user + system) used
	// by the terraform process and by every provider process it started.
	TerraformCPU float64 `json:"terraform_cpu_seconds"`
	ProviderCPU  float64 `json:"provider_cpu_seconds"`
	// BenchCPU is this process's own CPU meanwhile: for the provider's
	// runs mostly the in-process emulator, which real Plaid would not
	// spend on this machine; it competes with terraform for the cores.
	BenchCPU        float64            `json:"bench_cpu_seconds"`
	RequestsPerItem map[string]float64 `json:"requests_per_item,omitempty"`
	// PeakPerMinute is the most requests to each path in any 60 s window.
	PeakPerMinute map[string]int `json:"peak_per_minute,omitempty"`
	Retries       int            `json:"retries"`
	PeakRSSMiB    float64        `json:"provider_peak_rss_mib"`
}

// Run is one provider under one setting at one N.
type Run struct {
	// Provider is "plaid" or "time_static".
	Provider string  `json:"provider"`
	Setting  Setting `json:"setting"`
	N        int     `json:"n"`
	Adopt    Phase   `json:"adopt"`
	Destroy  Phase   `json:"destroy"`
	Teardown Phase   `json:"teardown"`
	// StateBytesPerItem is terraform.tfstate's size after the adopt over N.
	StateBytesPerItem float64 `json:"state_bytes_per_item"`
	// Problems lists broken goals: failed commands, Items not removed
	// exactly once, requests other than those expected.
	Problems []string `json:"problems,omitempty"`
}

// Results is what bench/results.json holds.
type Results struct {
	Date                string `json:"date"`
	TimeProviderVersion string `json:"time_provider_version"`
	// Machine describes where the numbers were taken.
	Machine []string `json:"machine"`
	// Note marks results that are not for comparison, such as a smoke run
	// on a loaded machine.
	Note string `json:"note,omitempty"`
	Runs []Run  `json:"runs"`
}

// phases are the run's timed phases in order, named.
func (r *Run) phases() []*Phase {
	r.Adopt.name, r.Destroy.name, r.Teardown.name = phaseAdopt, phaseDestroy, phaseTeardown
	return []*Phase{&r.Adopt, &r.Destroy, &r.Teardown}
}

func (r *Run) phase(name string) *Phase {
	for _, p := range r.phases() {
		if p.name == name {
			return p
		}
	}
	return nil
}

func main() {
	ns := flag.String("n", "100,500,1000", "comma-separated Item counts (add 5000 for the largest run)")
	reportOnly := flag.Bool("report-only", false, "rewrite BENCHMARKS.md and the plot from bench/results.json without measuring")
	only := flag.String("settings", "", "comma-separated setting names to run (default: all); time_static always runs")
	out := flag.String("out", ".", "directory for BENCHMARKS.md, bench/results.json and bench/time-vs-n.svg")
	note := flag.String("note", "", "a note printed at the top of BENCHMARKS.md, such as that this was a smoke run")
	keep := flag.Bool("keep", false, "keep the workspaces (configuration, state, CLI config) in the temporary directory and print its path")
	cpuProfiles := flag.String("cpuprofile", "", "directory to keep CPU profiles of every provider process in (one per process, named by setting, N and phase)")
	flag.Parse()
	settings, err := pickSettings(*only)
	if err == nil {
		if *reportOnly {
			err = rewriteReport(*out)
		} else {
			err = run(*ns, settings, *out, *note, *cpuProfiles, *keep)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func pickSettings(only string) ([]Setting, error) {
	if only == "" {
		return allSettings, nil
	}
	var kept []Setting
	for _, name := range strings.Split(only, ",") {
		found := false
		for _, s := range allSettings {
			if s.Name == strings.TrimSpace(name) {
				kept, found = append(kept, s), true
			}
		}
		if !found {
			return nil, fmt.Errorf("unknown setting %q", name)
		}
	}
	return kept, nil
}

func parseCounts(list string) ([]int, error) {
	var counts []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("bad -n value %q", f)
		}
		counts = append(counts, n)
	}
	return counts, nil
}

func run(nList string, settings []Setting, out, note, cpuProfiles string, keep bool) error {
	counts, err := parseCounts(nList)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Hour)
	defer cancel()
	tmp, err := os.MkdirTemp("", "plaid-bench-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Println("workspaces kept in", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	timeBin, err := installTimeProvider(ctx)
	if err != nil {
		return err
	}
	env, err := newBenchEnv(ctx, tmp, timeBin)
	if err != nil {
		return err
	}
	if cpuProfiles != "" {
		if env.profileDir, err = filepath.Abs(cpuProfiles); err != nil {
			return err
		}
		if err := os.MkdirAll(env.profileDir, 0o755); err != nil {
			return err
		}
	}

	res := Results{Date: time.Now().UTC().Format("2006-01-02"), TimeProviderVersion: timeProviderVersion, Machine: machine(ctx), Note: note}
	for _, n := range counts {
		// time_static first at each N: the baseline of every setting at
		// that N, taken minutes, not hours, away from them.
		var base Run
		for _, s := range []Setting{timeStaticAsShipped, timeStaticLogsOff} {
			r, err := env.benchTimeStatic(ctx, s, n)
			if err != nil {
				return fmt.Errorf("time_static %s, N=%d: %w", s.Name, n, err)
			}
			fmt.Println(progressLine(r))
			res.Runs = append(res.Runs, r)
			if s == timeStaticAsShipped {
				base = r
			}
		}
		for _, s := range settings {
			r, err := env.benchPlaid(ctx, s, n)
			if err != nil {
				return fmt.Errorf("%s, N=%d: %w", s.Name, n, err)
			}
			setFloors(&r, base)
			fmt.Println(progressLine(r))
			res.Runs = append(res.Runs, r)
		}
	}
	if err := writeOutputs(out, res); err != nil {
		return err
	}
	var problems []error
	for _, r := range res.Runs {
		if len(r.Problems) > 0 {
			problems = append(problems, fmt.Errorf("%s %s, N=%d: %s", r.Provider, r.Setting.Name, r.N, strings.Join(r.Problems, "; ")))
		}
	}
	return errors.Join(problems...)
}

func progressLine(r Run) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-11s %-22s N=%-5d", r.Provider, r.Setting.Name, r.N)
	for _, p := range r.phases() {
		fmt.Fprintf(&b, "  %s %6.1fs", p.name, p.Seconds)
		if p.FloorSeconds > 0 {
			fmt.Fprintf(&b, " (%.2fx)", p.Ratio)
		}
		fmt.Fprintf(&b, " [cpu tf %.1fs, provider %.1fs, bench %.1fs]", p.TerraformCPU, p.ProviderCPU, p.BenchCPU)
	}
	fmt.Fprintf(&b, "  peak %.1f MiB  %s", r.peakRSS(), strings.Join(r.Problems, "; "))
	return b.String()
}

func (r Run) peakRSS() float64 {
	return max(r.Adopt.PeakRSSMiB, r.Destroy.PeakRSSMiB, r.Teardown.PeakRSSMiB)
}

func writeOutputs(out string, res Results) error {
	if err := os.MkdirAll(filepath.Join(out, "bench"), 0o755); err != nil {
		return err
	}
	raw, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "bench", "results.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	return writeReport(out, res)
}

func writeReport(out string, res Results) error {
	md, err := report(res)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "bench", "time-vs-n.svg"), []byte(plot(res.Runs)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "BENCHMARKS.md"), []byte(md), 0o644)
}

// rewriteReport regenerates the report and plot from saved results.
func rewriteReport(out string) error {
	raw, err := os.ReadFile(filepath.Join(out, "bench", "results.json"))
	if err != nil {
		return err
	}
	var res Results
	if err := json.Unmarshal(raw, &res); err != nil {
		return fmt.Errorf("bench/results.json: %w (results from before time_static cannot be re-rendered; run make bench)", err)
	}
	return writeReport(out, res)
}
