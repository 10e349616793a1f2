package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// removeCounter wraps the emulator and counts /item/remove requests: those
// received, those in progress, and those whose client hung up before the
// answer (abandoned: the emulator then does nothing).
type removeCounter struct {
	next                          http.Handler
	received, inFlight, abandoned atomic.Int32
}

func (c *removeCounter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/item/remove" {
		c.next.ServeHTTP(w, r)
		return
	}
	c.received.Add(1)
	c.inFlight.Add(1)
	defer c.inFlight.Add(-1)
	c.next.ServeHTTP(w, r)
	if r.Context().Err() != nil {
		c.abandoned.Add(1)
	}
}

// Ctrl-C during a slow destroy (the case: 20 Items, 4 s per
// removal, SIGINT while the first ten are in flight). The removals already
// sent run to their answer and leave state; no new removal starts; nothing
// speaks of a cancelled context. The next destroy converges with exactly one
// /item/remove per Item in all.
func TestCLI_interruptLetsSentRemovalsFinish(t *testing.T) {
	interruptedDestroy(t, 4000, 10)
}

// When Plaid takes longer than the grace period, the removals in flight are
// abandoned: each of those resources says so in one line and stays in
// state, and the next destroy converges.
func TestCLI_interruptAbandonsAnswersPastTheGracePeriod(t *testing.T) {
	interruptedDestroy(t, int(provider.StopGracePeriod/time.Millisecond)+5000, 0)
}

// interruptedDestroy adopts 20 Items, interrupts their destroy while ten
// removals (each latencyMS long) are in flight, and checks that wantRemoved
// Items were removed and state matches Plaid.
func interruptedDestroy(t *testing.T, latencyMS, wantRemoved int) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	emu := emulator.New(emulator.Options{Secret: "e2e-" + t.Name()})
	counter := &removeCounter{next: emu.Handler()}
	httpSrv := httptest.NewServer(counter)
	defer httpSrv.Close()
	srv := &emulator.Server{Emulator: emu, URL: httpSrv.URL}

	const n, parallelism = 20, 10
	ws, items := adoptMany(ctx, t, n, srv)
	emu.SetFaults(emulator.Faults{LatencyMS: latencyMS, Paths: []string{"/item/remove"}})

	cmd, out := ws.Command(ctx, "destroy", "-auto-approve", "-no-color", fmt.Sprintf("-parallelism=%d", parallelism))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for counter.inFlight.Load() < parallelism && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	transcript := out.String()
	if err == nil {
		t.Fatalf("the interrupted destroy succeeded:\n%s", transcript)
	}

	if got := counter.abandoned.Load(); int(got) != parallelism-wantRemoved {
		t.Errorf("%d removals already sent were cut off before their answer, want %d", got, parallelism-wantRemoved)
	}
	if got := counter.received.Load(); got != parallelism {
		t.Errorf("%d removals were sent, want the %d in flight at the interrupt and no new one", got, parallelism)
	}
	removed := map[string]bool{}
	for _, it := range emu.Items() {
		if it.Removed {
			removed[it.ItemID] = true
		}
	}
	if len(removed) != wantRemoved {
		t.Errorf("%d Items removed at Plaid, want %d", len(removed), wantRemoved)
	}
	left := stateList(ctx, t, ws)
	for label, it := range items {
		addr := fmt.Sprintf("plaid_item.adopted[%q]", label)
		inState := strings.Contains(" "+strings.Join(left, " ")+" ", " "+addr+" ")
		if removed[it.ItemID] == inState {
			t.Errorf("%s: removed at Plaid = %v, in state = %v: state does not match Plaid", addr, removed[it.ItemID], inState)
		}
	}
	if strings.Contains(transcript, "context canceled") {
		t.Errorf("the output speaks of a cancelled context:\n%s", transcript)
	}
	// Terraform adds its own "execution halted" for the operations it
	// skipped; everything else must be the provider's one-line notice, one
	// per removal that got no answer.
	notices := 0
	for _, summary := range regexp.MustCompile(`(?m)^│? ?Error: (.*)$`).FindAllStringSubmatch(transcript, -1) {
		switch {
		case summary[1] == "execution halted":
		case regexp.MustCompile(`^Interrupted: Removing Item \S+ with /item/remove stopped before Plaid answered; run the command again to finish$`).MatchString(summary[1]):
			notices++
		default:
			t.Errorf("an error other than the one-line interruption notice: %q", summary[1])
		}
	}
	if notices != parallelism-wantRemoved {
		t.Errorf("%d interruption notices, want one per removal left without an answer (%d)", notices, parallelism-wantRemoved)
	}
	t.Logf("interrupted: %d removed, %d left in state", len(removed), len(left))

	emu.SetFaults(emulator.Faults{})
	requireDestroyConverges(ctx, t, ws, "the interrupt")
	perItem := map[string]int{}
	for _, c := range emu.Calls() {
		if c.Path == "/item/remove" {
			perItem[c.ItemID]++
		}
	}
	for _, it := range items {
		if perItem[it.ItemID] != 1 {
			t.Errorf("Item %s got %d /item/remove requests over both runs, want 1", it.ItemID, perItem[it.ItemID])
		}
	}
}
