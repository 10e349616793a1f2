package emulator_test

import (
	"fmt"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// Across /institutions/get, /search and /get_by_id, the optional metadata
// (url, primary_color, logo) is absent unless
// options.include_optional_metadata asks for it, and then carries values.
func TestInstitutions_optionalMetadataOnlyWhenAsked(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	optional := []string{"url", "primary_color", "logo"}
	for _, tc := range []struct{ path, body, list string }{
		{"/institutions/get_by_id", `{"institution_id":"ins_109508","country_codes":["US"]%s}`, ""},
		{"/institutions/get", `{"count":10,"offset":0,"country_codes":["US"]%s}`, "institutions"},
		{"/institutions/search", `{"query":"platypus","country_codes":["US"]%s}`, "institutions"},
	} {
		for _, asked := range []bool{false, true} {
			options := ""
			if asked {
				options = `,"options":{"include_optional_metadata":true}`
			}
			status, out := h.post(tc.path, fmt.Sprintf(tc.body, options))
			if status != 200 {
				t.Fatalf("%s: %d %v", tc.path, status, out)
			}
			var insts []any
			if tc.list == "" {
				insts = []any{out["institution"]}
			} else {
				insts, _ = out[tc.list].([]any)
			}
			if len(insts) == 0 {
				t.Fatalf("%s answered no institution: %v", tc.path, out)
			}
			for _, v := range insts {
				inst, _ := v.(map[string]any)
				for _, field := range optional {
					value, present := inst[field]
					if !asked && present {
						t.Errorf("%s without include_optional_metadata: %s is present (%v), want absent", tc.path, field, value)
					}
					if s, _ := value.(string); asked && s == "" {
						t.Errorf("%s with include_optional_metadata: %s = %v, want a value", tc.path, field, value)
					}
				}
			}
		}
	}
}

func TestInstitutionsGet_pagesAndFilters(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	ids := func(out map[string]any) []string {
		list, _ := out["institutions"].([]any)
		var ids []string
		for _, v := range list {
			inst, _ := v.(map[string]any)
			id, _ := inst["institution_id"].(string)
			ids = append(ids, id)
		}
		return ids
	}
	_, all := h.post("/institutions/get", `{"count":500,"offset":0,"country_codes":["US"]}`)
	if n := len(ids(all)); n != 6 || all["total"] != 6.0 {
		t.Errorf("every US institution: %d listed, total %v; want 6 and 6", n, all["total"])
	}
	_, page := h.post("/institutions/get", `{"count":2,"offset":1,"country_codes":["US"]}`)
	if got := ids(page); len(got) != 2 || got[0] != ids(all)[1] || got[1] != ids(all)[2] || page["total"] != 6.0 {
		t.Errorf("count 2 from offset 1: %v (total %v), want %v", got, page["total"], ids(all)[1:3])
	}
	if _, past := h.post("/institutions/get", `{"count":5,"offset":50,"country_codes":["US"]}`); len(ids(past)) != 0 || past["total"] != 6.0 {
		t.Errorf("past the end: %v", past)
	}
	if _, gb := h.post("/institutions/get", `{"count":5,"offset":0,"country_codes":["GB"]}`); len(ids(gb)) != 1 || ids(gb)[0] != "ins_117650" {
		t.Errorf("GB: %v", ids(gb))
	}
	if _, oauth := h.post("/institutions/get", `{"count":5,"offset":0,"country_codes":["US"],"options":{"oauth":true,"products":["investments"]}}`); len(ids(oauth)) != 1 || ids(oauth)[0] != "ins_127287" {
		t.Errorf("US OAuth with investments: %v", ids(oauth))
	}
	if _, routed := h.post("/institutions/get", `{"count":5,"offset":0,"country_codes":["US"],"options":{"routing_numbers":["011000138"]}}`); len(ids(routed)) != 1 || ids(routed)[0] != "ins_109512" {
		t.Errorf("by routing number: %v", ids(routed))
	}
	for _, tc := range []struct{ body, code string }{
		{`{"count":0,"offset":0,"country_codes":["US"]}`, "INVALID_FIELD"},
		{`{"count":501,"offset":0,"country_codes":["US"]}`, "INVALID_FIELD"},
		{`{"count":1,"offset":-1,"country_codes":["US"]}`, "INVALID_FIELD"},
		{`{"count":1,"offset":0,"country_codes":[]}`, "INVALID_FIELD"},
		{`{"count":1,"country_codes":["US"]}`, "MISSING_FIELDS"},
		{`{"count":1,"offset":0,"country_codes":["US"],"options":{"colour":true}}`, "UNKNOWN_FIELDS"},
	} {
		if status, out := h.post("/institutions/get", tc.body); status != 400 || out["error_code"] != tc.code {
			t.Errorf("%s: %d %v, want 400 %s", tc.body, status, out["error_code"], tc.code)
		}
	}
}

func TestInstitutionsSearch_matchesNamesAndFilters(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	names := func(body string) []string {
		t.Helper()
		status, out := h.post("/institutions/search", body)
		if status != 200 {
			t.Fatalf("%s: %d %v", body, status, out)
		}
		list, _ := out["institutions"].([]any)
		var names []string
		for _, v := range list {
			inst, _ := v.(map[string]any)
			name, _ := inst["name"].(string)
			names = append(names, name)
		}
		return names
	}
	if got := names(`{"query":"PLATYPUS","country_codes":["US"]}`); len(got) != 2 {
		t.Errorf("platypus: %v, want First Platypus Bank and Platypus OAuth Bank", got)
	}
	if got := names(`{"query":"platypus bank","country_codes":["US"],"options":{"oauth":false}}`); len(got) != 1 || got[0] != "First Platypus Bank" {
		t.Errorf("non-OAuth platypus bank: %v", got)
	}
	if got := names(`{"query":"bank","country_codes":["US"],"products":["investments"]}`); len(got) != 3 {
		t.Errorf("US banks with investments: %v", got)
	}
	if got := names(`{"query":"plaid","country_codes":["GB"]}`); len(got) != 1 || got[0] != "Royal Bank of Plaid" {
		t.Errorf("GB plaid: %v", got)
	}
	if got := names(`{"query":"nowhere","country_codes":["US"]}`); len(got) != 0 {
		t.Errorf("no match: %v", got)
	}
	for _, tc := range []struct{ body, code string }{
		{`{"query":"","country_codes":["US"]}`, "INVALID_FIELD"},
		{`{"query":"bank","country_codes":["XX"]}`, "INVALID_FIELD"},
		{`{"query":"bank","products":[],"country_codes":["US"]}`, "INVALID_FIELD"},
		{`{"query":"bank"}`, "MISSING_FIELDS"},
	} {
		if status, out := h.post("/institutions/search", tc.body); status != 400 || out["error_code"] != tc.code {
			t.Errorf("%s: %d %v, want 400 %s", tc.body, status, out["error_code"], tc.code)
		}
	}
}
