// Command testsummary reads `go test -json` on stdin, prints what a plain
// `go test` would (each package's ok or FAIL line, build errors, and the
// whole output of every failed test), and ends with the count of top-level
// tests passed, failed and skipped, naming the skipped ones. `make test`
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
	packageFailed  bool
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
	return s.packages > 0 && s.failed == 0 && !s.packageFailed
}

func (s summary) line() string {
	names := ""
	if len(s.skipped) > 0 {
		sort.Strings(s.skipped)
		names = " (" + strings.Join(s.skipped, ",") + ")"
	}
	return fmt.Sprintf("%d passed, %d failed, %d skipped%s", s.passed, s.failed, len(s.skipped), names)
}

// summarize copies the plain output to w and counts top-level tests.
// Output of a test is kept until the test ends and shown only if it
// failed; a subtest's output belongs to its top-level test.
func summarize(r io.Reader, w io.Writer) (summary, error) {
	var s summary
	held := map[string]*strings.Builder{} // package + top-level test: its output so far
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
		top, _, _ := strings.Cut(e.Test, "/")
		key := e.Package + "\x00" + top
		switch {
		case e.Action == "build-output":
			fmt.Fprint(w, e.Output)
		case e.Test == "" && e.Action == "output":
			// Package-level lines: ok/FAIL/PASS and what TestMain prints.
			if o := strings.TrimSpace(e.Output); o != "PASS" && o != "FAIL" && !strings.HasPrefix(o, "=== ") {
				fmt.Fprint(w, e.Output)
			}
		case e.Test == "" && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			s.packages++
			if e.Action == "fail" {
				s.packageFailed = true
			}
		case e.Action == "output":
			b := held[key]
			if b == nil {
				b = &strings.Builder{}
				held[key] = b
			}
			b.WriteString(e.Output)
		case e.Test == top && (e.Action == "pass" || e.Action == "fail" || e.Action == "skip"):
			switch e.Action {
			case "pass":
				s.passed++
			case "fail":
				s.failed++
				if b := held[key]; b != nil {
					fmt.Fprint(w, b.String())
				}
			case "skip":
				s.skipped = append(s.skipped, top)
			}
			delete(held, key)
		}
	}
	if err := sc.Err(); err != nil {
		return s, err
	}
	// A test still running when the input ended (a -timeout panic ends
	// the package): show what it printed.
	for _, b := range held {
		fmt.Fprint(w, b.String())
	}
	return s, nil
}
