package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func sampleResults() Results {
	base := func(n int, a, d, t float64) Run {
		return Run{Provider: "time_static", Setting: timeStaticAsShipped, N: n, StateBytesPerItem: 300,
			Adopt: Phase{Seconds: a, TerraformCPU: 4, ProviderCPU: 1.5}, Destroy: Phase{Seconds: d}, Teardown: Phase{Seconds: t}}
	}
	quiet := func(n int) Run {
		return Run{Provider: "time_static", Setting: timeStaticLogsOff, N: n, StateBytesPerItem: 300,
			Adopt: Phase{Seconds: 1, TerraformCPU: 3, ProviderCPU: 0.5}}
	}
	plaidRun := func(s Setting, n int, a, d, t float64, peak float64) Run {
		get, remove := map[string]float64{"/item/get": 1}, map[string]float64{"/item/remove": 1}
		return Run{Provider: "plaid", Setting: s, N: n,
			StateBytesPerItem: 812,
			Adopt:             Phase{Seconds: a, RequestsPerItem: get, PeakRSSMiB: peak, TerraformCPU: 6, ProviderCPU: 1, BenchCPU: 0.5},
			Teardown:          Phase{Seconds: t, RequestsPerItem: remove, PeakPerMinute: map[string]int{"/item/remove": 500}, BenchCPU: 0.2},
			Destroy:           Phase{Seconds: d, RequestsPerItem: map[string]float64{"/item/get": 1, "/item/remove": 1}},
		}
	}
	zero, limited := Setting{Name: "0 ms"}, Setting{Name: "sandbox remove limit", RateLimited: true}
	b500, b1000 := base(500, 10, 8, 5), base(1000, 30, 25, 15)
	runs := []Run{b500, quiet(500), plaidRun(zero, 500, 10.5, 9.2, 5, 30), plaidRun(limited, 500, 11, 70, 61, 31),
		b1000, quiet(1000), plaidRun(zero, 1000, 32, 26, 16, 33.4), plaidRun(limited, 1000, 33, 140, 130, 34)}
	for i := range runs {
		if runs[i].Provider == "plaid" {
			b := b500
			if runs[i].N == 1000 {
				b = b1000
			}
			setFloors(&runs[i], b)
		}
	}
	return Results{Date: "2026-11-22", TimeProviderVersion: "v0.14.2", Machine: []string{"test machine"}, Runs: runs}
}

func TestGoals(t *testing.T) {
	got := strings.Join(goals(sampleResults().Runs), "\n")
	for _, want := range []string{
		"0 ms, N=500: adopt within 1.10x of time_static: 1.05x, met",
		"0 ms, N=500: destroy (with refresh) within 1.10x of time_static: 1.15x, **missed**",
		"0 ms, N=1000: adopt within 1.10x of time_static: 1.07x, met",
		// 500 removes at 500 a minute is 60 s; 61 s is 1.02x.
		"sandbox remove limit, N=500: teardown within 1.05x of N / limit: 1.02x, met; never faster than the limit allows (at most 500 `/item/remove` in any minute, no 429): peak 500, 0 refused, met",
		// 130 s for 1000 is 1.08x of 120 s.
		"sandbox remove limit, N=1000: teardown within 1.05x of N / limit: 1.08x, **missed**",
		"every Item removed exactly once: met",
		"provider peak RSS under 64 MiB at N=1000: 34.0 MiB, met",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("goals lack %q; got:\n%s", want, got)
		}
	}
}

func TestGoals_fasterThanTheLimitIsMissed(t *testing.T) {
	res := sampleResults()
	for i := range res.Runs {
		if res.Runs[i].Setting.RateLimited {
			res.Runs[i].Teardown.PeakPerMinute["/item/remove"] = 501
		}
	}
	got := strings.Join(goals(res.Runs), "\n")
	if !strings.Contains(got, "peak 501, 0 refused, **missed**") {
		t.Errorf("a minute with 501 removes is not flagged:\n%s", got)
	}
}

func TestGoals_smokeRunSaysNotMeasured(t *testing.T) {
	res := sampleResults()
	var small []Run
	for _, r := range res.Runs {
		if r.N == 500 {
			r.N = 50
			small = append(small, r)
		}
	}
	got := strings.Join(goals(small), "\n")
	for _, want := range []string{
		"0 ms, N=500: adopt and destroy within 1.10x of time_static: not measured in this run",
		"0 ms, N=1000: adopt and destroy within 1.10x of time_static: not measured in this run",
		"provider peak RSS under 64 MiB at N=1000: not measured in this run",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("goals lack %q; got:\n%s", want, got)
		}
	}
}

