package provider

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// What Plaid sends that Terraform stores is stored as sent (issue 19): a
// webhook whose path merely begins like a token (user-production-…) once
// came back from the redactor rewritten, the apply failed with "Provider
// produced inconsistent result", Terraform tainted the resource, and the
// next apply removed the Item at Plaid.

const tokenLikeWebhook = "https://hooks.example.com/plaid/user-production-events-v2"

func TestAccItem_webhookThatLooksLikeATokenPrefixIsStoredAsIs(t *testing.T) {
	tg := acctest.NewTarget(t)
	e := tg.RequireEmulator(t)
	item := tg.NewItem(t)
	config := itemConfig(tg, tokenVar, fmt.Sprintf("  webhook = %q", tokenLikeWebhook))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("plaid_item.test", tfjsonpath.New("webhook"), knownvalue.StringExact(tokenLikeWebhook)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			// A second apply is where the tainted resource was replaced.
			{
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check: func(*terraform.State) error {
					if st := e.Item(item.ItemID); st.RemoveCount != 0 || st.Webhook == nil || *st.Webhook != tokenLikeWebhook {
						return fmt.Errorf("the Item was removed or its webhook changed: %+v", st)
					}
					return nil
				},
			},
		},
	})
}

func TestAccSandboxItem_webhookThatLooksLikeATokenPrefixIsStoredAsIs(t *testing.T) {
	tg := acctest.NewTarget(t)
	tg.RequireEmulator(t)
	const webhook = "https://hooks.example.com/enduser-sandbox-hooks"
	config := tg.ProviderConfig() + fmt.Sprintf(`
resource "plaid_sandbox_item" "test" {
  webhook = %q
}
`, webhook)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_sandbox_item"),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("plaid_sandbox_item.test", tfjsonpath.New("webhook"), knownvalue.StringExact(webhook)),
				},
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A server whose /item/get answer carries the token in the Item's webhook
// (percent-encoded, so that no literal check would see it) gets the
// adoption refused: the error names the field and not the value, nothing
// is stored, and nothing is removed.
func TestAccHostile_webhookHoldingTheTokenIsRefusedNotStored(t *testing.T) {
	tg, h, itemID, token := newHostileTarget(t)
	h.On("/item/get", func(w http.ResponseWriter, _ *http.Request, in acctest.Received, _ http.Handler) {
		body, _ := json.Marshal(map[string]any{
			"item":       map[string]any{"item_id": itemID, "webhook": "https://hooks.example.com/" + leakcheck.PercentEncodeAll(in.AccessToken), "institution_id": "ins_109508", "products": []string{"transactions"}},
			"request_id": "hostile1",
		})
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(body)
	})
	literals := []leakcheck.Literal{{What: "the client secret", Value: tg.Secret}, {What: "the access token", Value: token}}
	failure := &expectedFailure{t: t, want: regexp.MustCompile(`(?s)item\.webhook.*carries\s+a\s+token\s+or\s+the\s+secret`), literals: literals}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		ErrorCheck:               failure.check,
		Steps: []resource.TestStep{{
			Config: hostileItemConfig(tg, h, 0),
			Check: func(s *terraform.State) error {
				if _, ok := s.RootModule().Resources["plaid_item.test"]; ok {
					return fmt.Errorf("the refused Item was stored")
				}
				return nil
			},
		}},
	})
	failure.requireSeen()
	if n := h.Received("/item/remove"); n != 0 {
		t.Errorf("/item/remove was sent %d times", n)
	}
}

// What configuration can tell fails at plan, on the attribute, before any
// request: a base_url whose bare ? or # would send every request to /, a
// webhook with a password, the secret or a token in it, and a removal note
// holding the secret or a token (which Terraform would show and Plaid
// would keep).
func TestAccProvider_planTimeRefusalsOfWhatWouldGoToTheWrongPlace(t *testing.T) {
	tg := acctest.NewTarget(t)
	tg.RequireEmulator(t)
	tg.NewItem(t)
	t.Setenv("TF_VAR_note_secret", tg.Secret)
	secretVar := `variable "note_secret" {
  type      = string
  sensitive = true
}
`
	cases := []struct {
		name, config string
		want         *regexp.Regexp
	}{
		{"base_url ending in #", strings.Replace(itemConfig(tg, tokenVar, ""), fmt.Sprintf("base_url  = %q", tg.URL), fmt.Sprintf("base_url  = %q", tg.URL+"#"), 1), regexp.MustCompile(`(?s)Invalid Plaid Base URL.*must not have a path, query or\s+fragment`)},
		{"base_url ending in ?", strings.Replace(itemConfig(tg, tokenVar, ""), fmt.Sprintf("base_url  = %q", tg.URL), fmt.Sprintf("base_url  = %q", tg.URL+"/?"), 1), regexp.MustCompile(`(?s)Invalid Plaid Base URL.*must not have a path, query or\s+fragment`)},
		{"webhook with a password", itemConfig(tg, tokenVar, `  webhook = "https://hooks:hunter2hunter2@hooks.example.com/plaid"`), regexp.MustCompile(`(?s)Webhook URL Holds Credentials`)},
		{"webhook holding the secret", secretVar + itemConfig(tg, tokenVar, `  webhook = "https://hooks.example.com/${lower(var.note_secret)}"`), regexp.MustCompile(`(?s)Webhook URL Holds a Plaid Token`)},
		{"webhook holding its own token's id", itemConfig(tg, tokenVar, `  webhook = "https://hooks.example.com/${replace(var.plaid_token, "access-sandbox-", "")}"`), regexp.MustCompile(`(?s)Webhook URL Holds a Plaid Token`)},
		{"webhook holding a token", itemConfig(tg, tokenVar, `  webhook = "https://hooks.example.com/access-sandbox-0b6f2b1e-0000-4000-8000-000000000000"`), regexp.MustCompile(`(?s)Webhook URL Holds a Plaid Token`)},
		{"note holding the secret", secretVar + itemConfig(tg, tokenVar, `  removal_reason_note = "closed; key ${var.note_secret}"`), regexp.MustCompile(`(?s)Removal Note Holds a Secret`)},
		{"note holding the secret upper-cased", secretVar + itemConfig(tg, tokenVar, `  removal_reason_note = "closed; key ${upper(var.note_secret)}"`), regexp.MustCompile(`(?s)Removal Note Holds a Secret`)},
		{"note holding its own token", itemConfig(tg, tokenVar, `  removal_reason_note = "closed ${var.plaid_token}"`), regexp.MustCompile(`(?s)Removal Note Holds a (Token|Secret)`)},
		{"note holding a token", itemConfig(tg, tokenVar, `  removal_reason_note = "see access-sandbox-0b6f2b1e-0000-4000-8000-000000000000"`), regexp.MustCompile(`(?s)Removal Note Holds a Token`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			literals := []leakcheck.Literal{{What: "the client secret", Value: tg.Secret}}
			failure := &expectedFailure{t: t, want: tc.want, literals: literals}
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testProviders,
				ErrorCheck:               failure.check,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true}},
			})
			failure.requireSeen()
		})
	}
	for _, c := range tg.Emulator.Calls() {
		if c.Path != "/item/get" {
			t.Errorf("a plan-time refusal let %s through", c.Path)
		}
	}
}
