package emulator

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Faults are misbehaviours the emulator adds on request, each drawn
// independently per call. Rates are shares between 0 and 1.
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

const (
	faultDrop         = "dropped_connection"
	faultLostResponse = "lost_response"
	faultHTML502      = "html_502"
	faultMaintenance  = "planned_maintenance"
	fault500          = "internal_server_error"
	fault503          = "service_unavailable"
)

type faultState struct {
	cfg              Faults
	maintenanceUntil time.Time
	rng              *rand.Rand
	injected         int
}

type drawnFault struct {
	latency time.Duration
	kind    string
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
		out.kind = faultMaintenance
		f.injected++
		return out
	}
	x := f.rng.Float64()
	for _, c := range []struct {
		rate float64
		kind string
	}{{f.cfg.DropRate, faultDrop}, {f.cfg.LostResponseRate, faultLostResponse}, {f.cfg.HTML502Rate, faultHTML502}, {f.cfg.Error500Rate, fault500}, {f.cfg.Error503Rate, fault503}} {
		if x < c.rate {
			out.kind = c.kind
			f.injected++
			return out
		}
		x -= c.rate
	}
	return out
}
