package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// -fixtures loads the file the guide documents; a file that is missing or
// wrong stops the emulator with exit 1, naming the file and what is wrong.
func TestFixturesFlag(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "fixtures.json")
	if err := os.WriteFile(good, []byte(`{"items":[{"item_id":"Seeded1","access_token":"access-sandbox-6f0e4a52-0d3b-4f4b-9a56-0a9f6a3c2b11","products":["transactions"]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	e := emulator.New(emulator.Options{})
	defer e.Close()
	if err := loadFixtures(e, good); err != nil {
		t.Fatal(err)
	}
	if st := e.Item("Seeded1"); !st.Exists {
		t.Error("the fixture Item was not seeded")
	}

	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"items":[{"item_id":"x","access_token":"nope"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, code := runMain(t, "-addr 127.0.0.1:0 -fixtures "+bad); code != 1 || !strings.Contains(out, bad) || !strings.Contains(out, "items[0].access_token") {
		t.Errorf("bad fixtures: exit %d\n%s", code, out)
	}
	if out, code := runMain(t, "-addr 127.0.0.1:0 -fixtures "+filepath.Join(dir, "missing.json")); code != 1 || !strings.Contains(out, "missing.json") {
		t.Errorf("missing fixtures: exit %d\n%s", code, out)
	}
}

// The fixtures the emulator guide shows load as they are.
func TestFixturesFlag_guideExampleLoads(t *testing.T) {
	guide, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "guides", "emulator.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, found := strings.Cut(string(guide), "```json\n")
	example, _, closed := strings.Cut(rest, "```")
	if !found || !closed {
		t.Fatal("the guide shows no fixtures file")
	}
	fx, err := emulator.ParseFixtures(strings.NewReader(example))
	if err != nil {
		t.Fatalf("the guide's fixtures: %v", err)
	}
	e := emulator.New(emulator.Options{})
	defer e.Close()
	if err := e.LoadFixtures(fx); err != nil {
		t.Fatal(err)
	}
	if st := e.Item("FixtureItem1"); !st.Exists {
		t.Error("the guide's fixture Item was not seeded")
	}
}
