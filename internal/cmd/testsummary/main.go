// Command testsummary reads `go test -json` on stdin, prints what a plain
// `go test` would (each package's ok or FAIL line, build errors, and the
// whole output of every failed test), and ends with the count of top-level
// tests passed, failed and skipped, naming the skipped ones (and any
// package that failed with no test failed). `make test`
// pipes through it so that CI's version matrix can give the terraform on
// PATH the same counted line as every other CLI (.ci/run); with -o the
// count is also written to that file.
//
// It exits 1 when a test or a package failed, or when the input holds no
// package result at all (go test itself failed to start), so the pipe's
// status is the run's.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

type summary struct {
	passed, failed int
	skipped        []string
	packages       int
	failedPackages []string
}

func main() {
	out := flag.String("o", "", "also write the count line to this file")
	flag.Parse()
	s, err := summarize(os.Stdin, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(1)
	}
	line := s.line()
	fmt.Println(line)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(line+"\n"), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(1)
		}
	}
	if !s.ok() {
		os.Exit(1)
	}
}

func (s summary) ok() bool {
	return s.packages > 0 && s.failed == 0 && len(s.failedPackages) == 0
}

// line is the count. A package can fail with no test failed (a -timeout
// panic, a crash after its tests, a build or vet error): it is named.
func (s summary) line() string {
	names := ""
	if len(s.skipped) > 0 {
		sort.Strings(s.skipped)
		names = " (" + strings.Join(s.skipped, ",") + ")"
	}
	line := fmt.Sprintf("%d passed, %d failed, %d skipped%s", s.passed, s.failed, len(s.skipped), names)
	if len(s.failedPackages) > 0 {
		sort.Strings(s.failedPackages)
		line += fmt.Sprintf("; %d package(s) failed (%s)", len(s.failedPackages), strings.Join(s.failedPackages, ","))
	}
	if s.packages == 0 {
		line += "; no package reported a result"
	}
	return line
}

// summarize copies to w what plain go test shows and counts top-level tests.
// go test -json runs tests verbosely and keeps a passing package's output,
// so output is held: a test's until it ends, shown if it failed (a failed
// subtest's own, not its passing siblings'); a package's own lines until
// it ends, of which a passing package shows only its "ok" line.
func summarize(r io.Reader, w io.Writer) (summary, error) {
	var s summary
	tests := map[string]*strings.Builder{}    // package + test (subtests apart): its output so far
	packages := map[string]*strings.Builder{} // package: its own lines so far
	hold := func(m map[string]*strings.Builder, key, text string) {
		b := m[key]
		if b == nil {
			b = &strings.Builder{}
			m[key] = b
		}
		b.WriteString(text)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 64*1024*1024)
	for sc.Scan() {
		raw := sc.Bytes()
		var e event
		if err := json.Unmarshal(raw, &e); err != nil || e.Action == "" {
			// Not an event: go test's own words (a bad flag, say). Show it.
			fmt.Fprintln(w, string(raw))
			continue
		}
		key := e.Package + "\x00" + e.Test
		ended := e.Action == "pass" || e.Action == "fail" || e.Action == "skip"
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Test == "" && e.Action == "output":
			hold(packages, e.Package, e.Output)
		case e.Test == "" && ended:
			s.packages++
			held := ""
			if b := packages[e.Package]; b != nil {
				held = b.String()
			}
			delete(packages, e.Package)
			if e.Action == "fail" {
				s.failedPackages = append(s.failedPackages, e.Package)
				// Whatever a test left unfinished (a -timeout panic names it).
				for _, k := range sortedKeys(tests) {
					if strings.HasPrefix(k, e.Package+"\x00") {
						fmt.Fprintf(w, "--- %s %s: did not finish\n%s", e.Package, strings.TrimPrefix(k, e.Package+"\x00"), tests[k].String())
						delete(tests, k)
					}
				}
				fmt.Fprint(w, held)
				continue
			}
			for _, l := range strings.SplitAfter(held, "\n") {
				if strings.HasPrefix(l, "ok ") || strings.HasPrefix(l, "?") {
					fmt.Fprint(w, l)
				}
			}
		case e.Action == "output":
			hold(tests, key, e.Output)
		case ended:
			if e.Action == "fail" {
				if b := tests[key]; b != nil {
					fmt.Fprint(w, b.String())
				}
			}
			delete(tests, key)
			if !strings.Contains(e.Test, "/") {
				switch e.Action {
				case "pass":
					s.passed++
				case "fail":
					s.failed++
				case "skip":
					s.skipped = append(s.skipped, e.Test)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	// Input that ended mid-run: show what was held, in a stable order.
	for _, k := range sortedKeys(tests) {
		pkg, test, _ := strings.Cut(k, "\x00")
		fmt.Fprintf(w, "--- %s %s: did not finish\n%s", pkg, test, tests[k].String())
	}
	for _, k := range sortedKeys(packages) {
		fmt.Fprint(w, packages[k].String())
	}
	return s, nil
}

func sortedKeys(m map[string]*strings.Builder) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
