package acctest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// LeakScanDirEnv names the directory `make test-trace` collects TRACE logs
// and test output in; the test process writes there the list of secrets
// the scan looks for (internal/cmd/scan-secrets), and every emulator the
// tests start writes its own record of the secret and tokens it issued.
const LeakScanDirEnv = emulator.LeakScanDirEnv

// LeakScanListFile is the list's name inside the directory.
const LeakScanListFile = "secrets-to-scan-for.json"

// Secret is one value that must appear in no log line and no output.
type Secret struct {
	What  string `json:"what"`
	Value string `json:"value"`
	// Exempt says why a test shows this value on purpose, if it does.
	Exempt string `json:"exempt,omitempty"`
}

var leakRegistry = struct {
	sync.Mutex
	secrets map[string]Secret
}{secrets: map[string]Secret{}}

// RegisterSecret adds a value the leak scan must not find.
func RegisterSecret(what, value string) {
	if value == "" {
		return
	}
	leakRegistry.Lock()
	defer leakRegistry.Unlock()
	if _, ok := leakRegistry.secrets[value]; !ok {
		leakRegistry.secrets[value] = Secret{What: what, Value: value}
	}
}

// ExemptFromLeakScan records that a test shows value on purpose, and why.
// The scan reports exemptions instead of failing on them.
func ExemptFromLeakScan(value, reason string) {
	leakRegistry.Lock()
	defer leakRegistry.Unlock()
	s := leakRegistry.secrets[value]
	s.Value, s.Exempt = value, reason
	if s.What == "" {
		s.What = "an exempted value"
	}
	leakRegistry.secrets[value] = s
}

// WriteLeakScanList writes the registered secrets for the scanner, when
// LeakScanDirEnv is set. The directory is the test run's own scratch space.
func WriteLeakScanList() error {
	dir := os.Getenv(LeakScanDirEnv)
	if dir == "" {
		return nil
	}
	leakRegistry.Lock()
	list := make([]Secret, 0, len(leakRegistry.secrets))
	for _, s := range leakRegistry.secrets {
		list = append(list, s)
	}
	leakRegistry.Unlock()
	raw, err := json.Marshal(list)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, LeakScanListFile), raw, 0o600)
}
