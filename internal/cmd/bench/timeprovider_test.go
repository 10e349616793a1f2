package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestTimeProviderVersion_isPinned(t *testing.T) {
	if !exactVersion.MatchString(timeProviderVersion) {
		t.Fatalf("timeProviderVersion %q is not an exact vX.Y.Z: the baseline would move between runs", timeProviderVersion)
	}
	for _, v := range []string{"latest", "v0.14", "v0.14.2-rc1", "main", "v0.14.x", ">=v0.14.2", "v01.2.3"} {
		if exactVersion.MatchString(v) {
			t.Errorf("exactVersion accepts %q", v)
		}
	}
}

func TestInstallCommand_buildsThePinnedModuleVersion(t *testing.T) {
	got := strings.Join(installCommand("v0.14.2"), " ")
	if got != "go install github.com/hashicorp/terraform-provider-time@v0.14.2" {
		t.Errorf("installCommand = %q", got)
	}
}

func TestTimeProviderDir_oneDirectoryPerVersion(t *testing.T) {
	a, b := timeProviderDir("/cache", "v0.14.2"), timeProviderDir("/cache", "v0.14.3")
	if a == b || filepath.Dir(a) != filepath.Dir(b) || !strings.HasSuffix(a, "v0.14.2") {
		t.Errorf("timeProviderDir: %q and %q", a, b)
	}
}

func TestBuiltVersion(t *testing.T) {
	out := "/c/terraform-provider-time: go1.26.8\n" +
		"\tpath\tgithub.com/hashicorp/terraform-provider-time\n" +
		"\tmod\tgithub.com/hashicorp/terraform-provider-time\tv0.14.2\th1:abc=\n" +
		"\tdep\tgithub.com/hashicorp/terraform-plugin-framework\tv1.19.0\th1:def=\n"
	if got := builtVersion(out); got != "v0.14.2" {
		t.Errorf("builtVersion = %q, want v0.14.2", got)
	}
	if got := builtVersion("\tmod\texample.com/other\tv1.0.0\n"); got != "" {
		t.Errorf("builtVersion of another module = %q, want empty", got)
	}
}

func TestCLIConfig_overridesBothProviders(t *testing.T) {
	got := cliConfig(map[string]string{"registry.terraform.io/ledgerline/plaid": "/p", "registry.terraform.io/hashicorp/time": "/t"})
	want := "provider_installation {\n  dev_overrides {\n" +
		"    \"registry.terraform.io/hashicorp/time\" = \"/t\"\n" +
		"    \"registry.terraform.io/ledgerline/plaid\" = \"/p\"\n" +
		"  }\n  direct {}\n}\n"
	if got != want {
		t.Errorf("cliConfig =\n%s\nwant\n%s", got, want)
	}
}
