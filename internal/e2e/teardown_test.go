package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// adoptMany seeds n Items and a workspace adopting them with
// examples/adopt-many (tokens in the sensitive TF_VAR_access_tokens map).
func adoptMany(ctx context.Context, t *testing.T, n int, srv *emulator.Server) (*clirun.Workspace, map[string]emulator.SeededItem) {
	t.Helper()
	ws := exampleWorkspace(ctx, t, "adopt-many", srv)
	items := map[string]emulator.SeededItem{}
	tokens := map[string]string{}
	for i := range n {
		label := fmt.Sprintf("item%03d", i)
		items[label] = srv.Seed(emulator.SeedOptions{})
		tokens[label] = items[label].AccessToken
	}
	setTokens(ws, tokens)
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return ws, items
}

// setTokens replaces TF_VAR_access_tokens in the workspace's environment.
func setTokens(ws *clirun.Workspace, tokens map[string]string) {
	raw, _ := json.Marshal(tokens)
	env := ws.Env[:0:0]
	for _, kv := range ws.Env {
		if !strings.HasPrefix(kv, "TF_VAR_access_tokens=") {
			env = append(env, kv)
		}
	}
	ws.Env = append(env, "TF_VAR_access_tokens="+string(raw))
}

func stateList(ctx context.Context, t *testing.T, ws *clirun.Workspace) []string {
	t.Helper()
	out, err := ws.Terraform(ctx, "state", "list")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Fields(out)
	sort.Strings(lines)
	return lines
}

// When some tokens are rejected for good (rotated), destroy fails naming
// exactly those Items, state keeps exactly those, every other Item is
// removed; after the user follows the guidance (state rm, import with the
// new token), a second destroy converges.
func TestCLI_partialFailureThenConverge(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, items := adoptMany(ctx, t, 40, srv)

	rotated := map[string]string{} // label -> new token
	for _, label := range []string{"item003", "item011", "item017", "item029", "item036"} {
		token, err := srv.Rotate(items[label].ItemID)
		if err != nil {
			t.Fatal(err)
		}
		rotated[label] = token
	}
	out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color")
	if err == nil {
		t.Fatalf("destroy succeeded with 5 rotated tokens:\n%s", out)
	}
	named := map[string]bool{}
	for _, m := range regexp.MustCompile(`Removing Item (\S+) with /item/remove failed`).FindAllStringSubmatch(out, -1) {
		named[m[1]] = true
	}
	var want []string
	for label := range rotated {
		want = append(want, fmt.Sprintf("plaid_item.adopted[%q]", label))
		if !named[items[label].ItemID] {
			t.Errorf("the failure does not name rotated Item %s (%s)", items[label].ItemID, label)
		}
	}
	if len(named) != len(rotated) {
		t.Errorf("the failure names %d Items, want exactly the %d rotated ones", len(named), len(rotated))
	}
	sort.Strings(want)
	if got := stateList(ctx, t, ws); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("state after the failed destroy:\n%v\nwant exactly:\n%v", got, want)
	}
	for label, it := range items {
		st := srv.Item(it.ItemID)
		_, isRotated := rotated[label]
		if isRotated == st.Removed || st.RemoveCount > 1 {
			t.Errorf("%s: %+v (rotated=%v)", label, st, isRotated)
		}
	}

	// The way out the diagnostic gives, command by command: find the
	// address by item_id, forget it, import the Item with its new token.
	for _, cmd := range []string{"terraform state list -id=", "terraform state rm '<address>'", "terraform import '<address>' env:VARIABLE"} {
		if !strings.Contains(out, cmd) {
			t.Errorf("the diagnostic does not show %q", cmd)
		}
	}
	for label, token := range rotated {
		listed, err := ws.Terraform(ctx, "state", "list", "-id="+items[label].ItemID)
		if err != nil {
			t.Fatalf("%v\n%s", err, listed)
		}
		addr := strings.TrimSpace(listed)
		if want := fmt.Sprintf("plaid_item.adopted[%q]", label); addr != want {
			t.Fatalf("terraform state list -id=%s printed %q, want %q", items[label].ItemID, addr, want)
		}
		if out, err := ws.Terraform(ctx, "state", "rm", addr); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		ws.Env = append(ws.Env, "NEW_TOKEN="+token)
		if out, err := ws.Terraform(ctx, "import", "-no-color", addr, "env:NEW_TOKEN"); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		ws.Env = ws.Env[:len(ws.Env)-1]
	}
	requireDestroyConverges(ctx, t, ws, "the first destroy")
	requireAllRemovedOnce(t, srv, len(items))
}

