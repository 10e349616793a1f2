package e2e_test

import (
	"context"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// planJSON is the part of `terraform show -json` of a plan this test reads.
type planJSON struct {
	ResourceChanges []struct {
		Address string `json:"address"`
		Change  struct {
			Actions []string       `json:"actions"`
			After   map[string]any `json:"after"`
		} `json:"change"`
	} `json:"resource_changes"`
	OutputChanges map[string]struct {
		After        any `json:"after"`
		AfterUnknown any `json:"after_unknown"`
	} `json:"output_changes"`
	Checks []struct {
		Instances []struct {
			Address struct {
				Module string `json:"module"`
			} `json:"address"`
			Status   string `json:"status"`
			Problems []struct {
				Message string `json:"message"`
			} `json:"problems"`
		} `json:"instances"`
	} `json:"checks"`
}

// Three adopted Items with examples/adopt-many and its health.tf, as the
// docs show them. One is revoked by its owner and another needs login:
// one plan shows both, and fails on neither. The revoked Item leaves state
// with a warning naming it (its token is still configured, so the plan
// adopts it again, its health known only after apply), the one needing
// login shows ITEM_LOGIN_REQUIRED, known at plan time in the resource, the
// output and its check, which names it by label in that same plan; the
// healthy one null, its check quiet. That plan reads each Item once, with
// its refresh; `plan -refresh=false` makes no request at all. Once the
// revoked token is dropped, as its warning says, the apply names the Item
// needing login again.
func TestCLI_healthOfEveryItemInOnePlan(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws := exampleWorkspace(ctx, t, "adopt-many", srv)
	items := map[string]emulator.SeededItem{}
	tokens := map[string]string{}
	for _, label := range []string{"healthy", "login", "revoked"} {
		items[label] = srv.Seed(emulator.SeedOptions{})
		tokens[label] = items[label].AccessToken
	}
	setTokens(ws, tokens)
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil || strings.Contains(out, "needing attention") {
		t.Fatalf("adopting three healthy Items: %v\n%s", err, out)
	}

	if err := srv.Revoke(items["revoked"].ItemID); err != nil {
		t.Fatal(err)
	}
	if err := srv.ResetLogin(items["login"].ItemID); err != nil {
		t.Fatal(err)
	}
	calls := len(srv.Calls())
	if out, err := ws.Terraform(ctx, "plan", "-refresh=false", "-detailed-exitcode", "-no-color"); err != nil {
		t.Errorf("plan -refresh=false: %v\n%s", err, out)
	}
	if n := len(srv.Calls()) - calls; n != 0 {
		t.Errorf("plan -refresh=false made %d requests, want none", n)
	}

	out, err := ws.Terraform(ctx, "plan", "-no-color", "-out=health.tfplan")
	if err != nil {
		t.Fatalf("the plan failed: %v\n%s", err, out)
	}
	if !strings.Contains(out, items["revoked"].ItemID) || !strings.Contains(out, "ITEM_LOGIN_REQUIRED") {
		t.Errorf("the plan should warn of the revoked Item %s and show ITEM_LOGIN_REQUIRED:\n%s", items["revoked"].ItemID, out)
	}
	// The check of the Item needing login fails in this plan, by label,
	// though the revoked Item's health is unknown until the apply: each
	// Item has a check of its own (examples/adopt-many/item-health). The
	// revoked Item's check waits for the apply, and Terraform's warning
	// names it; the healthy Item's passes.
	if !strings.Contains(out, "Plaid Item needing attention: login (ITEM_LOGIN_REQUIRED).") {
		t.Errorf("the plan that still configures the revoked token should warn of the Item needing login, by label:\n%s", out)
	}
	if n := strings.Count(out, "Plaid Item needing attention:"); n != 1 {
		t.Errorf("the plan names %d Items needing attention, want 1 (login):\n%s", n, out)
	}
	if !regexp.MustCompile(`(?s)Check block assertion known after apply.*?var\.label is "revoked"`).MatchString(out) {
		t.Errorf("the plan should say the revoked Item's check is known after apply, naming it:\n%s", out)
	}
	gets := map[string]int{}
	for _, c := range srv.Calls()[calls:] {
		if c.Path != plaid.PathItemGet {
			t.Errorf("the plan called %s", c.Path)
		}
		gets[c.ItemID]++
	}
	for label, it := range items {
		if gets[it.ItemID] != 1 {
			t.Errorf("the plan read Item %q %d times, want once (its refresh)", label, gets[it.ItemID])
		}
	}

	shown, err := ws.Terraform(ctx, "show", "-json", "health.tfplan")
	if err != nil {
		t.Fatalf("%v\n%s", err, shown)
	}
	var plan planJSON
	if err := json.Unmarshal([]byte(shown[strings.Index(shown, "{"):strings.LastIndex(shown, "}")+1]), &plan); err != nil {
		t.Fatalf("terraform show -json: %v\n%s", err, shown)
	}
	want := map[string]struct {
		action    string
		errorCode any
	}{
		`plaid_item.adopted["healthy"]`: {"no-op", nil},
		`plaid_item.adopted["login"]`:   {"no-op", "ITEM_LOGIN_REQUIRED"},
		`plaid_item.adopted["revoked"]`: {"create", nil},
	}
	for _, rc := range plan.ResourceChanges {
		w, ok := want[rc.Address]
		if !ok {
			continue
		}
		delete(want, rc.Address)
		if !reflect.DeepEqual(rc.Change.Actions, []string{w.action}) {
			t.Errorf("%s: actions %v, want [%s]", rc.Address, rc.Change.Actions, w.action)
		}
		if w.action == "no-op" && rc.Change.After["error_code"] != w.errorCode {
			t.Errorf("%s: error_code %v in the plan, want %v", rc.Address, rc.Change.After["error_code"], w.errorCode)
		}
	}
	for address := range want {
		t.Errorf("%s is not in the plan", address)
	}
	// Each Item's check, as the plan records it: the one needing login
	// failed with its message, the revoked one waits for the apply.
	checks := map[string]string{}
	for _, c := range plan.Checks {
		for _, in := range c.Instances {
			checks[in.Address.Module] = in.Status
			for _, p := range in.Problems {
				checks[in.Address.Module] += ": " + p.Message
			}
		}
	}
	wantChecks := map[string]string{
		`module.plaid_item_health["healthy"]`: "pass",
		`module.plaid_item_health["login"]`:   "fail: Plaid Item needing attention: login (ITEM_LOGIN_REQUIRED).",
		`module.plaid_item_health["revoked"]`: "unknown",
	}
	if !reflect.DeepEqual(checks, wantChecks) {
		t.Errorf("the plan's checks: %v, want %v", checks, wantChecks)
	}
	errs, _ := plan.OutputChanges["plaid_item_errors"].After.(map[string]any)
	if v, ok := errs["login"]; !ok || v != "ITEM_LOGIN_REQUIRED" {
		t.Errorf("output plaid_item_errors in the plan: %v, want login known as ITEM_LOGIN_REQUIRED", errs)
	}
	if v, ok := errs["healthy"]; !ok || v != nil {
		t.Errorf("output plaid_item_errors in the plan: %v, want healthy known as null", errs)
	}

	delete(tokens, "revoked")
	setTokens(ws, tokens)
	out, err = ws.Terraform(ctx, "apply", "-auto-approve", "-no-color")
	if err != nil || !strings.Contains(out, "Plaid Item needing attention: login (ITEM_LOGIN_REQUIRED).") || strings.Contains(out, "known after apply") {
		t.Errorf("the apply without the revoked token should warn of the Item needing login, by label, and no check should wait: %v\n%s", err, out)
	}
	out, err = ws.Terraform(ctx, "output", "-json", "plaid_item_errors")
	if err != nil || strings.Join(strings.Fields(out), "") != `{"healthy":null,"login":"ITEM_LOGIN_REQUIRED"}` {
		t.Errorf("output plaid_item_errors: %v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for label, it := range items {
		want := 1
		if label == "revoked" {
			want = 0 // gone before the destroy: nothing to remove
		}
		if st := srv.Item(it.ItemID); !st.Removed || st.RemoveCount != want {
			t.Errorf("Item %q after destroy: %+v, want removed with %d requests", label, st, want)
		}
	}
}
