package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Updates in place, which item_lifecycle.go makes for both Item resources:
// a rotated access token, and the webhook.

// A rotated token put in the configuration updates the resource in place:
// the plan checks it with /item/get, nothing is removed, and the destroy
// that follows removes the Item with its new token. A token of another
// Item plans a replacement, which removes the old Item with its new token.
func TestAccItem_rotatedTokenUpdatesInPlace(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	config := itemConfig(tg, tokenVar, "")
	var rotated string
	other := e.Seed(emulator.SeedOptions{})

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() {
					var err error
					if rotated, err = e.Rotate(item.ItemID); err != nil {
						t.Fatal(err)
					}
					tg.UseToken(t, rotated)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("item_id"), knownvalue.StringExact(item.ItemID)),
				},
			},
			{
				PreConfig: func() {
					if st := e.Item(item.ItemID); st.Removed {
						t.Fatalf("the in-place token change removed the Item: %+v", st)
					}
					tg.UseToken(t, other.AccessToken)
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("plaid_item.test", plancheck.ResourceActionDestroyBeforeCreate)},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("item_id"), knownvalue.StringExact(other.ItemID)),
				},
			},
		},
	})
	if st := e.Item(item.ItemID); !st.Removed || st.RemoveCount != 1 {
		t.Errorf("the replacement should have removed the Item once, with its new token: %+v", st)
	}
}

// A token known only at apply is checked there: one of another Item is
// refused, and nothing is removed. (The check in ModifyPlan turns the
// apply-time plan into a replacement, which Terraform itself refuses as
// inconsistent with the plan the user approved; Update's own check,
// checkSameItem, is the guard behind it.)
func TestAccItem_applyRefusesTokenOfAnotherItem(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	other := e.Seed(emulator.SeedOptions{})
	// The token joined to an empty piece of an id that terraform_data gets
	// anew on every apply: unknown until apply. The token itself never
	// passes through terraform_data, whose values Terraform logs.
	unknownAtPlan := func(token string) string {
		return tg.ProviderConfig() + `
resource "terraform_data" "later" {
  triggers_replace = [timestamp()]
}

resource "plaid_item" "test" {
  access_token = "${` + token + `}${substr(terraform_data.later.id, 0, 0)}"
}
`
	}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: itemConfig(tg, tokenVar, "")},
			{
				PreConfig:   func() { tg.UseToken(t, other.AccessToken) },
				Config:      unknownAtPlan(tokenVar),
				ExpectError: regexp.MustCompile(`(?s)inconsistent final plan|Access Token of Another Item`),
			},
			{
				// Cleanup: the resource's own token removes its Item.
				PreConfig: func() { tg.UseToken(t, item.AccessToken) },
				Config:    itemConfig(tg, tokenVar, ""),
			},
		},
	})
	if st := e.Item(other.ItemID); st.Removed {
		t.Errorf("the other Item was removed: %+v", st)
	}
	if st := e.Item(item.ItemID); st.RemoveCount != 1 {
		t.Errorf("the managed Item should be removed once, at the end: %+v", st)
	}
}

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

