package lifecycle

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// step runs one step (catalogue in steps.go holds the list).
func (w *walk) step(ctx context.Context, s Step) error {
	switch s.Name {
	case "adopt", "import-env", "import-block":
		return w.adopt(ctx, s)
	case "sandbox":
		if _, ok := w.m.labels[s.Arg]; ok {
			return skipped("label %s exists", s.Arg)
		}
		w.m.labels[s.Arg] = &label{name: s.Arg, kind: sandbox, reasonCode: "OTHER"}
		w.m.clean = false
		return w.apply(ctx)
	case "webhook", "clear-webhook", "note", "method":
		return w.changeInPlace(ctx, s)
	case "rotate":
		return w.rotate(s.Arg)
	case "revoke":
		return w.revoke(ctx, s.Arg)
	case "reset-login":
		return w.resetLogin(ctx, s.Arg)
	case "relabel-moved", "relabel":
		return w.relabel(ctx, s)
	case "forget-removed", "forget-rm":
		return w.forget(ctx, s)
	case "drop":
		return w.drop(ctx, s.Arg)
	case "plan":
		out, err := w.tf(ctx, "plan", "-no-color", "-input=false", "-detailed-exitcode", "-parallelism=4")
		if exitCode(err) == 2 && w.m.clean {
			return violated("plan-after-apply-not-empty", "a plan with nothing changed since a successful apply has changes:\n%s", planChanges(out))
		}
		if exitCode(err) == 2 {
			return nil
		}
		return w.failed("plan", out, err)
	case "refresh-only":
		out, err := w.tf(ctx, "plan", "-refresh-only", "-no-color", "-input=false", "-parallelism=4")
		return w.failed("plan -refresh-only", out, err)
	case "apply":
		return w.apply(ctx)
	case "apply-norefresh":
		return w.apply(ctx, "-refresh=false")
	case "destroy", "destroy-norefresh", "interrupt-destroy":
		return w.destroy(ctx, s)
	case "interrupt-apply":
		ms, _ := strconv.Atoi(s.Arg)
		if err := w.interrupted(ctx, ms, "apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=4"); err != nil {
			return err
		}
		return w.apply(ctx)
	case "faults-on", "faults-off":
		w.setFaults(s.Name == "faults-on")
		return nil
	case "old-state":
		n, err := writeEarlierState(w.statePath())
		if err != nil {
			return err
		}
		if n == 0 {
			return skipped("state holds no Item")
		}
		if !w.m.clean {
			return nil
		}
		out, err := w.tf(ctx, "plan", "-no-color", "-input=false", "-detailed-exitcode", "-parallelism=4")
		if exitCode(err) == 2 {
			return violated("plan-after-apply-not-empty", "state an earlier release wrote plans changes after a successful apply:\n%s", planChanges(out))
		}
		return w.failed("plan on earlier state", out, err)
	}
	return fmt.Errorf("no step %q", s.Name)
}

// adopt seeds an Item, as if its owner had linked it, and brings it under
// Terraform: by apply, by terraform import with an env: ID, or by an
// import block with an env: ID.
func (w *walk) adopt(ctx context.Context, s Step) error {
	if s.Name == "import-block" && !w.o.Caps.ImportBlocks {
		return skipped("%s has no import blocks", w.o.Caps.CLI)
	}
	if _, ok := w.m.labels[s.Arg]; ok {
		return skipped("label %s exists", s.Arg)
	}
	seeded := w.srv.Seed(emulator.SeedOptions{})
	l := &label{name: s.Arg, kind: adopted, itemID: seeded.ItemID, token: seeded.AccessToken, reasonCode: "OTHER"}
	w.m.labels[s.Arg] = l
	w.m.clean = false
	switch s.Name {
	case "import-block":
		l.importBlock = true
		w.importEnv = append(w.importEnv, importEnv(s.Arg)+"="+seeded.AccessToken)
	case "import-env":
		w.importEnv = append(w.importEnv, importEnv(s.Arg)+"="+seeded.AccessToken)
		out, err := w.tf(ctx, "import", "-no-color", "-input=false", l.address(), "env:"+importEnv(s.Arg))
		if err := w.syncFromState(); err != nil {
			return err
		}
		if v := w.failed("terraform import", out, err); v != nil {
			return v
		}
	}
	return w.apply(ctx)
}

