package emulator

import (
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"time"
)

// Faults are misbehaviours the emulator adds on request, each drawn
// independently per call. Rates are shares between 0 and 1. A new fault is
// a rate here and a row in rateFaults, nothing more.
type Faults struct {
	// LatencyMS is added before every answer.
	LatencyMS int `json:"latency_ms"`
	// Error500Rate answers 500 API_ERROR/INTERNAL_SERVER_ERROR.
	Error500Rate float64 `json:"error_500_rate"`
	// Error503Rate answers 503 API_ERROR/PLANNED_MAINTENANCE.
	Error503Rate float64 `json:"error_503_rate"`
	// DropRate closes the connection before doing anything.
	DropRate float64 `json:"drop_rate"`
	// LostResponseRate does the work, then closes the connection without
	// answering: the client can't know the remove went through.
	LostResponseRate float64 `json:"lost_response_rate"`
	// HTML502Rate answers an HTML 502 page, as a proxy in front would.
	HTML502Rate float64 `json:"html_502_rate"`
	// MaintenanceSeconds answers PLANNED_MAINTENANCE to every call for
	// this long from when the faults are set.
	MaintenanceSeconds float64 `json:"maintenance_seconds"`
	// MaxFaults stops injecting after this many faults (0: no limit), so a
	// test can lose exactly one answer.
	MaxFaults int `json:"max_faults,omitempty"`
	// Paths limits the faults to these API paths (default: all).
	Paths []string `json:"paths,omitempty"`
	// Seed makes the draws repeatable (0: random).
	Seed uint64 `json:"seed,omitempty"`
}

// fault is one kind of misbehaviour: what the call log records, and what
// the emulator does with a call instead of answering it as Plaid would.
type fault struct {
	// kind is recorded in Call.Fault.
	kind string
	// field is the JSON name of the fault's rate in Faults; rate reads it.
	field string
	rate  func(Faults) float64
	serve func(e *Emulator, in *incoming)
}

// rateFaults are the faults drawn by rate, in the order they are drawn:
// with a seed, that order makes a run repeatable.
var rateFaults = []fault{
	{kind: "dropped_connection", field: "drop_rate", rate: func(f Faults) float64 { return f.DropRate }, serve: dropConnection},
	{kind: "lost_response", field: "lost_response_rate", rate: func(f Faults) float64 { return f.LostResponseRate }, serve: loseResponse},
	{kind: "html_502", field: "html_502_rate", rate: func(f Faults) float64 { return f.HTML502Rate }, serve: proxyHTML502},
	{kind: "internal_server_error", field: "error_500_rate", rate: func(f Faults) float64 { return f.Error500Rate }, serve: answerWith(errInternal)},
	{kind: "service_unavailable", field: "error_503_rate", rate: func(f Faults) float64 { return f.Error503Rate }, serve: answerWith(errMaintenance)},
}

// maintenance is the fault of a maintenance window (MaintenanceSeconds):
// every call in it, not a share of them.
var maintenance = fault{kind: "planned_maintenance", serve: answerWith(errMaintenance)}

// dropConnection closes the connection before doing anything.
func dropConnection(e *Emulator, in *incoming) {
	e.record(in.call)
	hangUp(in.w)
}

// loseResponse does the work, then closes the connection without
// answering: the client cannot know whether, say, a removal went through.
func loseResponse(e *Emulator, in *incoming) {
	result, apiErr := e.handle(in)
	e.countLostRemoveAnswer(in.call, apiErr)
	e.observe(in, result, apiErr)
	e.record(in.call)
	hangUp(in.w)
}

// proxyHTML502 answers as a proxy in front of Plaid would when Plaid is
// unreachable.
func proxyHTML502(e *Emulator, in *incoming) {
	in.call.Status = http.StatusBadGateway
	e.record(in.call)
	in.w.Header().Set("Content-Type", "text/html")
	in.w.WriteHeader(http.StatusBadGateway)
	_, _ = io.WriteString(in.w, "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n")
}

// answerWith answers with a Plaid error in the endpoint's place.
func answerWith(apiErr func() *apiError) func(*Emulator, *incoming) {
	return func(e *Emulator, in *incoming) { e.answer(in, nil, apiErr()) }
}

type faultState struct {
	cfg              Faults
	maintenanceUntil time.Time
	rng              *rand.Rand
	injected         int
}

// drawnFault is what drawFault picked for a call: a latency, and a fault
// or none.
type drawnFault struct {
	latency time.Duration
	fault   *fault
}

// SetFaults replaces the faults in force; the zero value turns them off.
func (e *Emulator) SetFaults(f Faults) {
	e.mu.Lock()
	defer e.mu.Unlock()
	seed := f.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	e.faults = faultState{cfg: f, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	if f.MaintenanceSeconds > 0 {
		e.faults.maintenanceUntil = time.Now().Add(time.Duration(f.MaintenanceSeconds * float64(time.Second)))
	}
}

// Faults returns the faults in force.
func (e *Emulator) Faults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faults.cfg
}

func (e *Emulator) drawFault(path string) drawnFault {
	e.mu.Lock()
	defer e.mu.Unlock()
	f := &e.faults
	if f.rng == nil || (len(f.cfg.Paths) > 0 && !slices.Contains(f.cfg.Paths, path)) {
		return drawnFault{}
	}
	out := drawnFault{latency: time.Duration(f.cfg.LatencyMS) * time.Millisecond}
	if f.cfg.MaxFaults > 0 && f.injected >= f.cfg.MaxFaults {
		return out
	}
	if time.Now().Before(f.maintenanceUntil) {
		out.fault = &maintenance
		f.injected++
		return out
	}
	x := f.rng.Float64()
	for i := range rateFaults {
		rate := rateFaults[i].rate(f.cfg)
		if x < rate {
			out.fault = &rateFaults[i]
			f.injected++
			return out
		}
		x -= rate
	}
	return out
}