// A new token that answers ITEM_NOT_FOUND gets advice that follows from
// the token in state, for every answer that token can get. The advice for
// a gone Item ("remove the token from the configuration") plans a destroy
// through the token in state, so it is given only when that token finds
// the Item gone too: after a rejection it leads to a destroy that always
// fails, and after a success or no answer at all it could remove a live
// Item.
func TestNewTokenRefused_adviceFollowsTheTokenInState(t *testing.T) {
	const (
		newToken   = "access-sandbox-0e1d2c3b-1111-4222-8333-aaaabbbbcccc"
		oldToken   = "access-sandbox-9f8e7d6c-1111-4222-8333-ddddeeeeffff"
		itemID     = "ItemInState1"
		goneAdvice = "There is nothing to manage: remove the token from the configuration"
	)
	errorAnswer := func(w http.ResponseWriter, status int, errType, code string) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(plaidErrorBody(errType, code)))
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	for name, tc := range map[string]struct {
		old     func(w http.ResponseWriter, r *http.Request)
		summary string
		want    []string
		goneToo bool // the only case that may give the gone advice
	}{
		"gone under the old token too": {
			old: func(w http.ResponseWriter, _ *http.Request) {
				errorAnswer(w, 400, "ITEM_ERROR", plaid.CodeItemNotFound)
			},
			summary: "Plaid Item Already Removed",
			goneToo: true,
		},
		"old token rejected (rotated out)": {
			old: func(w http.ResponseWriter, _ *http.Request) {
				errorAnswer(w, 400, "INVALID_INPUT", plaid.CodeInvalidAccessToken)
			},
			summary: "Plaid Item Removed After Its Token Was Rotated",
			want:    []string{"terraform state list -id=" + itemID, "terraform state rm '<address>'", "Removing only the token", "another client_id", "fix the provider's environment, client_id or secret first"},
		},
		"old token reaches the Item": {
			old: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"item":{"item_id":"` + itemID + `"},"request_id":"r1"}`))
			},
			summary: "New Access Token's Item Already Removed",
			want:    []string{"still reaches Item " + itemID + ", which lives on", "Put that token back"},
		},
		"old token reaches another Item": {
			old: func(w http.ResponseWriter, _ *http.Request) {
				_, _ = w.Write([]byte(`{"item":{"item_id":"ItemElsewhere2"},"request_id":"r1"}`))
			},
			summary: "New Access Token's Item Already Removed",
			want:    []string{"Plaid calls it ItemElsewhere2, where state says " + itemID, "removes that Item at Plaid"},
		},
		"old token unanswered (500 after retries)": {
			old: func(w http.ResponseWriter, _ *http.Request) {
				errorAnswer(w, 500, "API_ERROR", "INTERNAL_SERVER_ERROR")
			},
			summary: "Could Not Check the New Access Token",
			want:    []string{"could not be checked", "INTERNAL_SERVER_ERROR", "Plan again once Plaid answers", "keep both the resource and this token"},
		},
		"old token rate limited": {
			old:     func(w http.ResponseWriter, _ *http.Request) { errorAnswer(w, 429, "RATE_LIMIT_EXCEEDED", "RATE_LIMIT") },
			summary: "Could Not Check the New Access Token",
			want:    []string{"could not be checked", "Plan again once Plaid answers"},
		},
		"interrupted while checking the old token": {
			old: func(w http.ResponseWriter, r *http.Request) {
				cancel()
				select {
				case <-r.Context().Done():
				case <-time.After(10 * time.Second):
				}
			},
			summary: "Interrupted: Checking the token in state of Item " + itemID,
		},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				var body struct {
					AccessToken string `json:"access_token"`
				}
				_ = json.NewDecoder(r.Body).Decode(&body)
				switch body.AccessToken {
				case newToken:
					errorAnswer(w, 400, "ITEM_ERROR", plaid.CodeItemNotFound)
				case oldToken:
					tc.old(w, r)
				default:
					t.Errorf("request to %s with an unexpected token", r.URL.Path)
					w.WriteHeader(500)
				}
			}))
			defer srv.Close()
			data := stubProviderData(t, srv.URL, stubSecret, 1)
			client := data.client
			callCtx := context.Background()
			if strings.HasPrefix(tc.summary, "Interrupted") {
				callCtx = ctx
			}
			_, newErr := client.GetItem(context.Background(), newToken)
			if !plaid.IsItemNotFound(newErr) {
				t.Fatalf("the stub's new token should answer ITEM_NOT_FOUND: %v", newErr)
			}
			diags := newTokenRefused(callCtx, data, itemID, oldToken, newErr)
			text := diagText(diags)
			if len(diags) != 1 || !diags.HasError() || !strings.HasPrefix(diags[0].Summary(), tc.summary) {
				t.Fatalf("want one error %q, got:\n%s", tc.summary, text)
			}
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("the advice does not say %q:\n%s", w, text)
				}
			}
			if strings.Contains(text, goneAdvice) != tc.goneToo {
				t.Errorf("the advice for a gone Item given: %v, want %v:\n%s", !tc.goneToo, tc.goneToo, text)
			}
			for _, secret := range []string{newToken, oldToken, stubSecret} {
				if strings.Contains(text, secret) {
					t.Errorf("the diagnostic holds a token or the secret:\n%s", text)
				}
			}
		})
	}
}
