package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
	"text/template"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Goals from issue 14.
const (
	// goalBaselineRatio bounds adopt and destroy (with refresh) against
	// time_static at goalNs, with the emulator answering at once.
	goalBaselineRatio = 1.10
	// goalRateLimitRatio bounds the rate-limited teardown against N / limit.
	goalRateLimitRatio = 1.05
	goalPeakMiB        = 64
	goalPeakN          = 1000
)

var goalNs = []int{500, 1000}

// reportTemplate is BENCHMARKS.md: the method, the numbers and the
// findings, the prose kept out of Go so that it reads and diffs as text.
//
//go:embed report.md.tmpl
var reportTemplate string

// reportData is what report.md.tmpl renders.
type reportData struct {
	Results
	Rows      []tableRow
	CPU       []cpuRow
	Goals     []string
	PeakRange string
	Limits    string
}

// tableRow is one plaid run beside time_static at the same N.
type tableRow struct {
	Setting, Requests string
	N, Retries        int
	Phases            []phaseCell
	PeakRSSMiB        float64
}

type phaseCell struct {
	Seconds, Floor float64
	// Ratio is "1.04x", or "-" without a floor.
	Ratio string
}

// cpuRow is one run's CPU, phase by phase, split between the terraform
// process and the provider processes: plaid at 0 ms and both time_static
// baselines at the same N.
type cpuRow struct {
	Provider string
	N        int
	// Phases are "terraform / provider" seconds for adopt, destroy and
	// teardown.
	Phases []string
	Total  float64
	// VsShipped and VsQuiet are Total over time_static's as shipped and
	// with the SDK's logs off, "-" without one.
	VsShipped, VsQuiet string
	StateBytesPerItem  float64
	// Bench is the bench process's CPU over all phases: the emulator and
	// the watcher, which compete with terraform for the cores.
	Bench float64
}

func (r Run) cpuSeconds() float64 {
	t := 0.0
	for _, p := range r.phases() {
		t += p.TerraformCPU + p.ProviderCPU
	}
	return t
}

func cpuRows(runs []Run) []cpuRow {
	baselines := map[string]map[int]float64{}
	for _, r := range runs {
		if r.Provider == "time_static" {
			if baselines[r.Setting.Name] == nil {
				baselines[r.Setting.Name] = map[int]float64{}
			}
			baselines[r.Setting.Name][r.N] = r.cpuSeconds()
		}
	}
	versus := func(total float64, setting string, n int) string {
		if b := baselines[setting][n]; b > 0 {
			return fmt.Sprintf("%.2fx", total/b)
		}
		return "-"
	}
	var rows []cpuRow
	for _, r := range runs {
		label := r.Provider + " (" + r.Setting.Name + ")"
		if r.Provider != "time_static" {
			if r.Setting.LatencyMS != 0 || r.Setting.RateLimited {
				continue // waiting, not working: not comparable
			}
			label = "plaid (" + r.Setting.Name + ")"
		}
		row := cpuRow{Provider: label, N: r.N, Total: r.cpuSeconds(), StateBytesPerItem: r.StateBytesPerItem}
		for _, p := range r.phases() {
			row.Phases = append(row.Phases, fmt.Sprintf("%.1f / %.1f", p.TerraformCPU, p.ProviderCPU))
			row.Bench += p.BenchCPU
		}
		row.VsShipped = versus(row.Total, timeStaticAsShipped.Name, r.N)
		row.VsQuiet = versus(row.Total, timeStaticLogsOff.Name, r.N)
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].N < rows[j].N })
	return rows
}

