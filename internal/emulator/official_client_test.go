package emulator_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// NodeClientDirEnv names a directory where testdata/plaid-node's pinned
// packages are installed (`make test-node-client` installs them with npm
// ci); without it TestOfficialNodeClient skips, since tests never download.
const NodeClientDirEnv = "PLAID_NODE_CLIENT_DIR"

// Plaid's official Node client, driven over each endpoint the emulator
// added, agrees with it: its requests pass the emulator's checks and
// Plaid's spec, and it reads every answer, errors included, as Plaid's.
func TestOfficialNodeClient(t *testing.T) {
	dir := os.Getenv(NodeClientDirEnv)
	if dir == "" {
		t.Skip("set " + NodeClientDirEnv + " to a directory holding testdata/plaid-node's packages (make test-node-client)")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not on PATH")
	}
	c, err := acctest.LoadContract()
	if err != nil {
		t.Fatal(err)
	}
	e := emulator.New(emulator.Options{})
	var mu sync.Mutex
	var violations []string
	if c != nil {
		e.OnExchange(func(ex emulator.Exchange) {
			if err := c.Check(ex); err != nil {
				mu.Lock()
				violations = append(violations, err.Error())
				mu.Unlock()
			}
		})
	}
	srv, err := emulator.Listen(e, "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	script, _ := filepath.Abs(filepath.Join("testdata", "plaid-node", "check.js"))
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Env = append(os.Environ(), "NODE_PATH="+filepath.Join(dir, "node_modules"), "PLAID_BASE_URL="+srv.URL,
		"PLAID_CLIENT_ID="+e.ClientID(), "PLAID_SECRET="+e.Secret(), "KEY_ID="+e.WebhookKeys()[0].Kid,
		"NO_PROXY=127.0.0.1", "HTTP_PROXY=", "HTTPS_PROXY=", "http_proxy=", "https_proxy=")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	var results []struct {
		Name   string         `json:"name"`
		Status int            `json:"status"`
		Data   map[string]any `json:"data"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("the script's output: %v\n%s", err, out)
	}
	byName := map[string]map[string]any{}
	for _, r := range results {
		want := 200
		if r.Name == "webhookVerificationKeyGet unknown" {
			want = 400
		}
		if r.Status != want {
			t.Errorf("%s: HTTP %d %v, want %d", r.Name, r.Status, r.Data, want)
		}
		byName[r.Name] = r.Data
	}
	firstInstitution := func(name string) map[string]any {
		list, _ := byName[name]["institutions"].([]any)
		if len(list) == 0 {
			t.Fatalf("%s: no institutions in %v", name, byName[name])
		}
		inst, _ := list[0].(map[string]any)
		return inst
	}
	if inst := firstInstitution("institutionsGet"); inst["logo"] == nil || byName["institutionsGet"]["total"] == nil {
		t.Errorf("institutionsGet with metadata: %v", byName["institutionsGet"])
	}
	if _, present := firstInstitution("institutionsGet without metadata")["url"]; present {
		t.Error("institutionsGet without metadata: url is present")
	}
	if inst := firstInstitution("institutionsSearch"); inst["url"] == nil {
		t.Errorf("institutionsSearch: %v", inst)
	}
	if inst, _ := byName["institutionsGetById"]["institution"].(map[string]any); inst["status"] == nil || inst["primary_color"] == nil {
		t.Errorf("institutionsGetById: %v", inst)
	}
	if st, _ := byName["itemGet"]["status"].(map[string]any); st["transactions"] == nil {
		t.Errorf("itemGet of the imported Item: %v", byName["itemGet"])
	}
	if key, _ := byName["webhookVerificationKeyGet"]["key"].(map[string]any); key["alg"] != "ES256" {
		t.Errorf("webhookVerificationKeyGet: %v", byName["webhookVerificationKeyGet"])
	}
	if unknown := byName["webhookVerificationKeyGet unknown"]; unknown["error_code"] != "INVALID_WEBHOOK_VERIFICATION_KEY_ID" || unknown["request_id"] == nil {
		t.Errorf("an unknown key: %v", unknown)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, v := range violations {
		t.Errorf("contract: %s", v)
	}
}
