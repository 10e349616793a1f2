// Command scan-secrets is the second half of `make test-trace`: it looks
// for every secret and token of the test run in every TRACE log and in the
// run's whole output, and exits 1 on any it finds. It never prints a
// value, only what it was, in which form and where.
//
// What it looks for comes from two records: the list the test process
// registered (acctest.LeakScanListFile: client secrets, tokens, exemptions)
// and the record each emulator of the run kept of its secret and of every
// token it issued (emulator.IssuedRecordPrefix files). It looks for those
// literal values in the forms leakcheck.Forms spells them (any letter
// case, percent-encoded and JSON-escaped, their random part alone), the
// same as the hostile-server tests: never for "something shaped like a
// token", which would share the redactor's assumptions and miss what the
// redactor misses.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

func main() {
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: scan-secrets DIR")
		os.Exit(2)
	}
	if err := run(flag.Arg(0), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "scan-secrets:", err)
		os.Exit(1)
	}
}

// run scans every log under dir for the secrets and tokens recorded there
// and writes what it found to out; a leak, or logs that could not show one,
// is an error.
func run(dir string, out io.Writer) error {
	secrets, records, err := loadSecrets(dir)
	if err != nil {
		return err
	}
	if records == 0 {
		return fmt.Errorf("no emulator recorded the tokens it issued (no %s* file in %s): was %s passed to the tests?", emulator.IssuedRecordPrefix, dir, emulator.LeakScanDirEnv)
	}
	m := newMatcher(secrets)
	f, err := scanLogs(dir, secrets, m)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "leak scan: %d files, %.1f MB, %d secrets and tokens looked for (from the test list and %d emulator records), %d forms of them, %d provider request log lines seen\n", f.files, float64(f.bytesRead)/1e6, len(secrets), records, m.count, f.providerLines)
	for _, reason := range slices.Sorted(maps.Keys(f.exempted)) {
		fmt.Fprintf(out, "  shown on purpose: %s\n", reason)
	}
	return verdict(out, f)
}

// findings is what one scan of the logs saw.
type findings struct {
	files, bytesRead int
	// providerLines counts the provider's request log lines: none means
	// the logs were not TRACE logs and the scan proves nothing.
	providerLines int
	leaks         map[string]int  // "what (form) in file" -> count
	exempted      map[string]bool // the exemption reasons of values seen
}

// scanLogs reads every file under dir but the records themselves and looks
// for each secret's forms in it.
func scanLogs(dir string, secrets []acctest.Secret, m *matcher) (*findings, error) {
	f := &findings{leaks: map[string]int{}, exempted: map[string]bool{}}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || isRecord(d.Name()) {
			return err
		}
		text, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		f.scanFile(filepath.Base(path), text, secrets, m)
		return nil
	})
	return f, err
}

// scanFile adds what one file holds: a value with an exemption only notes
// the reason, any other is a leak.
func (f *findings) scanFile(name string, text []byte, secrets []acctest.Secret, m *matcher) {
	f.files++
	f.bytesRead += len(text)
	f.providerLines += bytes.Count(text, []byte("Plaid answered"))
	m.scan(text, func(n needle, count int) {
		s := secrets[n.secret]
		if s.Exempt != "" {
			f.exempted[s.Exempt] = true
			return
		}
		f.leaks[fmt.Sprintf("%s (%s) in %s", s.What, n.form, name)] += count
	})
}

// verdict fails a scan that could not have seen a leak or that saw one,
// listing each leak (what, in which form, where; never the value).
func verdict(out io.Writer, f *findings) error {
	if f.providerLines == 0 {
		return fmt.Errorf("the logs hold none of the provider's request logs, so the scan would prove nothing: was TF_LOG=TRACE set?")
	}
	if len(f.leaks) > 0 {
		for _, k := range slices.Sorted(maps.Keys(f.leaks)) {
			fmt.Fprintf(out, "  LEAK: %s (%d times)\n", k, f.leaks[k])
		}
		return fmt.Errorf("%d leaks", len(f.leaks))
	}
	fmt.Fprintln(out, "leak scan: no secret or token found")
	return nil
}

