package provider

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// fleet is many seeded Items adopted by one configuration, plus bystanders
// that are not in it and must never be touched.
type fleet struct {
	items      []emulator.SeededItem
	bystanders []emulator.SeededItem
}

func seedFleet(e *emulator.Emulator, n, bystanders int) fleet {
	var f fleet
	for range n {
		f.items = append(f.items, e.Seed(emulator.SeedOptions{}))
	}
	for range bystanders {
		f.bystanders = append(f.bystanders, e.Seed(emulator.SeedOptions{}))
	}
	return f
}

// config adopts the fleet with for_each over a sensitive map variable, as
// users do; the tokens arrive through TF_VAR_fleet_tokens.
func (f fleet) config(t *testing.T, tg *acctest.Target, providerExtra ...string) string {
	tokens := map[string]string{}
	for i, it := range f.items {
		tokens[fmt.Sprintf("item%03d", i)] = it.AccessToken
	}
	raw, _ := json.Marshal(tokens)
	t.Setenv("TF_VAR_fleet_tokens", string(raw))
	return tg.ProviderConfig(providerExtra...) + `
variable "fleet_tokens" {
  type      = map(string)
  sensitive = true
}

resource "plaid_item" "fleet" {
  for_each            = toset(nonsensitive(keys(var.fleet_tokens)))
  access_token        = var.fleet_tokens[each.key]
  removal_reason_code = "OTHER"
}
`
}

// checkFleetRemoved: every Item of the fleet removed exactly once, state
// empty, and no call ever named a bystander.
func (f fleet) checkFleetRemoved(e *emulator.Emulator) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		if n := len(s.RootModule().Resources); n != 0 {
			return fmt.Errorf("%d resources left in state after destroy", n)
		}
		var problems []string
		for _, it := range f.items {
			// One removal request per Item, plus one retry per answer
			// a lost_response fault swallowed.
			if st := e.Item(it.ItemID); !st.RemovedOnce() {
				problems = append(problems, fmt.Sprintf("%s removed=%v requests=%d lost answers=%d", it.ItemID, st.Removed, st.RemoveCount, st.RemoveAnswersLost))
			}
		}
		touched := map[string]bool{}
		for _, c := range e.Calls() {
			touched[c.ItemID] = true
		}
		for _, it := range f.bystanders {
			if st := e.Item(it.ItemID); st.Removed || touched[it.ItemID] {
				problems = append(problems, "bystander "+it.ItemID+" was touched")
			}
		}
		if len(problems) > 0 {
			sort.Strings(problems)
			return fmt.Errorf("%d problems, first: %s", len(problems), strings.Join(problems[:min(5, len(problems))], "; "))
		}
		return nil
	}
}

// faultSummary counts what the emulator injected and answered, for the log.
func faultSummary(e *emulator.Emulator) string {
	counts := map[string]int{}
	for _, c := range e.Calls() {
		switch {
		case c.Fault != "":
			counts[c.Fault]++
		case c.Status != 200:
			counts[fmt.Sprintf("%d %s", c.Status, c.ErrorCode)]++
		default:
			counts["200 "+c.Path]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s: %d", k, counts[k]))
	}
	return strings.Join(parts, ", ")
}

// 200 Items adopted and destroyed under each kind of trouble a big teardown
// meets. Each must end with every Item removed exactly once, state empty,
// and nothing outside the configuration touched. Bounded: 200 Items, and
// each scenario's faults end by themselves or are drawn per call.
func TestAccItem_teardownFaultMatrix(t *testing.T) {
	const n = 200
	for _, sc := range []struct {
		name string
		// opts configure the emulator; faults are set before adoption,
		// destroyFaults (when set) just before the destroy.
		opts          emulator.Options
		faults        emulator.Faults
		destroyFaults *emulator.Faults
		provider      []string
	}{
		{name: "10% internal server errors", faults: emulator.Faults{Error500Rate: 0.10, Seed: 1}},
		{
			name: "rate limited to about half the offered load",
			// The provider offers 40 requests a second per endpoint; the
			// emulator admits 20.
			opts:     emulator.Options{RateLimitWindow: time.Second, RateLimits: map[string]emulator.RateLimit{"/item/get": {PerClient: 20}, "/item/remove": {PerClient: 20}}},
			provider: []string{"requests_per_minute = 2400"},
		},
		{name: "5% dropped connections", faults: emulator.Faults{DropRate: 0.05, Seed: 2}},
		{name: "5% lost responses", faults: emulator.Faults{LostResponseRate: 0.05, Seed: 3}},
		{name: "planned maintenance during the destroy", destroyFaults: &emulator.Faults{MaintenanceSeconds: 3}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			tg := acctest.NewTarget(t, sc.opts)
			e := tg.RequireEmulator(t)
			f := seedFleet(e, n, 10)
			e.SetFaults(sc.faults)
			providerExtra := append([]string{"max_retries = 15"}, sc.provider...)
			config := f.config(t, tg, providerExtra...)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				CheckDestroy:             f.checkFleetRemoved(e),
				Steps: []resource.TestStep{
					{Config: config},
					{
						PreConfig: func() {
							if sc.destroyFaults != nil {
								e.SetFaults(*sc.destroyFaults)
							}
						},
						Config:  config,
						Destroy: true,
					},
				},
			})
			t.Logf("%s: %s", sc.name, faultSummary(e))
		})
	}
}
