package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// benchConfig adopts every token of a sensitive map, like
// examples/adopt-many; requests_per_minute lifts the client-side limiter
// for the settings that measure the provider's own overhead.
const benchConfig = `terraform {
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

func benchOne(ctx context.Context, prov *clirun.Provider, dir string, s Setting, n int) (Run, error) {
	r := Run{Setting: s, N: n}
	emu := emulator.New(emulator.Options{Secret: "bench-secret"})
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

	tokens := map[string]string{}
	for i := range n {
		tokens[fmt.Sprintf("item%04d", i)] = emu.Seed(emulator.SeedOptions{}).AccessToken
	}
	raw, _ := json.Marshal(tokens)
	ws, err := prov.Workspace(dir, map[string]string{"main.tf": benchConfig})
	if err != nil {
		return r, err
	}
	ws.Env = []string{
		"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + emu.ClientID(), "PLAID_SECRET=" + emu.Secret(),
		"TF_VAR_access_tokens=" + string(raw),
	}
	if !s.RateLimited {
		ws.Env = append(ws.Env, "TF_VAR_requests_per_minute=100000")
	}

	// Adopt: a fresh state has nothing to refresh; each Item costs one
	// /item/get. Destroy with -refresh=false: each Item costs one
	// /item/remove and nothing else (a default destroy reads every Item
	// first, which is Terraform's refresh, not the provider's).
	phases := []struct {
		phase *Phase
		args  []string
	}{
		{&r.Adopt, []string{"apply", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism)}},
		{&r.Destroy, []string{"destroy", "-auto-approve", "-no-color", "-refresh=false", fmt.Sprintf("-parallelism=%d", parallelism)}},
	}
	for _, p := range phases {
		emu.ResetCalls()
		mem := watchProviderMemory()
		start := time.Now()
		out, err := ws.Terraform(ctx, p.args...)
		p.phase.Seconds = time.Since(start).Seconds()
		p.phase.PeakRSSMiB = mem.stop()
		if err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("terraform %s failed: %v: %s", p.args[0], err, lastLines(out, 5)))
			return r, nil
		}
		if dropped := emu.DroppedCalls(); dropped > 0 {
			r.Problems = append(r.Problems, fmt.Sprintf("terraform %s: the emulator's call log dropped %d calls (cap %d), so the request counts are incomplete", p.args[0], dropped, emu.MaxCalls()))
		}
		p.phase.RequestsPerItem = map[string]float64{}
		for _, c := range emu.Calls() {
			p.phase.RequestsPerItem[c.Path] += 1 / float64(n)
			if c.Status != 200 {
				p.phase.Retries++
			}
		}
	}

	if got := r.Adopt.RequestsPerItem; len(got) != 1 || !near(got["/item/get"], 1) {
		r.Problems = append(r.Problems, fmt.Sprintf("adopt made %v requests per Item, want exactly 1 /item/get", got))
	}
	if got := r.Destroy.RequestsPerItem; !near(got["/item/remove"]-float64(r.Destroy.Retries)/float64(n), 1) || got["/item/get"] != 0 {
		r.Problems = append(r.Problems, fmt.Sprintf("destroy made %v requests per Item, want exactly 1 /item/remove (plus retries) and no read", got))
	}
	for _, it := range emu.Items() {
		if !it.RemovedOnce() {
			r.Problems = append(r.Problems, fmt.Sprintf("item %s not removed exactly once: %+v", it.ItemID, it))
			break
		}
	}
	return r, nil
}

func near(a, b float64) bool { return a > b-1e-9 && a < b+1e-9 }

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

// memoryWatch samples the provider process's peak resident set (VmHWM)
// while a terraform command runs. The provider is terraform's child; VmHWM
// only grows, so the last sample before it exits is its peak, give or take
// the last 20 ms.
type memoryWatch struct {
	done chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	peak int64 // KiB
}

func watchProviderMemory() *memoryWatch {
	w := &memoryWatch{done: make(chan struct{})}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			w.sample()
			select {
			case <-w.done:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

func (w *memoryWatch) sample() {
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		comm, err := os.ReadFile(filepath.Join("/proc", e.Name(), "comm"))
		// comm is cut to 15 characters: "terraform-provi".
		if err != nil || !strings.HasPrefix(string(comm), "terraform-provi") {
			continue
		}
		status, err := os.ReadFile(filepath.Join("/proc", e.Name(), "status"))
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(status), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				w.mu.Lock()
				w.peak = max(w.peak, kib)
				w.mu.Unlock()
			}
		}
	}
}

func (w *memoryWatch) stop() float64 {
	close(w.done)
	w.wg.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	return float64(w.peak) / 1024
}
