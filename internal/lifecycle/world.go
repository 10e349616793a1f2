package lifecycle

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// What happens to an estate from outside Terraform: Plaid's own calls, as
// an Item's owner or a dashboard makes them, faults, and Ctrl-C.

// plaidCall calls Plaid's API as the Items' owner or Plaid's dashboard
// would, with faults off for the call: the harness's own requests are not
// what is under test.
func (w *walk) plaidCall(path string, body map[string]any, out any) error {
	saved := w.srv.Faults()
	w.srv.SetFaults(emulator.Faults{})
	defer w.srv.SetFaults(saved)
	body["client_id"], body["secret"] = w.srv.ClientID(), w.srv.Secret()
	raw, _ := json.Marshal(body)
	resp, err := http.Post(w.srv.URL+path, "application/json", bytes.NewReader(raw))
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s answered %d", path, resp.StatusCode)
	}
	return json.NewDecoder(resp.Body).Decode(out)
}

// The fault profile of faults-on: 500s, lost answers and dropped
// connections now and then, and a per-Item /item/get limit low enough to
// answer 429 (the emulator's window is a second in a walk).
var (
	faultsOn = emulator.Faults{Error500Rate: 0.1, LostResponseRate: 0.05, DropRate: 0.05}
	tightGet = emulator.RateLimit{PerItem: 2}
)

func (w *walk) setFaults(on bool) {
	w.m.faults = on
	limits := emulator.DefaultRateLimits(plaid.Sandbox)
	if !on {
		w.srv.SetFaults(emulator.Faults{})
		w.srv.SetRateLimits(limits)
		return
	}
	f := faultsOn
	f.Seed = w.seed*1000 + uint64(w.stepIndex) + 1
	w.srv.SetFaults(f)
	limits[plaid.PathItemGet] = tightGet
	w.srv.SetRateLimits(limits)
}

// interrupted runs a command and sends SIGINT after ms milliseconds, with
// every answer slowed so that the signal lands while requests are in
// flight.
func (w *walk) interrupted(ctx context.Context, ms int, args ...string) error {
	saved := w.srv.Faults()
	slow := saved
	slow.LatencyMS = 200
	if slow.Seed == 0 {
		slow.Seed = w.seed*1000 + uint64(w.stepIndex) + 1
	}
	w.srv.SetFaults(slow)
	defer w.srv.SetFaults(saved)
	if err := os.WriteFile(filepath.Join(w.ws.Dir, "main.tf"), []byte(w.m.render()), 0o600); err != nil {
		return err
	}
	w.ws.Env = w.env()
	cmd, out := w.ws.Command(ctx, args...)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		w.out.WriteString(out.String())
		w.o.Logf("    the command ended before the interrupt: %v", err)
		return w.syncFromState()
	case <-time.After(time.Duration(ms) * time.Millisecond):
	}
	_ = cmd.Process.Signal(syscall.SIGINT)
	err := <-done
	w.o.Logf("    interrupted after %d ms: %v", ms, err)
	w.out.WriteString(out.String())
	w.m.interrupts++
	w.m.clean = false
	return w.syncFromState()
}