func report(res Results) (string, error) {
	tmpl, err := template.New("report").Funcs(template.FuncMap{"join": strings.Join}).Parse(reportTemplate)
	if err != nil {
		return "", err
	}
	data := reportData{Results: res, Goals: goals(res.Runs), PeakRange: peakRange(res.Runs), Limits: limitsText(), CPU: cpuRows(res.Runs)}
	for _, r := range res.Runs {
		if r.Provider == "plaid" {
			data.Rows = append(data.Rows, row(r))
		}
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

func row(r Run) tableRow {
	t := tableRow{Setting: r.Setting.Name, N: r.N, PeakRSSMiB: r.peakRSS()}
	var reqs []string
	for _, p := range r.phases() {
		c := phaseCell{Seconds: p.Seconds, Floor: p.FloorSeconds, Ratio: "-"}
		if p.FloorSeconds > 0 {
			c.Ratio = fmt.Sprintf("%.2fx", p.Ratio)
		}
		t.Phases = append(t.Phases, c)
		t.Retries += p.Retries
		reqs = append(reqs, perItem(p.RequestsPerItem))
	}
	t.Requests = strings.Join(reqs, "; ")
	return t
}

func perItem(m map[string]float64) string {
	if len(m) == 0 {
		return "-"
	}
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%.2f %s", m[k], k))
	}
	return strings.Join(parts, ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func mark(ok bool) string {
	if ok {
		return "met"
	}
	return "**missed**"
}

// goals states each goal of issue 14 against the runs, or that the run did
// not measure it (a smoke run at small N).
func goals(runs []Run) []string {
	var out []string
	for _, n := range goalNs {
		found := false
		for _, r := range runs {
			if r.Provider != "plaid" || r.N != n || r.Setting.LatencyMS != 0 || r.Setting.RateLimited {
				continue
			}
			found = true
			// By name, not Phase.name: that is not in results.json, which
			// -report-only reads.
			for _, g := range []struct {
				name string
				p    *Phase
			}{{phaseAdopt, &r.Adopt}, {phaseDestroy, &r.Destroy}} {
				out = append(out, fmt.Sprintf("%s, N=%d: %s within %.2fx of time_static: %.2fx, %s",
					r.Setting.Name, n, phaseTitle(g.name), goalBaselineRatio, g.p.Ratio, mark(g.p.Ratio > 0 && g.p.Ratio <= goalBaselineRatio)))
			}
		}
		if !found {
			out = append(out, fmt.Sprintf("0 ms, N=%d: adopt and destroy within %.2fx of time_static: not measured in this run", n, goalBaselineRatio))
		}
	}
	removeLimit := emulatorLimit(plaid.PathItemRemove)
	for _, r := range runs {
		if r.Provider != "plaid" || !r.Setting.RateLimited {
			continue
		}
		peak := r.Teardown.PeakPerMinute[plaid.PathItemRemove]
		withinLimit := peak <= removeLimit && r.Teardown.Retries == 0
		out = append(out, fmt.Sprintf("%s, N=%d: teardown within %.2fx of N / limit: %.2fx, %s; never faster than the limit allows (at most %d `/item/remove` in any minute, no 429): peak %d, %d refused, %s",
			r.Setting.Name, r.N, goalRateLimitRatio, r.Teardown.Ratio, mark(r.Teardown.Ratio > 0 && r.Teardown.Ratio <= goalRateLimitRatio),
			removeLimit, peak, r.Teardown.Retries, mark(withinLimit)))
	}
	problems := 0
	var details []string
	for _, r := range runs {
		problems += len(r.Problems)
		for _, p := range r.Problems {
			details = append(details, fmt.Sprintf("  problem in %s %s, N=%d: %s", r.Provider, r.Setting.Name, r.N, p))
		}
	}
	out = append(out, "requests per Item unchanged: one `/item/get` per adopt, one `/item/get` and one `/item/remove` per destroy, one `/item/remove` per teardown and no read, every Item removed exactly once: "+mark(problems == 0))
	out = append(out, details...)
	peak, measured := 0.0, false
	for _, r := range runs {
		if r.Provider == "plaid" && r.N == goalPeakN {
			peak, measured = max(peak, r.peakRSS()), true
		}
	}
	if measured {
		out = append(out, fmt.Sprintf("provider peak RSS under %d MiB at N=%d: %.1f MiB, %s", goalPeakMiB, goalPeakN, peak, mark(peak < goalPeakMiB)))
	} else {
		out = append(out, fmt.Sprintf("provider peak RSS under %d MiB at N=%d: not measured in this run", goalPeakMiB, goalPeakN))
	}
	return out
}

func phaseTitle(name string) string {
	switch name {
	case phaseDestroy:
		return "destroy (with refresh)"
	case phaseTeardown:
		return "teardown (destroy -refresh=false)"
	}
	return name
}

func emulatorLimit(path string) int { return emulatorLimits()[path] }

func limitsText() string {
	return fmt.Sprintf("%d `/item/remove` and %d `/item/get`", emulatorLimit(plaid.PathItemRemove), emulatorLimit(plaid.PathItemGet))
}

// peakRange is the lowest and highest provider peak over the plaid runs,
// for the findings, which otherwise would quote numbers from another run.
func peakRange(runs []Run) string {
	lo, hi, seen := 0.0, 0.0, false
	for _, r := range runs {
		if r.Provider != "plaid" {
			continue
		}
		p := r.peakRSS()
		if !seen || p < lo {
			lo = p
		}
		hi, seen = max(hi, p), true
	}
	return fmt.Sprintf("%.0f-%.0f MiB", lo, hi)
}

func machine(ctx context.Context) []string {
	cpu := "unknown CPU"
	if raw, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	mem := ""
	if raw, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kib int64
		if _, err := fmt.Sscanf(strings.SplitN(string(raw), "\n", 2)[0], "MemTotal: %d kB", &kib); err == nil {
			mem = fmt.Sprintf(", %.0f GiB memory", float64(kib)/1024/1024)
		}
	}
	lines := []string{fmt.Sprintf("%s, %d cores%s, %s/%s", cpu, runtime.NumCPU(), mem, runtime.GOOS, runtime.GOARCH)}
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		lines = append(lines, "load average at the start: "+strings.Join(strings.Fields(string(raw))[:3], " "))
	}
	lines = append(lines, runtime.Version())
	if out, err := exec.CommandContext(ctx, "terraform", "version").Output(); err == nil {
		lines = append(lines, strings.SplitN(strings.TrimSpace(string(out)), "\n", 2)[0])
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == "github.com/hashicorp/terraform-plugin-framework" {
				lines = append(lines, d.Path+" "+d.Version)
			}
		}
	}
	lines = append(lines, timeProviderModule+" "+timeProviderVersion+" (built with go install from the Go module proxy)")
	return lines
}
