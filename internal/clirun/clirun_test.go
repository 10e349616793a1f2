package clirun

import (
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dev_overrides must name the provider on both registries: OpenTofu reads
// `source = "ledgerline/plaid"` as registry.opentofu.org's, Terraform as
// registry.terraform.io's. An address without a host is refused rather than
// turned into an override that matches nothing.
func TestOpenTofuAddress(t *testing.T) {
	got, err := openTofuAddress("registry.terraform.io/ledgerline/plaid")
	if err != nil || got != "registry.opentofu.org/ledgerline/plaid" {
		t.Errorf("openTofuAddress(registry.terraform.io/ledgerline/plaid) = %q, %v; want registry.opentofu.org/ledgerline/plaid", got, err)
	}
	for _, bad := range []string{"", "ledgerline/plaid", "registry.terraform.io//plaid", "a/b/c/d"} {
		if got, err := openTofuAddress(bad); err == nil {
			t.Errorf("openTofuAddress(%q) = %q, want an error", bad, got)
		}
	}
}

// CopyFiles takes the local modules a configuration calls along with it,
// keyed by their path, and nothing else beside it; Workspace writes them
// where they were.
func TestCopyFilesTakesLocalModules(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"main.tf":              "module \"health\" {\n  source = \"./item-health\"\n}\n",
		"item-health/main.tf":  "check \"x\" {}\n",
		"item-health/notes.md": "not configuration\n",
		"tests/helper/main.tf": "# a terraform test helper, not called by the configuration\n",
	} {
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	files, err := CopyFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := slices.Sorted(maps.Keys(files)); !slices.Equal(got, []string{"item-health/main.tf", "main.tf"}) {
		t.Errorf("CopyFiles: %v, want item-health/main.tf and main.tf", got)
	}
	ws, err := (&Provider{}).Workspace(filepath.Join(t.TempDir(), "work"), files)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(ws.Dir, "item-health", "main.tf")); err != nil || string(b) != files["item-health/main.tf"] {
		t.Errorf("the workspace's item-health/main.tf: %q, %v", b, err)
	}
	if len(localModules(map[string]string{"main.tf": "provider \"plaid\" {}\n"})) != 0 {
		t.Error("a configuration without module calls has local modules")
	}
}

func TestCopyFiles_refusesModuleSourcesItWouldNotCopy(t *testing.T) {
	for name, layout := range map[string]map[string]string{
		"nested path":      {"main.tf": `module "m" { source = "./modules/m" }`, "modules/m/main.tf": ""},
		"parent directory": {"main.tf": `module "m" { source = "../shared" }`},
		"call from a module": {
			"main.tf":   `module "m" { source = "./m" }`,
			"m/main.tf": `module "n" { source = "./n" }`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "config")
			for file, content := range layout {
				p := filepath.Join(dir, filepath.FromSlash(file))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content+"\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if files, err := CopyFiles(dir); err == nil || !strings.Contains(err.Error(), "only local modules one directory beside") {
				t.Errorf("CopyFiles = %v, %v; want it refused, naming the call", files, err)
			}
		})
	}
}
