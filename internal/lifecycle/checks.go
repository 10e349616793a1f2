package lifecycle

import (
	"errors"
	"os"
	"sort"
	"strings"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// checkInvariants checks, after every step, what must hold whatever the
// steps were, against the emulator's own record of Items and calls.
func (w *walk) checkInvariants() *violation {
	for _, check := range []func() *violation{w.checkStateLive, w.checkOneAddressPerItem, w.checkNoUnplannedRemoval, w.checkRemovalsOnce, w.checkNoLeak} {
		if v := check(); v != nil {
			return v
		}
	}
	return nil
}

// checkStateLive: every Item in state is live at Plaid, or the step's
// output named it (a warning, an interrupted removal), or it was revoked
// behind Terraform's back and nothing that refreshes and writes state has
// succeeded since.
func (w *walk) checkStateLive() *violation {
	st, err := readState(w.statePath())
	if err != nil {
		return violated("harness", "%v", err)
	}
	out := w.out.String()
	for _, inst := range sortedInstances(st) {
		it := w.srv.Item(inst.itemID)
		if it.Exists && !it.Removed {
			continue
		}
		if w.m.staleOK[inst.itemID] || strings.Contains(out, inst.itemID) {
			continue
		}
		return violated("state-holds-gone-item", "state holds %s for Item %s, which Plaid removed (by %s), and the step's output did not say so", inst.address, inst.itemID, it.RemovedBy)
	}
	return nil
}

// checkStateMatchesModel, after a successful apply: state holds exactly
// the configuration's labels, each with the Item, token and removal_method
// the harness believes in, and Plaid holds each configured webhook.
func (w *walk) checkStateMatchesModel() *violation {
	st, err := readState(w.statePath())
	if err != nil {
		return violated("harness", "%v", err)
	}
	for _, l := range w.m.sorted() {
		inst, ok := st[l.address()]
		if !ok {
			return violated("state-disagrees-with-model", "%s is in the configuration but not in state after a successful apply", l.address())
		}
		if l.kind == adopted && inst.itemID != l.itemID {
			return violated("state-disagrees-with-model", "%s manages Item %s in state, but its token is Item %s's", l.address(), inst.itemID, l.itemID)
		}
		if l.kind == adopted && inst.token != l.token {
			return violated("state-disagrees-with-model", "%s holds another access token in state than the configuration's after a successful apply", l.address())
		}
		if (inst.removalMethod == "terminate") != l.terminate {
			return violated("state-disagrees-with-model", "%s has removal_method %q in state, the configuration says %s", l.address(), inst.removalMethod, methodHCL(l.terminate))
		}
		if l.webhook != nil {
			got := ""
			if hook := w.srv.Item(inst.itemID).Webhook; hook != nil {
				got = *hook
			}
			if got != *l.webhook {
				return violated("state-disagrees-with-model", "Item %s (%s) has webhook %q at Plaid, the configuration says %q", inst.itemID, l.address(), got, *l.webhook)
			}
		}
	}
	for _, inst := range sortedInstances(st) {
		if l, ok := w.m.labels[labelOf(inst.address)]; !ok || l.address() != inst.address {
			return violated("state-disagrees-with-model", "state holds %s (Item %s) after a successful apply, which the configuration does not have", inst.address, inst.itemID)
		}
	}
	return nil
}

// labelOf is the label in a plaid_item.adopted["label"] or
// plaid_sandbox_item.label address.
func labelOf(address string) string {
	if _, key, ok := strings.Cut(address, `["`); ok {
		return strings.TrimSuffix(key, `"]`)
	}
	_, name, _ := strings.Cut(address, ".")
	return name
}

// planEnd notes that the walk is about to end the Items of these state
// instances, and the call each must be removed with.
func (w *walk) planEnd(why string, instances ...instance) {
	for _, inst := range instances {
		w.m.mayRemove[inst.itemID] = why
		w.m.removalPath[inst.itemID] = plaid.PathItemRemove
		if inst.removalMethod == "terminate" {
			w.m.removalPath[inst.itemID] = plaid.PathItemProductsTerminate
		}
	}
}

// checkOneAddressPerItem: no Item is in state under two addresses, where
// destroying either would end the Item the other still manages.
func (w *walk) checkOneAddressPerItem() *violation {
	st, err := readState(w.statePath())
	if err != nil {
		return violated("harness", "%v", err)
	}
	seen := map[string]string{}
	for _, inst := range sortedInstances(st) {
		if other, ok := seen[inst.itemID]; ok {
			return violated("item-in-state-twice", "Item %s is in state as both %s and %s", inst.itemID, other, inst.address)
		}
		seen[inst.itemID] = inst.address
	}
	return nil
}

// checkNoUnplannedRemoval: no Item is removed at Plaid (by an API call)
// unless the walk planned its end: a destroy, or its label dropped.
func (w *walk) checkNoUnplannedRemoval() *violation {
	for _, it := range sortedItems(w) {
		if !it.Removed || it.RemovedBy != "api" {
			continue
		}
		if want := w.m.removalPath[it.ItemID]; want != "" && it.RemovedWith != want {
			return violated("wrong-removal-method", "Item %s was removed with %s, but state's removal_method said %s", it.ItemID, it.RemovedWith, want)
		}
		if _, planned := w.m.mayRemove[it.ItemID]; !planned {
			why := "it was still in the configuration"
			if how, ok := w.m.forgotten[it.ItemID]; ok {
				why = "it was forgotten with " + how + " and must live on"
			}
			return violated("unplanned-removal", "Item %s was removed at Plaid (%s) but no destroy or drop of it was planned: %s", it.ItemID, it.RemovedWith, why)
		}
	}
	return nil
}

// checkRemovalsOnce: at most one successful removal per Item, and no more
// removal requests than one, plus one per lost answer and per interrupt.
func (w *walk) checkRemovalsOnce() *violation {
	successes := map[string]int{}
	for _, c := range w.srv.Calls() {
		if (c.Path == plaid.PathItemRemove || c.Path == plaid.PathItemProductsTerminate) && c.Status == 200 && c.Fault == "" {
			successes[c.ItemID]++
		}
	}
	for _, it := range sortedItems(w) {
		if successes[it.ItemID] > 1 {
			return violated("removed-more-than-once", "Item %s was removed successfully %d times", it.ItemID, successes[it.ItemID])
		}
		if limit := 1 + it.RemoveAnswersLost + w.m.interrupts; it.RemoveCount > limit {
			return violated("removed-more-than-once", "Item %s got %d removal requests, more than one plus %d lost answers and %d interrupts", it.ItemID, it.RemoveCount, it.RemoveAnswersLost, w.m.interrupts)
		}
	}
	return nil
}

// checkNoLeak: neither the step's output nor the TRACE log holds the
// secret or any token the emulator issued, in any spelling leakcheck
// knows. The log is emptied after each step.
func (w *walk) checkNoLeak() *violation {
	literals := []leakcheck.Literal{{What: "the client secret", Value: w.srv.Secret()}}
	for _, token := range w.srv.IssuedTokens() {
		literals = append(literals, leakcheck.Literal{What: "a token the emulator issued", Value: token})
	}
	if found := leakcheck.FindAll(w.out.String(), literals...); len(found) > 0 {
		return violated("secret-in-output", "the CLI's output holds %s", strings.Join(found, "; "))
	}
	if !w.o.Trace {
		return nil
	}
	raw, err := os.ReadFile(w.trace)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return violated("harness", "%v", err)
	}
	w.traceBytes += len(raw)
	if found := leakcheck.FindAll(string(raw), literals...); len(found) > 0 {
		return violated("secret-in-trace-log", "the TRACE log holds %s", strings.Join(found, "; "))
	}
	if err := os.Truncate(w.trace, 0); err != nil {
		return violated("harness", "%v", err)
	}
	return nil
}

func sortedInstances(st map[string]instance) []instance {
	out := make([]instance, 0, len(st))
	for _, inst := range st {
		out = append(out, inst)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].address < out[j].address })
	return out
}

func sortedItems(w *walk) []emulator.ItemState {
	items := w.srv.Items()
	sort.Slice(items, func(i, j int) bool { return items[i].ItemID < items[j].ItemID })
	return items
}