// changeInPlace changes an attribute that updates in place and applies.
func (w *walk) changeInPlace(ctx context.Context, s Step) error {
	l, err := w.liveLabel(s.Arg)
	if err != nil {
		return err
	}
	w.m.counter++
	switch s.Name {
	case "webhook":
		url := fmt.Sprintf("http://127.0.0.1:9/lifecycle/%d", w.m.counter)
		l.webhook = &url
	case "clear-webhook":
		empty := ""
		l.webhook = &empty
	case "note":
		l.note = fmt.Sprintf("lifecycle walk note %d", w.m.counter)
		if l.reasonCode == "OTHER" {
			l.reasonCode = "FRAUD_OTHER"
		} else {
			l.reasonCode = "OTHER"
		}
	case "method":
		l.terminate = !l.terminate
	}
	w.m.clean = false
	return w.apply(ctx)
}

// rotate invalidates the token through Plaid's /item/access_token/invalidate
// and puts the new one in the configuration; the next apply takes it.
func (w *walk) rotate(name string) error {
	l, err := w.liveLabel(name)
	if err != nil {
		return err
	}
	if l.kind != adopted {
		return skipped("%s is a sandbox Item: its token is not configured", name)
	}
	var resp struct {
		NewAccessToken string `json:"new_access_token"`
	}
	if err := w.plaidCall("/item/access_token/invalidate", map[string]any{"access_token": l.token}, &resp); err != nil {
		return err
	}
	l.token, l.rotated = resp.NewAccessToken, true
	w.m.clean = false
	return nil
}

// revoke removes the Item at Plaid as its owner would; the operator then
// looks at a plan, and drops an adopted label as the plan's warning says
// (a sandbox label stays: the next apply creates a new Item).
func (w *walk) revoke(ctx context.Context, name string) error {
	l, err := w.liveLabel(name)
	if err != nil {
		return err
	}
	if err := w.srv.Revoke(l.itemID); err != nil {
		return err
	}
	w.m.staleOK[l.itemID] = true
	w.m.clean = false
	out, perr := w.tf(ctx, "plan", "-no-color", "-input=false", "-parallelism=4")
	if l.kind == sandbox {
		l.revoked = true
		return w.failed("the plan after a revocation", out, perr)
	}
	delete(w.m.labels, name)
	if v := w.failed("the plan after a revocation", out, perr); v != nil {
		return v
	}
	if !l.rotated {
		return nil
	}
	// State holds the rotated-out token, which Plaid answers with
	// INVALID_ACCESS_TOKEN, never ITEM_NOT_FOUND: no refresh or destroy
	// can prove the Item gone, so the plan's warning for the new token
	// says to forget the resource (TestRevokedWhileRotatedTokenPending).
	st, err := readState(w.statePath())
	if err != nil {
		return err
	}
	if _, ok := st[l.address()]; !ok {
		return nil
	}
	if !w.m.faults && !strings.Contains(out, "Plaid Item Removed After Its Token Was Rotated") {
		return violated("misleading-advice", "the plan after %s's revocation, with its rotated token pending, does not say to forget the resource: %s", name, errorSummaries(out))
	}
	w.o.Logf("    %s's rotated token was never applied: terraform state rm, as the plan's warning says", l.address())
	if out, err := w.tf(ctx, "state", "rm", l.address()); err != nil {
		return violated("unexpected-failure", "terraform state rm failed (%v): %s", err, errorSummaries(out))
	}
	return nil
}

