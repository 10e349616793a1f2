package lifecycle

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// instance is one plaid_* resource instance in the state file.
type instance struct {
	address string
	itemID  string
	token   string
	// removalMethod is what destroy will use: "remove" or "terminate".
	removalMethod string
}

// readState lists the plaid_* instances of the state file at path: none
// when there is no file yet.
func readState(path string) (map[string]instance, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return map[string]instance{}, nil
	}
	if err != nil {
		return nil, err
	}
	var state struct {
		Resources []struct {
			Mode      string `json:"mode"`
			Type      string `json:"type"`
			Name      string `json:"name"`
			Instances []struct {
				IndexKey   any `json:"index_key"`
				Attributes struct {
					ItemID        string `json:"item_id"`
					AccessToken   string `json:"access_token"`
					RemovalMethod string `json:"removal_method"`
				} `json:"attributes"`
			} `json:"instances"`
		} `json:"resources"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		return nil, fmt.Errorf("reading the state file: %w", err)
	}
	out := map[string]instance{}
	for _, r := range state.Resources {
		if r.Mode != "managed" || !strings.HasPrefix(r.Type, "plaid_") {
			continue
		}
		for _, inst := range r.Instances {
			addr := r.Type + "." + r.Name
			if key, ok := inst.IndexKey.(string); ok {
				addr += fmt.Sprintf("[%q]", key)
			}
			out[addr] = instance{address: addr, itemID: inst.Attributes.ItemID, token: inst.Attributes.AccessToken, removalMethod: inst.Attributes.RemovalMethod}
		}
	}
	return out, nil
}

// earlierAttributes are what releases before 0.1.0 also wrote into the
// state of both Item resources (the details that have since moved to the
// plaid_item data source), at schema version 0, with the values they had.
// internal/e2e/upgrade_test.go proves the same upgrade on a fixed estate.
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

// writeEarlierState rewrites the state file at path as an earlier release
// wrote it: each plaid_* instance gains the attributes above (and
// plaid_item an institution_id) at schema version 0, one serial later. It
// reports how many instances it rewrote.
func writeEarlierState(path string) (int, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var state map[string]any
	if err := json.Unmarshal(raw, &state); err != nil {
		return 0, err
	}
	resources, _ := state["resources"].([]any)
	n := 0
	for _, r := range resources {
		res, _ := r.(map[string]any)
		typeName, _ := res["type"].(string)
		if res["mode"] != "managed" || !strings.HasPrefix(typeName, "plaid_") {
			continue
		}
		instances, _ := res["instances"].([]any)
		for _, i := range instances {
			inst, _ := i.(map[string]any)
			attrs, _ := inst["attributes"].(map[string]any)
			if attrs == nil {
				continue
			}
			for k, v := range earlierAttributes {
				attrs[k] = v
			}
			if typeName == "plaid_item" {
				attrs["institution_id"] = "ins_109508"
			}
			inst["schema_version"] = 0
			n++
		}
	}
	if n == 0 {
		return 0, nil
	}
	serial, _ := state["serial"].(float64)
	state["serial"] = serial + 1
	out, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return 0, err
	}
	return n, os.WriteFile(path, out, 0o600)
}
