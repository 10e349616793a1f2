// Command bench is `make bench`: it adopts and destroys N Items through the
// real terraform CLI against the emulator, at 0 ms and 50 ms of added
// latency and under Plaid's sandbox per-client remove limit, measures each
// run against its floor, and writes BENCHMARKS.md with a plot.
//
// The floor of a run is what no provider could beat: the same terraform
// operations over the same N with the emulator at 0 ms (Terraform's and
// gRPC's own cost), plus N x latency / parallelism for the network, or, under
// a rate limit, N / limit when that is longer.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// parallelism is Terraform's default, which the floor assumes.
const parallelism = 10

// Setting is one condition the bench runs under.
type Setting struct {
	Name      string `json:"name"`
	LatencyMS int    `json:"latency_ms"`
	// RateLimited keeps Plaid's published sandbox limits at the emulator
	// and the provider's default client-side limiter; the other settings
	// lift both, to measure the provider's own overhead.
	RateLimited bool `json:"rate_limited"`
}

var settings = []Setting{
	{Name: "0 ms"},
	{Name: "50 ms", LatencyMS: 50},
	{Name: "sandbox remove limit", RateLimited: true},
}

// Phase is the measurement of one terraform command.
type Phase struct {
	Seconds         float64            `json:"seconds"`
	FloorSeconds    float64            `json:"floor_seconds"`
	Ratio           float64            `json:"ratio"`
	RequestsPerItem map[string]float64 `json:"requests_per_item"`
	Retries         int                `json:"retries"`
	PeakRSSMiB      float64            `json:"provider_peak_rss_mib"`
}

// Run is one setting at one N.
type Run struct {
	Setting Setting `json:"setting"`
	N       int     `json:"n"`
	Adopt   Phase   `json:"adopt"`
	Destroy Phase   `json:"destroy"`
	// Problems lists broken goals: failed resources, Items not removed
	// exactly once, wasted requests.
	Problems []string `json:"problems,omitempty"`
}

func main() {
	ns := flag.String("n", "100,500,1000", "comma-separated Item counts")
	reportOnly := flag.Bool("report-only", false, "rewrite BENCHMARKS.md and the plot from bench/results.json without measuring")
	only := flag.String("settings", "", "comma-separated setting names to run (default: all); the 0 ms runs are the floors of the others")
	out := flag.String("out", ".", "directory for BENCHMARKS.md, bench/results.json and bench/time-vs-n.svg")
	flag.Parse()
	if *only != "" {
		var kept []Setting
		for _, s := range settings {
			if strings.Contains(","+*only+",", ","+s.Name+",") {
				kept = append(kept, s)
			}
		}
		settings = kept
	}
	if *reportOnly {
		if err := rewriteReport(*out); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(*ns, *out); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(nList, out string) error {
	var counts []int
	for _, f := range strings.Split(nList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return fmt.Errorf("bad -n value %q", f)
		}
		counts = append(counts, n)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Minute)
	defer cancel()
	tmp, err := os.MkdirTemp("", "plaid-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	prov, err := clirun.Build(ctx, tmp)
	if err != nil {
		return err
	}

	var runs []Run
	zero := map[int]Run{} // the 0 ms runs, the base of every floor
	for _, s := range settings {
		for _, n := range counts {
			r, err := benchOne(ctx, prov, filepath.Join(tmp, fmt.Sprintf("%s-%d", strings.ReplaceAll(s.Name, " ", "_"), n)), s, n)
			if err != nil {
				return fmt.Errorf("%s, N=%d: %w", s.Name, n, err)
			}
			if s.LatencyMS == 0 && !s.RateLimited {
				zero[n] = r
			}
			setFloors(&r, zero[n])
			runs = append(runs, r)
			fmt.Printf("%-22s N=%-5d adopt %6.1fs (floor %6.1fs, %.2fx)  destroy %6.1fs (floor %6.1fs, %.2fx)  peak %5.1f MiB  %s\n",
				s.Name, n, r.Adopt.Seconds, r.Adopt.FloorSeconds, r.Adopt.Ratio, r.Destroy.Seconds, r.Destroy.FloorSeconds, r.Destroy.Ratio,
				max(r.Adopt.PeakRSSMiB, r.Destroy.PeakRSSMiB), strings.Join(r.Problems, "; "))
		}
	}
	if err := os.MkdirAll(filepath.Join(out, "bench"), 0o755); err != nil {
		return err
	}
	raw, _ := json.MarshalIndent(runs, "", "  ")
	if err := os.WriteFile(filepath.Join(out, "bench", "results.json"), append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "bench", "time-vs-n.svg"), []byte(plot(runs)), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "BENCHMARKS.md"), []byte(report(ctx, runs)), 0o644); err != nil {
		return err
	}
	for _, r := range runs {
		if len(r.Problems) > 0 {
			return fmt.Errorf("%s, N=%d: %s", r.Setting.Name, r.N, strings.Join(r.Problems, "; "))
		}
	}
	return nil
}

// rewriteReport regenerates the report and plot from saved results.
func rewriteReport(out string) error {
	raw, err := os.ReadFile(filepath.Join(out, "bench", "results.json"))
	if err != nil {
		return err
	}
	var runs []Run
	if err := json.Unmarshal(raw, &runs); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "bench", "time-vs-n.svg"), []byte(plot(runs)), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "BENCHMARKS.md"), []byte(report(context.Background(), runs)), 0o644)
}

// setFloors fills in each phase's floor from the 0 ms run at the same N.
func setFloors(r *Run, zero Run) {
	network := float64(r.N) * float64(r.Setting.LatencyMS) / 1000 / parallelism
	r.Adopt.FloorSeconds = zero.Adopt.Seconds + network
	r.Destroy.FloorSeconds = zero.Destroy.Seconds + network
	if r.Setting.RateLimited {
		limits := emulator.DefaultRateLimits(plaid.Sandbox)
		r.Adopt.FloorSeconds = max(r.Adopt.FloorSeconds, float64(r.N)/float64(limits["/item/get"].PerClient)*60)
		r.Destroy.FloorSeconds = max(r.Destroy.FloorSeconds, float64(r.N)/float64(limits["/item/remove"].PerClient)*60)
	}
	r.Adopt.Ratio = r.Adopt.Seconds / r.Adopt.FloorSeconds
	r.Destroy.Ratio = r.Destroy.Seconds / r.Destroy.FloorSeconds
}