func TestGoals_problemsMissTheRequestGoal(t *testing.T) {
	res := sampleResults()
	res.Runs[2].Problems = []string{"teardown called /item/get, which it should not"}
	got := strings.Join(goals(res.Runs), "\n")
	if !strings.Contains(got, "every Item removed exactly once: **missed**") || !strings.Contains(got, "problem in plaid 0 ms, N=500: teardown called /item/get") {
		t.Errorf("a problem does not miss the requests goal:\n%s", got)
	}
}

func TestReport_rendersTableBesideTimeStatic(t *testing.T) {
	res := sampleResults()
	res.Note = "Smoke run on a loaded machine: not for comparison."
	md, err := report(res)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"> **Smoke run on a loaded machine: not for comparison.**",
		"(v0.14.2, built with",
		"* test machine\n",
		"| 0 ms | 500 | 10.5 | 10.0 | 1.05x | 9.2 | 8.0 | 1.15x | 5.0 | 5.0 | 1.00x | 1.00 /item/get; 1.00 /item/get, 1.00 /item/remove; 1.00 /item/remove | 0 | 30.0 MiB |",
		"| sandbox remove limit | 1000 | 33.0 | 30.0 | 1.10x | 140.0 | 132.0 | 1.06x | 130.0 | 120.0 | 1.08x |",
		// CPU: terraform / provider per phase, the total, and the ratios
		// to both time_static baselines.
		"| 500 | time_static (as shipped) | 4.0 / 1.5 | 0.0 / 0.0 | 0.0 / 0.0 | 5.5 | 1.00x | 1.57x | 300 B | 0.0 |",
		"| 500 | time_static (SDK logs off) | 3.0 / 0.5 | 0.0 / 0.0 | 0.0 / 0.0 | 3.5 | 0.64x | 1.00x | 300 B | 0.0 |",
		"| 500 | plaid (0 ms) | 6.0 / 1.0 | 0.0 / 0.0 | 0.0 / 0.0 | 7.0 | 1.27x | 2.00x | 812 B | 0.7 |",
		"The peak is 30-34 MiB in this run.",
		"500 `/item/remove` and 5000 `/item/get`",
		"Raw numbers: [bench/results.json](bench/results.json).",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// time_static has no row of its own in the results table: it is the floor.
	if strings.Contains(md, "| as shipped |") || strings.Contains(md, "| SDK logs off |") {
		t.Error("time_static appears as a setting row")
	}
	if strings.Contains(md, "<no value>") || strings.Contains(md, "%!") {
		t.Errorf("report has an unfilled template field or a bad format:\n%s", md)
	}
	// The rate-limited CPU is not in the CPU table (it waits, it does not work).
	if strings.Contains(md, "| plaid (sandbox remove limit) |") {
		t.Error("rate-limited run in the CPU table")
	}
}

func TestPlot_showsTimeStaticBesideTheProvider(t *testing.T) {
	svg := plot(sampleResults().Runs)
	for _, want := range []string{">time_static, as shipped</text>", ">time_static, SDK logs off</text>", ">plaid, 0 ms</text>", ">floor, sandbox remove limit</text>", "teardown (destroy -refresh=false)"} {
		if !strings.Contains(svg, want) {
			t.Errorf("plot lacks %q", want)
		}
	}
	if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
		t.Error("plot has NaN or Inf coordinates")
	}
	// 0 ms's floor is time_static itself: no dashed line of its own.
	if strings.Contains(svg, ">floor, 0 ms</text>") {
		t.Error("plot draws a floor for 0 ms besides time_static")
	}
}

// -report-only rebuilds the goals from bench/results.json, which does not
// keep a phase's unexported name: the goals must still name each phase.
func TestGoals_fromResultsJSONNameEachPhase(t *testing.T) {
	data, err := json.Marshal(sampleResults())
	if err != nil {
		t.Fatal(err)
	}
	var read Results
	if err := json.Unmarshal(data, &read); err != nil {
		t.Fatal(err)
	}
	got := strings.Join(goals(read.Runs), "\n")
	for _, want := range []string{"N=500: adopt within", "N=500: destroy (with refresh) within"} {
		if !strings.Contains(got, want) {
			t.Errorf("goals lack %q; got:\n%s", want, got)
		}
	}
}
