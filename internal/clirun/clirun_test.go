package clirun

import "testing"

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
