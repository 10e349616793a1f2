package main

import (
	"sort"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// What each phase must cost per Item, and nothing more: the requests the
// floors are made of, and what the run is checked against.
var expectedRequests = map[string]map[string]float64{
	phaseAdopt:    {plaid.PathItemGet: 1},
	phaseDestroy:  {plaid.PathItemGet: 1, plaid.PathItemRemove: 1}, // Terraform's refresh, then the removal
	phaseTeardown: {plaid.PathItemRemove: 1},
}

// floorSeconds is the least time a phase can take: time_static's time for
// the same phase at the same N (Terraform's and gRPC's own cost for a
// framework provider that calls nothing), plus each request's latency spread
// over Terraform's parallelism; under rate limits, the requests at the
// published per-client limit when that is longer.
func floorSeconds(phase string, n int, s Setting, baseline float64, perMinute map[string]int) float64 {
	requests := 0.0
	limited := 0.0
	for path, perItem := range expectedRequests[phase] {
		requests += perItem
		if s.RateLimited && perMinute[path] > 0 {
			limited += float64(n) * perItem / float64(perMinute[path]) * 60
		}
	}
	floor := baseline + float64(n)*requests*float64(s.LatencyMS)/1000/parallelism
	return max(floor, limited)
}

// setFloors fills in every phase's baseline, floor and ratio from the
// time_static run at the same N.
func setFloors(r *Run, baseline Run) {
	limits := emulatorLimits()
	for _, p := range r.phases() {
		b := baseline.phase(p.name)
		p.BaselineSeconds = b.Seconds
		p.FloorSeconds = floorSeconds(p.name, r.N, r.Setting, b.Seconds, limits)
		p.Ratio = ratio(p.Seconds, p.FloorSeconds)
	}
}

// ratio is time / floor, 0 when there is no floor to compare with.
func ratio(seconds, floor float64) float64 {
	if floor <= 0 {
		return 0
	}
	return seconds / floor
}

// peakPerMinute is the most requests to each path in any 60 s window: what
// Plaid's sliding-minute limits count. A run faster than the limit allows
// shows here, even when the emulator's limit was lifted.
func peakPerMinute(calls []emulator.Call) map[string]int {
	byPath := map[string][]time.Time{}
	for _, c := range calls {
		byPath[c.Path] = append(byPath[c.Path], c.Time)
	}
	peaks := map[string]int{}
	for path, times := range byPath {
		sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
		first := 0
		for last := range times {
			for times[last].Sub(times[first]) >= time.Minute {
				first++
			}
			peaks[path] = max(peaks[path], last-first+1)
		}
	}
	return peaks
}

// emulatorLimits are the per-client limits per minute the emulator keeps in
// the rate-limited setting: Plaid's published sandbox limits.
func emulatorLimits() map[string]int {
	limits := map[string]int{}
	for path, l := range plaid.PublishedRateLimits(sandbox) {
		limits[path] = l.PerClient
	}
	return limits
}
