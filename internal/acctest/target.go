// Package acctest is what the acceptance tests stand on: a Plaid to test
// against (the emulator, or Plaid's sandbox when credentials are given),
// the provider configuration for it, and checks.
package acctest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Target is the Plaid a test runs against.
type Target struct {
	// Emulator is nil when the test runs against Plaid's real sandbox.
	Emulator *emulator.Emulator
	URL      string
	ClientID string
	Secret   string
	Client   *plaid.Client

	mu         sync.Mutex
	violations []string
}

// RealSandboxRequested reports whether the suite should run against
// Plaid's real sandbox: TF_ACC=1 with PLAID_CLIENT_ID and PLAID_SECRET set.
func RealSandboxRequested() bool {
	return os.Getenv("TF_ACC") == "1" && os.Getenv("PLAID_CLIENT_ID") != "" && os.Getenv("PLAID_SECRET") != ""
}

// NewTarget starts an emulator on loopback for this test, validating every
// exchange against Plaid's spec when PLAID_OPENAPI_SPEC is set; or, when
// RealSandboxRequested, points at Plaid's sandbox.
func NewTarget(t testing.TB, opts ...emulator.Options) *Target {
	t.Helper()
	if RealSandboxRequested() {
		tg := &Target{URL: plaid.Sandbox.BaseURL(), ClientID: os.Getenv("PLAID_CLIENT_ID"), Secret: os.Getenv("PLAID_SECRET")}
		tg.Client = newClient(t, tg)
		RegisterSecret("the client secret", tg.Secret)
		return tg
	}
	o := emulator.Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Secret == "" {
		// A fresh secret per test, so that a leak scan can't miss it.
		o.Secret = "emu-secret-" + randomHex(12)
	}
	e := emulator.New(o)
	srv := httptest.NewServer(e.Handler())
	// The secret reaches the provider as users should pass it, through
	// PLAID_SECRET: a literal in the configuration would be logged by the
	// test framework along with the configuration.
	t.Setenv("PLAID_SECRET", o.Secret)
	tg := &Target{Emulator: e, URL: srv.URL, ClientID: e.ClientID(), Secret: e.Secret()}
	tg.Client = newClient(t, tg)
	RegisterSecret("the client secret", e.Secret())
	t.Cleanup(func() {
		for _, token := range e.IssuedTokens() {
			RegisterSecret("a token the emulator issued", token)
		}
		srv.Close()
		e.Close()
	})
	tg.checkContract(t)
	return tg
}

func (tg *Target) checkContract(t testing.TB) {
	c, err := LoadContract()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	if c == nil {
		return
	}
	violation := func(err error) {
		if err != nil {
			tg.mu.Lock()
			tg.violations = append(tg.violations, err.Error())
			tg.mu.Unlock()
		}
	}
	tg.Emulator.OnExchange(func(ex emulator.Exchange) { violation(c.Check(ex)) })
	tg.Emulator.OnWebhook(func(w emulator.Webhook) { violation(c.CheckWebhook(w)) })
	t.Cleanup(func() {
		tg.mu.Lock()
		defer tg.mu.Unlock()
		for _, v := range tg.violations {
			t.Errorf("contract violation: %s", v)
		}
	})
}

func newClient(t testing.TB, tg *Target) *plaid.Client {
	c, err := plaid.New(plaid.Config{BaseURL: tg.URL, ClientID: tg.ClientID, Secret: tg.Secret, UserAgent: "terraform-provider-plaid-tests"})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// RequireEmulator skips a test that needs the emulator's controls when the
// suite runs against Plaid's real sandbox.
func (tg *Target) RequireEmulator(t testing.TB) *emulator.Emulator {
	t.Helper()
	if tg.Emulator == nil {
		t.Skip("skipped against Plaid's real sandbox: this test needs the emulator's controls (revoking, rotating or faulting Items behind Terraform's back, or reading the calls received)")
	}
	return tg.Emulator
}

// TokenVariable is the expression configurations use for the token of the
// Item NewItem made: a sensitive variable set through TF_VAR_plaid_token,
// as users pass tokens, never a literal the test framework would log.
const TokenVariable = "var.plaid_token"

// ProviderConfig is a provider block for the target (its secret comes from
// PLAID_SECRET), with the declaration of TokenVariable.
func (tg *Target) ProviderConfig(extra ...string) string {
	cfg := fmt.Sprintf("variable \"plaid_token\" {\n  type      = string\n  sensitive = true\n  default   = null\n}\n\nprovider \"plaid\" {\n  base_url  = %q\n  client_id = %q\n", tg.URL, tg.ClientID)
	for _, line := range extra {
		cfg += "  " + line + "\n"
	}
	return cfg + "}\n"
}

// UseToken makes token the value of TokenVariable for this test.
func (tg *Target) UseToken(t testing.TB, token string) {
	t.Setenv("TF_VAR_plaid_token", token)
}

// NewItem makes a live sandbox Item, makes its token the value of
// TokenVariable, and returns it: seeded directly into the emulator, or
// created through Plaid's sandbox endpoints.
func (tg *Target) NewItem(t testing.TB) emulator.SeededItem {
	t.Helper()
	if tg.Emulator != nil {
		it := tg.Emulator.Seed(emulator.SeedOptions{})
		tg.UseToken(t, it.AccessToken)
		return it
	}
	ctx := context.Background()
	pub, err := tg.Client.CreateSandboxPublicToken(ctx, plaid.SandboxPublicTokenRequest{InstitutionID: plaid.DefaultSandboxInstitutionID, InitialProducts: []string{"transactions"}})
	if err != nil {
		t.Fatalf("creating a sandbox Item: %v", err)
	}
	ex, err := tg.Client.ExchangePublicToken(ctx, pub)
	if err != nil {
		t.Fatalf("exchanging the public token: %v", err)
	}
	RegisterSecret("a sandbox access token", ex.AccessToken)
	tg.UseToken(t, ex.AccessToken)
	t.Cleanup(func() { _, _ = tg.Client.RemoveItem(context.Background(), ex.AccessToken, plaid.RemoveReason{}) })
	return emulator.SeededItem{ItemID: ex.ItemID, AccessToken: ex.AccessToken}
}

// CheckItemsRemoved is a CheckDestroy: every Item of the given resource
// type that was in state must be gone at Plaid (ITEM_NOT_FOUND), and at the
// emulator have received exactly one /item/remove request (plus one per
// answer a fault lost), or at most that when its owner revoked it first.
func (tg *Target) CheckItemsRemoved(resourceType string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != resourceType {
				continue
			}
			itemID := rs.Primary.Attributes["item_id"]
			if tg.Emulator != nil {
				st := tg.Emulator.Item(itemID)
				if !st.Removed {
					return fmt.Errorf("item %s is still live at the emulator after destroy", itemID)
				}
				// RemoveCount counts requests, ITEM_NOT_FOUND answers
				// included, so a second removal shows here.
				if extra := st.RemoveCount - 1 - st.RemoveAnswersLost; extra > 0 || (st.RemovedBy == "api" && extra != 0) {
					return fmt.Errorf("item %s received %d removal requests (%d of their answers lost), want exactly one", itemID, st.RemoveCount, st.RemoveAnswersLost)
				}
				continue
			}
			_, err := tg.Client.GetItem(context.Background(), rs.Primary.Attributes["access_token"])
			if !plaid.IsItemNotFound(err) {
				return fmt.Errorf("item %s: expected ITEM_NOT_FOUND after destroy, got %v", itemID, err)
			}
		}
		return nil
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
