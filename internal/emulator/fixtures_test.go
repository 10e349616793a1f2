package emulator_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

const fixtureToken = "access-sandbox-11111111-2222-4333-8444-555555555555"

const fixturesJSON = `{
  "institutions": [{"institution_id": "ins_fixture", "name": "Fixture Savings", "products": ["auth", "transactions"],
    "country_codes": ["US"], "routing_numbers": ["123456789"], "oauth": false, "url": "https://fixture.example"}],
  "items": [{"item_id": "FixtureItem1", "access_token": "` + fixtureToken + `", "institution_id": "ins_fixture",
    "products": ["auth"], "login_required": true}]
}`

// POST /emulator/reset returns the emulator to its start: its Items, call
// log, faults and deliveries as they were, whatever the test before did.
func TestReset_returnsToTheStart(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	keys := h.e.WebhookKeys()
	before := h.e.Seed(emulator.SeedOptions{})
	h.post("/item/get", `{"access_token":"`+before.AccessToken+`"}`)
	h.control("PUT", "/emulator/faults", `{"error_500_rate":1}`)

	if status, out := h.control("POST", "/emulator/reset", ""); status != 200 || !isListOf(out["items"], 0) {
		t.Fatalf("reset: %d %v", status, out)
	}
	if n := len(h.e.Items()); n != 0 {
		t.Errorf("%d Items after a reset with no fixtures", n)
	}
	if calls := h.e.Calls(); len(calls) != 0 {
		t.Errorf("call log after reset: %v", calls)
	}
	if f := h.e.Faults(); f.Error500Rate != 0 {
		t.Errorf("faults after reset: %+v", f)
	}
	if status, out := h.post("/item/get", `{"access_token":"`+before.AccessToken+`"}`); status != 400 || out["error_code"] != "INVALID_ACCESS_TOKEN" {
		t.Errorf("a token from before the reset: %d %v", status, out["error_code"])
	}
	if after := h.e.WebhookKeys(); len(after) != 1 || after[0].Kid != keys[0].Kid {
		t.Errorf("the webhook keys changed with a reset: %v, before %v", after, keys)
	}
}

// Fixtures seed Items under the ids and tokens they give, and institutions
// beside the sandbox's; every reset returns to them.
func TestFixtures_seedAndResetReturnsToThem(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	status, out := h.control("POST", "/emulator/fixtures", fixturesJSON)
	if status != 200 || !isListOf(out["items"], 1) {
		t.Fatalf("fixtures: %d %v", status, out)
	}
	_, got := h.post("/item/get", `{"access_token":"`+fixtureToken+`"}`)
	item, _ := got["item"].(map[string]any)
	itemErr, _ := item["error"].(map[string]any)
	if item["item_id"] != "FixtureItem1" || item["institution_name"] != "Fixture Savings" || itemErr["error_code"] != "ITEM_LOGIN_REQUIRED" {
		t.Errorf("the fixture Item: %v", item)
	}
	_, inst := h.post("/institutions/get_by_id", `{"institution_id":"ins_fixture","country_codes":["US"],"options":{"include_optional_metadata":true}}`)
	if i, _ := inst["institution"].(map[string]any); i["url"] != "https://fixture.example" || i["primary_color"] != nil {
		t.Errorf("the fixture institution: %v", inst)
	}
	if _, sandbox := h.post("/institutions/get_by_id", `{"institution_id":"ins_109508","country_codes":["US"]}`); sandbox["institution"] == nil {
		t.Error("the sandbox institutions are gone beside the fixture's")
	}

	if status, _ := h.post("/item/remove", `{"access_token":"`+fixtureToken+`"}`); status != 200 {
		t.Fatalf("remove: %d", status)
	}
	h.e.Seed(emulator.SeedOptions{})
	h.control("POST", "/emulator/reset", "")
	if st := h.e.Item("FixtureItem1"); !st.Exists || st.Removed || st.RemoveCount != 0 {
		t.Errorf("the fixture Item after a reset: %+v, want it live and untouched", st)
	}
	if n := len(h.e.Items()); n != 1 {
		t.Errorf("%d Items after a reset, want the fixture's one", n)
	}
}

// Fixtures are checked as the rest of the control API's input: a bad one
// answers 400 naming its field and changes nothing.
func TestFixtures_refusesBadInput(t *testing.T) {
	h := newHarness(t, emulator.Options{})
	live := h.e.Seed(emulator.SeedOptions{})
	item := func(fields string) string {
		return `{"items":[{"item_id":"A1","access_token":"` + fixtureToken + `"` + fields + `}]}`
	}
	for _, tc := range []struct{ body, field string }{
		{`{"items":[{"item_id":"a/b","access_token":"` + fixtureToken + `"}]}`, "items[0].item_id"},
		{`{"items":[{"item_id":"A1","access_token":"public-sandbox-x"}]}`, "items[0].access_token"},
		{`{"items":[{"item_id":"A1","access_token":"` + fixtureToken + `"},{"item_id":"A1","access_token":"access-sandbox-2"}]}`, "items[1].item_id"},
		{item(`,"institution_id":"ins_nowhere"`), "items[0].institution_id"},
		{item(`,"institution_id":"ins_109512","products":["investments"]`), "items[0].products"},
		{item(`,"webhook":"ftp://x"`), "items[0].webhook"},
		{`{"institutions":[{"institution_id":"ins_x","name":"X","products":["auth"],"country_codes":["ZZ"]}]}`, "institutions[0].country_codes"},
		{`{"institutions":[{"institution_id":"ins_x","products":["auth"],"country_codes":["US"]}]}`, "institutions[0].name"},
	} {
		status, out := h.control("POST", "/emulator/fixtures", tc.body)
		if status != 400 || out["field"] != tc.field {
			t.Errorf("%s: %d %v, want 400 naming %s", tc.body, status, out, tc.field)
		}
	}
	if status, out := h.control("POST", "/emulator/fixtures", `{"itemz":[]}`); status != 400 || !strings.Contains(fmt.Sprint(out["error"]), "itemz") {
		t.Errorf("an unknown field: %d %v", status, out)
	}
	if st := h.e.Item(live.ItemID); !st.Exists {
		t.Error("refused fixtures reset the emulator")
	}
}
