package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// upgradeConfig manages one adopted Item and one sandbox Item, and reads the
// adopted one's health the way the docs show (examples/resources/plaid_item/
// health.tf, appended at run time).
const upgradeConfig = `
terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "access_token" {
  type      = string
  sensitive = true
}

resource "plaid_item" "example" {
  access_token        = var.access_token
  removal_reason_code = "OTHER"
}

resource "plaid_sandbox_item" "fixture" {
  institution_id = "ins_109509"
}
`

// earlierAttributes are what earlier releases also wrote into the state of
// both Item resources, with the values they had (institution_id only on
// plaid_item here: the sandbox Item has its own, configured one).
var earlierAttributes = map[string]any{
	"institution_name":        "First Platypus Bank",
	"consent_expiration_time": nil,
	"update_type":             "background",
	"error_code":              nil,
	"products":                []string{"transactions"},
	"billed_products":         []string{"transactions"},
	"available_products":      []string{"balance"},
	"consented_products":      []string{"transactions"},
}

// earlierSchema is every attribute an earlier release (the one before the
// product sets moved, at schema version 0) wrote for each resource, and
// nothing more: a state file written then holds exactly these.
var earlierSchema = map[string][]string{
	"plaid_item": {"id", "item_id", "access_token", "webhook", "removal_method", "removal_reason_code", "removal_reason_note", "timeouts",
		"institution_id", "institution_name", "consent_expiration_time", "update_type", "error_code",
		"products", "billed_products", "available_products", "consented_products"},
	"plaid_sandbox_item": {"id", "item_id", "access_token", "webhook", "removal_method", "removal_reason_code", "removal_reason_note", "timeouts",
		"institution_id", "institution_name", "consent_expiration_time", "update_type", "error_code",
		"products", "billed_products", "available_products", "consented_products",
		"initial_products", "override_username", "override_password", "transactions_days_requested"},
}

// A user upgrading keeps the state earlier releases wrote, with the
// attributes that have since moved to the plaid_item data source: the real
// CLI loads it, the next plan has nothing to do (in particular the sandbox
// Item is not replaced: its institution_id stays), the apply after it
// writes state without those attributes, and destroy removes each Item
// exactly once. UpgradeResourceState alone (TestItemState_fromEarlierVersionsLoads)
// cannot show the plan is empty.
func TestCLI_stateFromEarlierVersionsPlansNoChanges(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	adopted := srv.Seed(emulator.SeedOptions{})
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	health, err := os.ReadFile(filepath.Join(root, "examples", "resources", "plaid_item", "health.tf"))
	if err != nil {
		t.Fatal(err)
	}
	ws := newWorkspace(ctx, t, srv, upgradeConfig+string(health))
	ws.Env = append(ws.Env, "TF_VAR_access_token="+adopted.AccessToken)
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}

	statePath := filepath.Join(ws.Dir, "terraform.tfstate")
	editState(t, statePath, 0, func(typeName string, attrs map[string]any) map[string]any {
		earlier := map[string]any{}
		for _, name := range earlierSchema[typeName] {
			earlier[name] = attrs[name]
			if v, ok := earlierAttributes[name]; ok {
				earlier[name] = v
			}
		}
		if typeName == "plaid_item" {
			earlier["institution_id"] = "ins_109508"
		}
		return earlier
	})

	out, err := ws.Terraform(ctx, "plan", "-no-color", "-detailed-exitcode")
	if err != nil {
		t.Fatalf("the first plan on state from an earlier release is not empty: %v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	editState(t, statePath, -1, func(typeName string, attrs map[string]any) map[string]any {
		for name := range earlierAttributes {
			_, has := attrs[name]
			// The health left the resources with the rest and came back.
			if want := name == "error_code" || name == "consent_expiration_time"; has != want {
				t.Errorf("%s: %s in state after an apply is %v, want %v", typeName, name, has, want)
			}
		}
		_, has := attrs["institution_id"]
		if want := typeName == "plaid_sandbox_item"; has != want {
			t.Errorf("%s: institution_id in state is %v, want %v", typeName, has, want)
		}
		return nil
	})
	if out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	requireAllRemovedOnce(t, srv, 2)
}

// editState hands each managed plaid_* instance's attributes to edit. When
// edit returns attributes for an instance, they replace its own, its
// schema_version becomes schemaVersion unless that is negative, and the
// state is written back one serial later; when every call returns nil, the
// file is only read.
func editState(t *testing.T, path string, schemaVersion int, edit func(typeName string, attrs map[string]any) map[string]any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var state map[string]json.RawMessage
	var resources []map[string]json.RawMessage
	var serial int64
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(json.Unmarshal(state["resources"], &resources), json.Unmarshal(state["serial"], &serial)); err != nil {
		t.Fatal(err)
	}
	seen, changed := 0, false
	for _, res := range resources {
		var mode, typeName string
		var instances []map[string]json.RawMessage
		if err := errors.Join(json.Unmarshal(res["mode"], &mode), json.Unmarshal(res["type"], &typeName), json.Unmarshal(res["instances"], &instances)); err != nil {
			t.Fatal(err)
		}
		if mode != "managed" || !strings.HasPrefix(typeName, "plaid_") {
			continue
		}
		for _, inst := range instances {
			var attrs map[string]any
			if err := json.Unmarshal(inst["attributes"], &attrs); err != nil {
				t.Fatal(err)
			}
			seen++
			edited := edit(typeName, attrs)
			if edited == nil {
				continue
			}
			changed = true
			inst["attributes"] = mustJSON(t, edited)
			if schemaVersion >= 0 {
				inst["schema_version"] = mustJSON(t, schemaVersion)
			}
		}
		res["instances"] = mustJSON(t, instances)
	}
	if seen != 2 {
		t.Fatalf("found %d plaid_* instances in state, want 2", seen)
	}
	if !changed {
		return
	}
	state["resources"] = mustJSON(t, resources)
	state["serial"] = mustJSON(t, serial+1)
	out, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func mustJSON(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
