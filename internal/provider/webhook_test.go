package provider

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// hookServer counts the webhooks each path of a loopback server receives.
type hookServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{hits: map[string]int{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.hits[r.URL.Path]++
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hits[path]
}

// The webhook of an adopted Item: read and left alone when not configured,
// then set, changed and cleared in place, each with one call.
func TestAccItem_webhookInPlace(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	hooks := newHookServer(t)
	original, changed := hooks.URL+"/original", hooks.URL+"/changed"
	item := e.Seed(emulator.SeedOptions{Webhook: original})
	tg.UseToken(t, item.AccessToken)
	webhookUpdates := func(want int) resource.TestCheckFunc {
		return func(*terraform.State) error {
			n := 0
			for _, c := range e.Calls() {
				if c.Path == "/item/webhook/update" {
					n++
				}
			}
			if n != want {
				return fmt.Errorf("%d calls to /item/webhook/update, want %d", n, want)
			}
			return nil
		}
	}
	atEmulator := func(want *string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			got := e.Item(item.ItemID).Webhook
			if (got == nil) != (want == nil) || (got != nil && *got != *want) {
				return fmt.Errorf("webhook at the emulator is %v, want %v", got, want)
			}
			return nil
		}
	}
	webhookIs := func(v string) []statecheck.StateCheck {
		return []statecheck.StateCheck{statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("webhook"), knownvalue.StringExact(v))}
	}
	inPlace := resource.ConfigPlanChecks{
		PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate)},
		PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{
				Config:            itemConfig(tg, tokenVar, ""),
				ConfigStateChecks: webhookIs(original),
				Check:             resource.ComposeTestCheckFunc(webhookUpdates(0), atEmulator(&original)),
			},
			{
				Config:            itemConfig(tg, tokenVar, fmt.Sprintf("  webhook = %q", changed)),
				ConfigPlanChecks:  inPlace,
				ConfigStateChecks: webhookIs(changed),
				Check: resource.ComposeTestCheckFunc(webhookUpdates(1), atEmulator(&changed), func(*terraform.State) error {
					e.WaitForWebhooks()
					if hooks.count("/changed") != 1 {
						return fmt.Errorf("the new URL got %d WEBHOOK_UPDATE_ACKNOWLEDGED webhooks, want 1", hooks.count("/changed"))
					}
					return nil
				}),
			},
			{
				Config:            itemConfig(tg, tokenVar, `  webhook = ""`),
				ConfigPlanChecks:  inPlace,
				ConfigStateChecks: webhookIs(""),
				Check:             resource.ComposeTestCheckFunc(webhookUpdates(2), atEmulator(nil)),
			},
			{
				// Leaving webhook out again changes nothing.
				Config:           itemConfig(tg, tokenVar, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            webhookUpdates(2),
			},
		},
	})
}
