package e2e_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// Several workspaces tearing down at once on one client_id, as HCP
// Terraform, Atlantis, Spacelift or `terragrunt run-all destroy` run them:
// each terraform runs its own provider process, and each process paces
// itself to the whole per-client limit it is given, so N of them offer N
// times the limit and Plaid answers the excess with 429, which only the
// retries absorb. Split the limit (requests_per_minute = limit / N) and no
// 429 comes back. Scaled down to stay short: a per-client limit of 6
// /item/remove calls per 10-second window in the emulator, 2 runs of 4
// Items each. (Plaid's window is a minute, so there a retried removal can
// wait that long.) The time each case takes is logged: what the retries
// cost when nobody splits the limit.
func TestCLI_concurrentRunsShareOnePerClientLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: two concurrent terraform runs, twice")
	}
	const (
		runs          = 2
		itemsPerRun   = 4
		perClientRate = 6
	)
	for _, tc := range []struct {
		name              string
		requestsPerMinute int
		want429           bool
	}{
		{"each run paced to the whole limit", perClientRate, true},
		{"the limit split across the runs", perClientRate / runs, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			e := emulator.New(emulator.Options{
				Secret:          "concurrent-" + t.Name(),
				RateLimits:      map[string]emulator.RateLimit{plaid.PathItemRemove: {PerClient: perClientRate}},
				RateLimitWindow: 10 * time.Second,
			})
			srv, err := emulator.Listen(e, "127.0.0.1:0", false)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = srv.Close() })
			prov, err := clirun.Build(ctx, t.TempDir(), provider.RegistryAddress)
			if err != nil {
				t.Fatal(err)
			}
			workspaces := make([]*clirun.Workspace, runs)
			for r := range workspaces {
				var tokens []string
				for range itemsPerRun {
					tokens = append(tokens, fmt.Sprintf("%q", e.Seed(emulator.SeedOptions{}).AccessToken))
				}
				mainTF := fmt.Sprintf(`
terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

provider "plaid" {
  requests_per_minute = %d
}

variable "tokens" {
  type      = list(string)
  sensitive = true
  default   = [%s]
}

resource "plaid_item" "run" {
  count        = %d
  access_token = var.tokens[count.index]
}
`, tc.requestsPerMinute, strings.Join(tokens, ", "), itemsPerRun)
				ws, err := prov.Workspace(filepath.Join(t.TempDir(), "run"), map[string]string{"main.tf": mainTF})
				if err != nil {
					t.Fatal(err)
				}
				ws.Env = []string{"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + srv.ClientID(), "PLAID_SECRET=" + srv.Secret()}
				if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-input=false", "-no-color"); err != nil {
					t.Fatalf("apply of run %d: %v\n%s", r, err, out)
				}
				workspaces[r] = ws
			}

			started := time.Now()
			var wg sync.WaitGroup
			outs, errs := make([]string, runs), make([]error, runs)
			for r, ws := range workspaces {
				wg.Add(1)
				go func() {
					defer wg.Done()
					outs[r], errs[r] = ws.Terraform(ctx, "destroy", "-auto-approve", "-input=false", "-no-color")
				}()
			}
			wg.Wait()
			took := time.Since(started)
			for r := range workspaces {
				if errs[r] != nil {
					t.Errorf("destroy of run %d: %v\n%s", r, errs[r], outs[r])
				}
			}
			limited, removes := 0, 0
			for _, c := range srv.Calls() {
				if c.Path != plaid.PathItemRemove {
					continue
				}
				removes++
				if c.Status == 429 {
					limited++
				}
			}
			requireAllRemovedOnce(t, srv, runs*itemsPerRun)
			t.Logf("%d concurrent destroys of %d Items each at requests_per_minute = %d: %d /item/remove calls, %d answered 429, %s",
				runs, itemsPerRun, tc.requestsPerMinute, removes, limited, took.Round(time.Second))
			if tc.want429 && limited == 0 {
				t.Errorf("no 429: %d runs each paced to the whole limit of %d should offer more than it", runs, perClientRate)
			}
			if !tc.want429 && limited > 0 {
				t.Errorf("%d calls answered 429 with the limit split across the runs", limited)
			}
		})
	}
}
