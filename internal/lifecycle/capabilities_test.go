package lifecycle

import "testing"

// The CLIs CI proves get the steps they can run: Terraform 1.5.7 has import
// blocks but no removed blocks, 1.11 and OpenTofu 1.10 have both.
func TestCapabilitiesOf_theCLIsCIProves(t *testing.T) {
	for _, c := range []struct {
		name, version           string
		importBlocks, removedBl bool
	}{
		{"Terraform", "1.4.7", false, false},
		{"Terraform", "1.5.7", true, false},
		{"Terraform", "1.7.0", true, true},
		{"Terraform", "1.11.4", true, true},
		{"OpenTofu", "1.10.10", true, true},
	} {
		got, err := capabilitiesOf(c.name, c.version)
		if err != nil {
			t.Fatal(err)
		}
		if got.ImportBlocks != c.importBlocks || got.RemovedBlocks != c.removedBl {
			t.Errorf("%s %s: %+v", c.name, c.version, got)
		}
	}
	if _, err := capabilitiesOf("Terraform", "dev"); err == nil {
		t.Error("a version that is not a number was accepted")
	}
}