func isRecord(name string) bool {
	return name == acctest.LeakScanListFile || strings.HasPrefix(name, emulator.IssuedRecordPrefix)
}

// loadSecrets merges the test list and the emulators' records by value; the
// list's description and exemption win.
func loadSecrets(dir string) (secrets []acctest.Secret, records int, err error) {
	byValue := map[string]acctest.Secret{}
	raw, err := os.ReadFile(filepath.Join(dir, acctest.LeakScanListFile))
	if err != nil {
		return nil, 0, fmt.Errorf("no list of secrets from the test run: %w", err)
	}
	var listed []acctest.Secret
	if err := json.Unmarshal(raw, &listed); err != nil {
		return nil, 0, fmt.Errorf("%s: %w", acctest.LeakScanListFile, err)
	}
	paths, _ := filepath.Glob(filepath.Join(dir, emulator.IssuedRecordPrefix+"*"))
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, 0, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var s acctest.Secret
			if json.Unmarshal(sc.Bytes(), &s) == nil && s.Value != "" {
				if _, seen := byValue[s.Value]; !seen {
					byValue[s.Value] = s
				}
			}
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", p, err)
		}
		records++
	}
	for _, s := range listed {
		if s.Value != "" {
			byValue[s.Value] = s
		}
	}
	for _, s := range byValue {
		secrets = append(secrets, s)
	}
	sort.Slice(secrets, func(i, j int) bool { return secrets[i].Value < secrets[j].Value })
	return secrets, records, nil
}

// anchorLen is the length of the tail each needle is indexed by. Values'
// tails (a token's UUID end, a secret's random end) are what tell them
// apart; their heads ("access-sandbox-") are shared.
const anchorLen = 12

type needle struct {
	text   []byte // lower case
	secret int
	form   string
}

// matcher finds many literal needles in one pass over a lower-cased text:
// each position's next anchorLen bytes are looked up among the needles'
// tails, after a two-byte prefilter. Hundreds of tokens in several forms
// over hundreds of megabytes of TRACE logs take seconds, not the hours
// one pass per needle would.
type matcher struct {
	byTail map[string][]needle
	first  [1 << 16]bool
	short  []needle
	count  int
}

func newMatcher(secrets []acctest.Secret) *matcher {
	m := &matcher{byTail: map[string][]needle{}}
	for i, s := range secrets {
		seen := map[string]bool{}
		for _, f := range leakcheck.Forms(s.Value) {
			text := bytes.ToLower([]byte(f.Text))
			if seen[string(text)] {
				continue
			}
			seen[string(text)] = true
			n := needle{text: text, secret: i, form: f.How}
			m.count++
			if len(n.text) < anchorLen {
				m.short = append(m.short, n)
				continue
			}
			tail := n.text[len(n.text)-anchorLen:]
			m.byTail[string(tail)] = append(m.byTail[string(tail)], n)
			m.first[uint16(tail[0])<<8|uint16(tail[1])] = true
		}
	}
	return m
}

// scan calls found for each needle that occurs in text, with its count.
func (m *matcher) scan(text []byte, found func(n needle, count int)) {
	lower := bytes.ToLower(text)
	counts := map[*needle]int{}
	for i := 0; i+anchorLen <= len(lower); i++ {
		if !m.first[uint16(lower[i])<<8|uint16(lower[i+1])] {
			continue
		}
		cands := m.byTail[string(lower[i:i+anchorLen])]
		for j := range cands {
			n := &cands[j]
			end := i + anchorLen
			if start := end - len(n.text); start >= 0 && bytes.Equal(lower[start:end], n.text) {
				counts[n]++
			}
		}
	}
	for j := range m.short {
		if c := bytes.Count(lower, m.short[j].text); c > 0 {
			counts[&m.short[j]] += c
		}
	}
	for n, c := range counts {
		found(*n, c)
	}
}
