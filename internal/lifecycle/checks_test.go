package lifecycle

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// checkWalk is a walk with an emulator and a workspace directory but no
// CLI, for checking the invariants on states written by hand.
func checkWalk(t *testing.T) *walk {
	t.Helper()
	srv, err := emulator.Listen(emulator.New(emulator.Options{Secret: "lifecycle-check-secret-0123456789"}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	dir := t.TempDir()
	return &walk{srv: srv, ws: &clirun.Workspace{Dir: dir}, m: newModel(), trace: filepath.Join(dir, "trace.log"), o: Options{Trace: true}}
}

// writeState writes a state file holding plaid_item.adopted[label] for
// each label and Item.
func writeState(t *testing.T, w *walk, items map[string]emulator.SeededItem) {
	t.Helper()
	var instances []string
	for label, it := range items {
		instances = append(instances, fmt.Sprintf(`{"index_key": %q, "schema_version": 1, "attributes": {"id": %q, "item_id": %q, "access_token": %q}}`, label, it.ItemID, it.ItemID, it.AccessToken))
	}
	state := `{"version": 4, "serial": 1, "lineage": "x", "resources": [{"mode": "managed", "type": "plaid_item", "name": "adopted", "provider": "provider[\"registry.terraform.io/ledgerline/plaid\"]", "instances": [` + strings.Join(instances, ",") + `]}]}`
	if err := os.WriteFile(w.statePath(), []byte(state), 0o600); err != nil {
		t.Fatal(err)
	}
}

// Each invariant holds on a healthy estate and fails on the fact it names.
func TestInvariants_eachCanFail(t *testing.T) {
	t.Run("healthy", func(t *testing.T) {
		w := checkWalk(t)
		writeState(t, w, map[string]emulator.SeededItem{"a0": w.srv.Seed(emulator.SeedOptions{})})
		if v := w.checkInvariants(); v != nil {
			t.Fatalf("a healthy estate breaks %s", v)
		}
	})
	t.Run("state holds a gone Item", func(t *testing.T) {
		w := checkWalk(t)
		it := w.srv.Seed(emulator.SeedOptions{})
		writeState(t, w, map[string]emulator.SeededItem{"a0": it})
		if err := w.srv.Revoke(it.ItemID); err != nil {
			t.Fatal(err)
		}
		if v := w.checkStateLive(); v == nil || v.invariant != "state-holds-gone-item" {
			t.Errorf("got %v", v)
		}
		w.out.WriteString("Warning: Plaid Item No Longer Exists ... Item " + it.ItemID)
		if v := w.checkStateLive(); v != nil {
			t.Errorf("an Item the output named breaks %v", v)
		}
	})
	t.Run("an Item in state twice", func(t *testing.T) {
		w := checkWalk(t)
		it := w.srv.Seed(emulator.SeedOptions{})
		writeState(t, w, map[string]emulator.SeededItem{"a0": it, "a0x": it})
		if v := w.checkOneAddressPerItem(); v == nil || v.invariant != "item-in-state-twice" {
			t.Errorf("got %v", v)
		}
	})
	t.Run("an unplanned removal, then a second", func(t *testing.T) {
		w := checkWalk(t)
		it := w.srv.Seed(emulator.SeedOptions{})
		var out map[string]any
		if err := w.plaidCall("/item/remove", map[string]any{"access_token": it.AccessToken}, &out); err != nil {
			t.Fatal(err)
		}
		if v := w.checkNoUnplannedRemoval(); v == nil || v.invariant != "unplanned-removal" {
			t.Errorf("got %v", v)
		}
		w.m.mayRemove[it.ItemID] = "planned"
		if v := w.checkNoUnplannedRemoval(); v != nil {
			t.Errorf("a planned removal breaks %v", v)
		}
		if v := w.checkRemovalsOnce(); v != nil {
			t.Errorf("one removal breaks %v", v)
		}
		_ = w.plaidCall("/item/remove", map[string]any{"access_token": it.AccessToken}, &out) // ITEM_NOT_FOUND
		if v := w.checkRemovalsOnce(); v == nil || v.invariant != "removed-more-than-once" {
			t.Errorf("got %v", v)
		}
	})
	t.Run("a token in the output or the TRACE log", func(t *testing.T) {
		w := checkWalk(t)
		it := w.srv.Seed(emulator.SeedOptions{})
		w.out.WriteString("token=" + strings.ToUpper(it.AccessToken))
		if v := w.checkNoLeak(); v == nil || v.invariant != "secret-in-output" {
			t.Errorf("got %v", v)
		}
		w.out.Reset()
		if err := os.WriteFile(w.trace, []byte("secret: "+w.srv.Secret()), 0o600); err != nil {
			t.Fatal(err)
		}
		if v := w.checkNoLeak(); v == nil || v.invariant != "secret-in-trace-log" {
			t.Errorf("got %v", v)
		}
	})
}
