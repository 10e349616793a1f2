package main

import (
	"bytes"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

const providerLine = `2026-01-01T00:00:00Z [DEBUG] provider: Plaid answered: path=/item/get status=200` + "\n"

// scanDir lays out a test-trace directory: an empty test list, one
// emulator's record (written by a real emulator), and the given log files,
// where TOKEN and SECRET stand for that emulator's token and secret.
func scanDir(t *testing.T, logs map[string]string) (dir, token string) {
	t.Helper()
	dir = t.TempDir()
	t.Setenv(emulator.LeakScanDirEnv, dir)
	e := emulator.New(emulator.Options{Secret: "scan-test-secret-4f1c9a"})
	token = e.Seed(emulator.SeedOptions{}).AccessToken
	e.Close()
	if err := os.WriteFile(filepath.Join(dir, acctest.LeakScanListFile), []byte("[]"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, text := range logs {
		text = strings.ReplaceAll(strings.ReplaceAll(text, "TOKEN", token), "SECRET", e.Secret())
		if err := os.WriteFile(filepath.Join(dir, name), []byte(providerLine+text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, token
}

func TestScan_cleanLogsPass(t *testing.T) {
	dir, _ := scanDir(t, map[string]string{"a.log": "access-sandbox-00000000-0000-4000-8000-000000000000 is a made-up token\n"})
	var out bytes.Buffer
	if err := run(dir, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
}

// A token the emulator issued, planted in a log in each form a server or a
// logger might write it, is found; so is the emulator's secret. The scan
// knows them only from the emulator's own record, not from any pattern.
func TestScan_findsPlantedTokenInEveryForm(t *testing.T) {
	for form, plant := range map[string]func(string) string{
		"as is":                 func(s string) string { return "request_id=" + s + "\n" },
		"upper case":            strings.ToUpper,
		"glued to other text":   func(s string) string { return "token_" + s + "xyz" },
		"percent-encoded":       func(s string) string { return "Location: /x?t=" + percentAll(s) },
		"JSON \\u-escaped":      jsonEscapeAll,
		"upper percent-encoded": func(s string) string { return strings.ToUpper(percentAll(s)) },
		"query-escaped":         url.QueryEscape,
	} {
		t.Run(form, func(t *testing.T) {
			dir, token := scanDir(t, nil)
			_ = os.WriteFile(filepath.Join(dir, "provider.log"), []byte(providerLine+plant(token)), 0o600)
			var out bytes.Buffer
			err := run(dir, &out)
			if err == nil || !strings.Contains(out.String(), "LEAK: an access token the emulator issued") || !strings.Contains(out.String(), "provider.log") {
				t.Errorf("planted %s: err %v\n%s", form, err, out.String())
			}
			if strings.Contains(strings.ToLower(out.String()), strings.ToLower(token)) {
				t.Error("the scan printed the token it found")
			}
		})
	}
	dir, _ := scanDir(t, map[string]string{"go-test-output.txt": `INVALID_API_KEYS: secret "SECRET" is not valid`})
	var out bytes.Buffer
	if err := run(dir, &out); err == nil || !strings.Contains(out.String(), "LEAK: the emulator's client secret (as is (any letter case)) in go-test-output.txt") {
		t.Errorf("planted secret: %v\n%s", err, out.String())
	}
}

// A value a test shows on purpose is reported as such, not as a leak; a
// run without emulator records proves nothing and fails.
func TestScan_exemptionsAndMissingRecords(t *testing.T) {
	dir, token := scanDir(t, nil)
	raw, _ := json.Marshal([]acctest.Secret{{What: "an import ID", Value: token, Exempt: "imported by raw token on purpose"}})
	_ = os.WriteFile(filepath.Join(dir, acctest.LeakScanListFile), raw, 0o600)
	_ = os.WriteFile(filepath.Join(dir, "import.log"), []byte(providerLine+token), 0o600)
	var out bytes.Buffer
	if err := run(dir, &out); err != nil || !strings.Contains(out.String(), "shown on purpose: imported by raw token on purpose") {
		t.Errorf("exempted token: %v\n%s", err, out.String())
	}

	bare := t.TempDir()
	_ = os.WriteFile(filepath.Join(bare, acctest.LeakScanListFile), []byte("[]"), 0o600)
	_ = os.WriteFile(filepath.Join(bare, "a.log"), []byte(providerLine), 0o600)
	if err := run(bare, &out); err == nil || !strings.Contains(err.Error(), "no emulator recorded") {
		t.Errorf("no emulator records: %v", err)
	}
}

func percentAll(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		b.WriteString("%" + strings.ToLower(string("0123456789ABCDEF"[c>>4])) + string("0123456789ABCDEF"[c&15]))
	}
	return b.String()
}

func jsonEscapeAll(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteString(`\u00` + string("0123456789ABCDEF"[r>>4]) + string("0123456789ABCDEF"[r&15]))
	}
	return `{"error_message":"` + b.String() + `"}`
}