// resetLogin puts ITEM_LOGIN_REQUIRED on the Item through Plaid's sandbox
// endpoint. The Item still exists: nothing Terraform manages changes.
func (w *walk) resetLogin(ctx context.Context, name string) error {
	l, err := w.liveLabel(name)
	if err != nil {
		return err
	}
	if l.rotated {
		return skipped("%s's new token is not applied yet", name)
	}
	var resp map[string]any
	if err := w.plaidCall("/sandbox/item/reset_login", map[string]any{"access_token": l.token}, &resp); err != nil {
		return err
	}
	if !w.m.clean {
		return nil
	}
	out, perr := w.tf(ctx, "plan", "-no-color", "-input=false", "-detailed-exitcode", "-parallelism=4")
	if exitCode(perr) == 2 {
		return violated("plan-after-apply-not-empty", "an Item needing login again changes the plan:\n%s", planChanges(out))
	}
	return w.failed("the plan after reset_login", out, perr)
}

// relabel renames a for_each key, with a moved block or without one. A
// rename without one may be refused, as long as nothing is removed: the
// operator then adds the moved block.
func (w *walk) relabel(ctx context.Context, s Step) error {
	l, err := w.liveLabel(s.Arg)
	if err != nil {
		return err
	}
	if l.kind != adopted {
		return skipped("%s is not a for_each key", s.Arg)
	}
	to := relabelled(s.Arg)
	if _, ok := w.m.labels[to]; ok {
		return skipped("label %s exists", to)
	}
	if l.rotated && s.Name != "relabel-moved" {
		// The provider cannot tell that a rename moves an Item whose
		// rotated token is not applied yet: the old key's state holds
		// the old token, the new key the new one. As the docs say, the
		// rotated token is applied first (TestLifecycle_shrunkSequences
		// keeps the sequence that shows why, skipped).
		if err := w.applyRotations(ctx); err != nil {
			return err
		}
	}
	from := l.address()
	delete(w.m.labels, s.Arg)
	l.name = to
	w.m.labels[to] = l
	w.m.clean = false
	if s.Name == "relabel-moved" {
		w.m.moved = append(w.m.moved, [2]string{from, l.address()})
		return w.apply(ctx)
	}
	out, err := w.tf(ctx, "apply", "-auto-approve", "-no-color", "-input=false", "-parallelism=4")
	if serr := w.syncFromState(); serr != nil {
		return serr
	}
	if err == nil {
		// The rename went through without a moved block: the Item must
		// be live and managed under the new key (checked after the step),
		// and the plan after it empty.
		return w.apply(ctx)
	}
	w.o.Logf("    the rename without a moved block failed: %s", errorSummaries(out))
	w.m.moved = append(w.m.moved, [2]string{from, l.address()})
	return w.apply(ctx)
}

// forget takes a label out of Terraform's care and leaves its Item alive:
// with a removed block (a whole resource only) or terraform state rm.
func (w *walk) forget(ctx context.Context, s Step) error {
	l, err := w.liveLabel(s.Arg)
	if err != nil {
		return err
	}
	if s.Name == "forget-removed" {
		if !w.o.Caps.RemovedBlocks {
			return skipped("%s has no removed blocks with lifecycle { destroy = false }", w.o.Caps.CLI)
		}
		if l.kind != sandbox {
			return skipped("a removed block takes no instance key")
		}
		delete(w.m.labels, s.Arg)
		w.m.removed = append(w.m.removed, l.address())
		w.m.forgotten[l.itemID] = "removed block"
		w.m.clean = false
		return w.apply(ctx) // checkStateMatchesModel: the address has left state
	}
	st, err := readState(w.statePath())
	if err != nil {
		return err
	}
	if _, ok := st[l.address()]; !ok {
		return skipped("%s is not in state (an apply under faults failed)", l.address())
	}
	out, err := w.tf(ctx, "state", "rm", l.address())
	if err != nil {
		return violated("unexpected-failure", "terraform state rm failed (%v): %s", err, errorSummaries(out))
	}
	delete(w.m.labels, s.Arg)
	w.m.forgotten[l.itemID] = "state rm"
	return nil
}

