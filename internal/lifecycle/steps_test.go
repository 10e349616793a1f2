package lifecycle

import (
	"testing"
)

// The same seed draws the same walk, the steps read back as written, and
// an excluded step is never drawn.
func TestGenerate_reproducible(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		a, b := Generate(seed, 30), Generate(seed, 30)
		if FormatSteps(a) != FormatSteps(b) {
			t.Fatalf("seed %d drew two walks:\n%s\n%s", seed, FormatSteps(a), FormatSteps(b))
		}
		parsed, err := ParseSteps(FormatSteps(a))
		if err != nil {
			t.Fatal(err)
		}
		if FormatSteps(parsed) != FormatSteps(a) {
			t.Fatalf("steps do not read back: %s", FormatSteps(a))
		}
		t.Logf("seed %d: %s", seed, FormatSteps(a[:12]))
		for _, s := range Generate(seed, 30, "relabel", "revoke") {
			if s.Name == "relabel" || s.Name == "revoke" {
				t.Fatalf("seed %d drew %s, which was excluded", seed, s)
			}
		}
	}
}

func TestParseSteps_refusesWhatItCannotRun(t *testing.T) {
	for _, bad := range []string{"adopt", "plan:a0", "fly:a0", "interrupt-apply:soon"} {
		if _, err := ParseSteps(bad); err == nil {
			t.Errorf("ParseSteps(%q) accepted it", bad)
		}
	}
}
