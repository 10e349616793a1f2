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
	tg := &Target{Emulator: e, URL: srv.URL, ClientID: e.ClientID(), Secret: e.Secret()}
	tg.Client = newClient(t, tg)
	t.Cleanup(func() {
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
	tg.Emulator.OnExchange(func(ex emulator.Exchange) {
		if err := c.Check(ex); err != nil {
			tg.mu.Lock()
			tg.violations = append(tg.violations, err.Error())
			tg.mu.Unlock()
		}
	})
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

// ProviderConfig is a provider block for the target.
func (tg *Target) ProviderConfig(extra ...string) string {
	cfg := fmt.Sprintf("provider \"plaid\" {\n  base_url  = %q\n  client_id = %q\n  secret    = %q\n", tg.URL, tg.ClientID, tg.Secret)
	for _, line := range extra {
		cfg += "  " + line + "\n"
	}
	return cfg + "}\n"
}

// NewItem makes a live sandbox Item and returns it: seeded directly into the
// emulator, or created through Plaid's sandbox endpoints.
func (tg *Target) NewItem(t testing.TB) emulator.SeededItem {
	t.Helper()
	if tg.Emulator != nil {
		return tg.Emulator.Seed(emulator.SeedOptions{})
	}
	ctx := context.Background()
	pub, err := tg.Client.CreateSandboxPublicToken(ctx, plaid.SandboxPublicTokenRequest{InstitutionID: emulator.DefaultInstitutionID, InitialProducts: []string{"transactions"}})
	if err != nil {
		t.Fatalf("creating a sandbox Item: %v", err)
	}
	ex, err := tg.Client.ExchangePublicToken(ctx, pub)
	if err != nil {
		t.Fatalf("exchanging the public token: %v", err)
	}
	t.Cleanup(func() { _, _ = tg.Client.RemoveItem(context.Background(), ex.AccessToken, plaid.RemoveReason{}) })
	return emulator.SeededItem{ItemID: ex.ItemID, AccessToken: ex.AccessToken}
}

// CheckItemsRemoved is a CheckDestroy: every Item of the given resource
// type that was in state must be gone at Plaid (ITEM_NOT_FOUND), and at the
// emulator removed exactly once or revoked by its owner.
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
				if st.RemoveCount > 1 {
					return fmt.Errorf("item %s was removed %d times", itemID, st.RemoveCount)
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
