package emulator

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// LeakScanDirEnv names the directory `make test-trace` collects its logs
// in. When it is set, every emulator writes there a record of its secret
// and of every token it issues, so that the leak scan
// (internal/cmd/scan-secrets) looks for the literal values the run really
// issued, whichever test started the emulator.
const LeakScanDirEnv = "PLAID_LEAK_SCAN_DIR"

// IssuedRecordPrefix starts the name of each emulator's record in the
// LeakScanDirEnv directory. Each line is a JSON object {"what","value"}.
const IssuedRecordPrefix = "emulator-issued-"

// issuedRecord appends what an emulator issued to its file, one line as
// each value is made, so that the record is complete even when the test
// process never closes the emulator. A nil record does nothing.
type issuedRecord struct {
	mu sync.Mutex
	f  *os.File
}

func openIssuedRecord() *issuedRecord {
	dir := os.Getenv(LeakScanDirEnv)
	if dir == "" {
		return nil
	}
	f, err := os.CreateTemp(dir, IssuedRecordPrefix+"*.jsonl")
	if err != nil {
		// The scan then fails for want of records; say why here.
		fmt.Fprintf(os.Stderr, "emulator: cannot record issued tokens for the leak scan: %v\n", err)
		return nil
	}
	return &issuedRecord{f: f}
}

func (r *issuedRecord) add(what, value string) {
	if r == nil || value == "" {
		return
	}
	line, _ := json.Marshal(struct {
		What  string `json:"what"`
		Value string `json:"value"`
	}{what, value})
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f != nil {
		_, _ = r.f.Write(append(line, '\n'))
	}
}

func (r *issuedRecord) close() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f != nil {
		_ = r.f.Close()
		r.f = nil
	}
}
