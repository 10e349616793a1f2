package main

import (
	"math"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

func approx(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestFloorSeconds(t *testing.T) {
	limits := map[string]int{"/item/get": 5000, "/item/remove": 500}
	tests := []struct {
		name     string
		phase    string
		n        int
		setting  Setting
		baseline float64
		want     float64
	}{
		// At 0 ms the floor is time_static's time, not the provider's own.
		{"0 ms adopt is time_static", phaseAdopt, 500, Setting{Name: "0 ms"}, 12.5, 12.5},
		{"0 ms destroy is time_static", phaseDestroy, 500, Setting{Name: "0 ms"}, 9, 9},
		// 50 ms: one request per Item over parallelism 10: 1000*0.05/10 = 5 s.
		{"50 ms adopt adds one round trip per Item", phaseAdopt, 1000, Setting{LatencyMS: 50}, 30, 35},
		// Destroy with refresh makes two requests per Item.
		{"50 ms destroy adds two round trips per Item", phaseDestroy, 1000, Setting{LatencyMS: 50}, 30, 40},
		{"50 ms teardown adds one", phaseTeardown, 1000, Setting{LatencyMS: 50}, 20, 25},
		// 1000 removes at 500 a minute: 120 s, longer than time_static.
		{"rate-limited teardown is N / limit", phaseTeardown, 1000, Setting{RateLimited: true}, 20, 120},
		// Refresh (1000 at 5000/min = 12 s) then removal (120 s).
		{"rate-limited destroy is both limits in turn", phaseDestroy, 1000, Setting{RateLimited: true}, 25, 132},
		// 100 gets at 5000/min is 1.2 s: time_static is longer.
		{"rate limit shorter than time_static", phaseAdopt, 100, Setting{RateLimited: true}, 3, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := floorSeconds(tt.phase, tt.n, tt.setting, tt.baseline, limits); !approx(got, tt.want) {
				t.Errorf("floorSeconds = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSetFloors_ratiosAgainstTimeStatic(t *testing.T) {
	base := Run{Provider: "time_static", N: 500, Adopt: Phase{Seconds: 10}, Destroy: Phase{Seconds: 8}, Teardown: Phase{Seconds: 5}}
	r := Run{Provider: "plaid", Setting: Setting{Name: "0 ms"}, N: 500, Adopt: Phase{Seconds: 11}, Destroy: Phase{Seconds: 8}, Teardown: Phase{Seconds: 4}}
	setFloors(&r, base)
	for _, c := range []struct {
		p               Phase
		baseline, ratio float64
	}{{r.Adopt, 10, 1.1}, {r.Destroy, 8, 1}, {r.Teardown, 5, 0.8}} {
		if !approx(c.p.BaselineSeconds, c.baseline) || !approx(c.p.FloorSeconds, c.baseline) || !approx(c.p.Ratio, c.ratio) {
			t.Errorf("%s: baseline %v, floor %v, ratio %v; want baseline and floor %v, ratio %v", c.p.name, c.p.BaselineSeconds, c.p.FloorSeconds, c.p.Ratio, c.baseline, c.ratio)
		}
	}
	// Under the sandbox limits the teardown's floor is N / limit.
	limited := Run{Provider: "plaid", Setting: Setting{Name: "sandbox remove limit", RateLimited: true}, N: 500, Teardown: Phase{Seconds: 63}}
	setFloors(&limited, base)
	if !approx(limited.Teardown.FloorSeconds, 60) || !approx(limited.Teardown.Ratio, 1.05) {
		t.Errorf("rate-limited teardown: floor %v ratio %v, want 60 and 1.05", limited.Teardown.FloorSeconds, limited.Teardown.Ratio)
	}
}

func TestRatio_withoutFloor(t *testing.T) {
	if got := ratio(5, 0); got != 0 {
		t.Errorf("ratio(5, 0) = %v, want 0 (no floor, no ratio)", got)
	}
}

func TestPeakPerMinute(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var calls []emulator.Call
	at := func(path string, d time.Duration) { calls = append(calls, emulator.Call{Path: path, Time: t0.Add(d)}) }
	// Three removes within a minute, a fourth exactly a minute after the
	// first (the window is [t, t+60s)), one get.
	at("/item/remove", 0)
	at("/item/remove", 10*time.Second)
	at("/item/remove", 59*time.Second)
	at("/item/remove", 60*time.Second)
	at("/item/get", 30*time.Second)
	got := peakPerMinute(calls)
	if got["/item/remove"] != 3 || got["/item/get"] != 1 {
		t.Errorf("peakPerMinute = %v, want 3 /item/remove and 1 /item/get", got)
	}
	// Order of the calls must not matter.
	calls[0], calls[3] = calls[3], calls[0]
	if got := peakPerMinute(calls); got["/item/remove"] != 3 {
		t.Errorf("unsorted calls: peakPerMinute = %v, want 3 /item/remove", got)
	}
}

func TestUnexpectedRequests(t *testing.T) {
	ok := func(path string) emulator.Call { return emulator.Call{Path: path, Status: 200} }
	refused := func(path string) emulator.Call { return emulator.Call{Path: path, Status: 429} }
	tests := []struct {
		name    string
		phase   string
		calls   []emulator.Call
		wantBad bool
	}{
		{"one get per Item", phaseAdopt, []emulator.Call{ok("/item/get"), ok("/item/get")}, false},
		{"a retried 429 is fine", phaseTeardown, []emulator.Call{ok("/item/remove"), refused("/item/remove"), ok("/item/remove")}, false},
		{"a read during teardown", phaseTeardown, []emulator.Call{ok("/item/remove"), ok("/item/remove"), ok("/item/get")}, true},
		{"a second remove of an Item", phaseTeardown, []emulator.Call{ok("/item/remove"), ok("/item/remove"), ok("/item/remove")}, true},
		{"a missing remove", phaseDestroy, []emulator.Call{ok("/item/get"), ok("/item/get"), ok("/item/remove")}, true},
		{"refresh and remove", phaseDestroy, []emulator.Call{ok("/item/get"), ok("/item/get"), ok("/item/remove"), ok("/item/remove")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := unexpectedRequests(tt.phase, tt.calls, 2)
			if (got != "") != tt.wantBad {
				t.Errorf("unexpectedRequests = %q, want a problem: %v", got, tt.wantBad)
			}
		})
	}
}

func TestParseStat(t *testing.T) {
	// A name with a space and a parenthesis: fields count from the last ')'.
	stat := "4242 (terraform-provi) S 4200 4242 4200 0 -1 4194560 1000 0 0 0 150 25 0 0 20 0 12 0 100 0 0"
	comm, ppid, ticks, ok := parseStat(stat)
	if !ok || comm != "terraform-provi" || ppid != "4200" || ticks != 175 {
		t.Errorf("parseStat = %q, %q, %d, %v; want terraform-provi, 4200, 175, true", comm, ppid, ticks, ok)
	}
	odd := "7 (a) b (c)) R 1 7 7 0 -1 0 0 0 0 0 3 4 0 0 20 0 1 0 1 0 0"
	if comm, ppid, ticks, ok := parseStat(odd); !ok || comm != "a) b (c)" || ppid != "1" || ticks != 7 {
		t.Errorf("parseStat(odd) = %q, %q, %d, %v", comm, ppid, ticks, ok)
	}
	if _, _, _, ok := parseStat("garbage"); ok {
		t.Error("parseStat(garbage) succeeded")
	}
}

func TestVMHWM(t *testing.T) {
	if got := vmHWM("Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t   33600 kB\nVmRSS:\t 100 kB\n"); got != 33600 {
		t.Errorf("vmHWM = %d, want 33600", got)
	}
}

func TestChildPIDs_findsThisProcesssChild(t *testing.T) {
	if _, err := os.Stat("/proc/self/task"); err != nil {
		t.Skip("no /proc")
	}
	cmd := exec.Command("sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Skip("no sleep command:", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	child := strconv.Itoa(cmd.Process.Pid)
	if got := childPIDs(strconv.Itoa(os.Getpid())); !slices.Contains(got, child) {
		t.Errorf("childPIDs = %v, want it to hold %s", got, child)
	}
	if got := childPIDs(child); len(got) != 0 {
		t.Errorf("childPIDs(sleep) = %v, want none", got)
	}
}
