package emulator_test

import (
	"os"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
)

// TestMain reports how many of the emulator's answers were checked
// against Plaid's spec, and fails the run on any violation.
func TestMain(m *testing.M) {
	code := m.Run()
	if !acctest.ReportContract("emulator") && code == 0 {
		code = 1
	}
	os.Exit(code)
}