// SIGINT in the middle of a 200-Item destroy, then destroy again: it
// converges, nothing is lost, no Item is removed twice.
func TestCLI_interruptedDestroyConverges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, items := adoptMany(ctx, t, 200, srv)
	// Slow removes down so that the interrupt lands mid-destroy.
	srv.SetFaults(emulator.Faults{LatencyMS: 100, Paths: []string{"/item/remove"}})

	cmd, out := ws.Command(ctx, "destroy", "-auto-approve", "-no-color")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	removedSoFar := func() int {
		n := 0
		for _, it := range srv.Items() {
			if it.Removed {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(2 * time.Minute)
	for removedSoFar() < 30 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	atInterrupt := removedSoFar()
	if err == nil || atInterrupt >= len(items) {
		t.Fatalf("the interrupt did not land mid-destroy (err=%v, %d of %d removed):\n%s", err, atInterrupt, len(items), out)
	}
	left := stateList(ctx, t, ws)
	if len(left)+atInterrupt < len(items) {
		t.Errorf("lost track of Items: %d left in state + %d removed < %d", len(left), atInterrupt, len(items))
	}
	t.Logf("interrupted with %d of %d removed; %d left in state", atInterrupt, len(items), len(left))

	srv.SetFaults(emulator.Faults{})
	requireDestroyConverges(ctx, t, ws, "the interrupt")
	requireAllRemovedOnce(t, srv, len(items))
}

// An Item revoked by its owner while its token stays in the configuration:
// the plan says what will happen and what to change, naming the item_id;
// dropping that key, as it says, converges.
func TestCLI_revokedItemAdviceConverges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, items := adoptMany(ctx, t, 3, srv)
	if err := srv.Revoke(items["item001"].ItemID); err != nil {
		t.Fatal(err)
	}
	// The docs' way to see Items gone before a destroy, whose own refresh
	// warnings Terraform does not show.
	out, err := ws.Terraform(ctx, "plan", "-refresh-only", "-no-color")
	if err != nil || !strings.Contains(out, "Plaid Item No Longer Exists") || !strings.Contains(out, items["item001"].ItemID) {
		t.Errorf("terraform plan -refresh-only does not name the gone Item: %v\n%s", err, out)
	}
	// Nothing leaves state until a refresh-only plan is applied: the
	// warning must not say otherwise.
	if flat := strings.Join(strings.Fields(out), " "); strings.Contains(flat, "has been removed from state") || !strings.Contains(flat, "Terraform drops it from state when the plan is applied") {
		t.Errorf("the -refresh-only plan's warning does not say when the resource leaves state:\n%s", out)
	}
	out, err = ws.Terraform(ctx, "plan", "-no-color")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, want := range []string{"Plaid Item No Longer Exists", items["item001"].ItemID, "adopts the token again, and that apply fails", "its key in a for_each map"} {
		if !strings.Contains(strings.Join(strings.Fields(out), " "), want) {
			t.Errorf("the plan's warning does not say %q:\n%s", want, out)
		}
	}
	// Follow the advice: drop that key.
	setTokens(ws, map[string]string{"item000": items["item000"].AccessToken, "item002": items["item002"].AccessToken})
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("the apply after dropping the key failed: %v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after dropping the key is not empty: %v\n%s", err, out)
	}
	if got := stateList(ctx, t, ws); len(got) != 2 {
		t.Errorf("state holds %v, want the two live Items", got)
	}
}

// -replace of an adopted Item would remove it at Plaid and then fail to
// adopt the same token: the plan refuses it, naming the Item, and nothing is
// removed. A plan without -replace is unaffected.
func TestCLI_replaceOfAdoptedItemRefusedAtPlan(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, items := adoptMany(ctx, t, 2, srv)
	out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color", `-replace=plaid_item.adopted["item000"]`)
	if err == nil || !strings.Contains(out, "Replacing an Adopted Item Cannot Work") || !strings.Contains(out, items["item000"].ItemID) {
		t.Fatalf("-replace of an adopted Item was not refused at plan, naming it: %v\n%s", err, out)
	}
	for label, it := range items {
		if st := srv.Item(it.ItemID); st.Removed {
			t.Errorf("%s was removed: %+v", label, st)
		}
	}
	if out, err := ws.Terraform(ctx, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Errorf("a plan without -replace is not empty: %v\n%s", err, out)
	}
}