// drop takes a label out of the configuration, so that apply removes its
// Item at Plaid.
func (w *walk) drop(ctx context.Context, name string) error {
	l, err := w.liveLabel(name)
	if err != nil {
		return err
	}
	if l.rotated {
		if err := w.apply(ctx); err != nil {
			return err
		}
	}
	st, err := readState(w.statePath())
	if err != nil {
		return err
	}
	delete(w.m.labels, name)
	w.m.mayRemove[l.itemID] = "its label was dropped from the configuration"
	if inst, ok := st[l.address()]; ok {
		w.planEnd("its label was dropped from the configuration", inst)
	}
	w.m.clean = false
	if err := w.apply(ctx); err != nil {
		return err
	}
	if it := w.srv.Item(l.itemID); !it.Removed && !w.m.faults {
		return violated("dropped-item-lives", "the apply after dropping %s succeeded, but Item %s is live at Plaid", l.address(), l.itemID)
	}
	return nil
}

// destroy ends the estate: every Item in state may be removed, and the
// configuration is emptied after, as a teardown leaves it. An interrupted
// destroy must converge on one more run.
func (w *walk) destroy(ctx context.Context, s Step) error {
	if err := w.applyRotations(ctx); err != nil {
		return err
	}
	st, err := readState(w.statePath())
	if err != nil {
		return err
	}
	for _, inst := range st {
		w.planEnd("a destroy was run", inst)
	}
	args := []string{"destroy", "-auto-approve", "-no-color", "-input=false", "-parallelism=4"}
	switch s.Name {
	case "destroy-norefresh":
		args = append(args, "-refresh=false")
	case "interrupt-destroy":
		ms, _ := strconv.Atoi(s.Arg)
		if err := w.interrupted(ctx, ms, args...); err != nil {
			return err
		}
	}
	out, derr := w.tf(ctx, args...)
	if err := w.syncFromState(); err != nil {
		return err
	}
	w.m.labels = map[string]*label{}
	w.m.clean = false
	if v := w.failed(s.Name, out, derr); v != nil {
		if s.Name == "interrupt-destroy" {
			v := violated("destroy-converges", "the destroy after an interrupted one failed (%v): %s", derr, errorSummaries(out))
			v.summary = firstErrorSummary(out)
			return v
		}
		return v
	}
	if derr == nil {
		left, err := readState(w.statePath())
		if err != nil {
			return err
		}
		if len(left) > 0 {
			return violated("destroy-converges", "a successful destroy left %d Items in state", len(left))
		}
		for _, inst := range sortedInstances(st) {
			if it := w.srv.Item(inst.itemID); !it.Removed {
				return violated("destroy-converges", "the destroy succeeded but Item %s (%s) is live at Plaid", inst.itemID, inst.address)
			}
		}
	}
	return nil
}

// teardown ends every walk: faults off, pending tokens applied, then a
// destroy that must succeed, empty state and remove every Item state held.
func (w *walk) teardown(ctx context.Context) error {
	w.setFaults(false)
	if err := w.applyRotations(ctx); err != nil {
		return err
	}
	st, err := readState(w.statePath())
	if err != nil {
		return err
	}
	for _, inst := range st {
		w.planEnd("the final destroy", inst)
	}
	out, derr := w.tf(ctx, "destroy", "-auto-approve", "-no-color", "-input=false", "-parallelism=4")
	if derr != nil {
		v := violated("destroy-converges", "the final destroy failed (%v): %s", derr, errorSummaries(out))
		v.summary = firstErrorSummary(out)
		return v
	}
	left, err := readState(w.statePath())
	if err != nil {
		return err
	}
	if len(left) > 0 {
		return violated("destroy-converges", "the final destroy left %d Items in state", len(left))
	}
	for _, inst := range st {
		if it := w.srv.Item(inst.itemID); !it.Removed {
			return violated("destroy-converges", "the final destroy succeeded but Item %s (%s) is still live at Plaid", inst.itemID, inst.address)
		}
	}
	return nil
}
