package lifecycle

import (
	"strings"
	"testing"
	"time"
)

// Shrink keeps only the steps the failure needs, in their order, and
// holds candidates to the failure's signature: a candidate that fails
// differently does not count.
func TestShrink_keepsOnlyWhatTheFailureNeeds(t *testing.T) {
	steps, err := ParseSteps("adopt:a0,plan,sandbox:s1,note:a0,apply,refresh-only,revoke:a0,plan,destroy,adopt:a2")
	if err != nil {
		t.Fatal(err)
	}
	fails := func(c []Step) string {
		s := FormatSteps(c)
		switch {
		case strings.Contains(s, "note:a0") && strings.Contains(s, "revoke:a0") && strings.Index(s, "adopt:a0") < strings.Index(s, "note:a0") && strings.Index(s, "note:a0") < strings.Index(s, "revoke:a0") && strings.HasPrefix(s, "adopt:a0"):
			return "unexpected-failure: Replacing an Adopted Item Cannot Work"
		case strings.Contains(s, "revoke:a0"):
			return "some other failure"
		}
		return ""
	}
	got := FormatSteps(Shrink(steps, "unexpected-failure: Replacing an Adopted Item Cannot Work", time.Minute, fails))
	if want := "adopt:a0,note:a0,revoke:a0"; got != want {
		t.Errorf("shrunk to %s, want %s", got, want)
	}
}
