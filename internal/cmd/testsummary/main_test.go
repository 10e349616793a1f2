package main

import (
	"strings"
	"testing"
)

func TestSummarize_countsTopLevelTestsAndShowsOnlyFailedOutput(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestA"}`,
		`{"Action":"output","Package":"p","Test":"TestA","Output":"quiet log of a pass\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestA"}`,
		`{"Action":"run","Package":"p","Test":"TestB"}`,
		`{"Action":"run","Package":"p","Test":"TestB/sibling"}`,
		`{"Action":"output","Package":"p","Test":"TestB/sibling","Output":"a passing sibling's log\n"}`,
		`{"Action":"pass","Package":"p","Test":"TestB/sibling"}`,
		`{"Action":"run","Package":"p","Test":"TestB/sub"}`,
		`{"Action":"output","Package":"p","Test":"TestB/sub","Output":"the subtest's failure\n"}`,
		`{"Action":"fail","Package":"p","Test":"TestB/sub"}`,
		`{"Action":"fail","Package":"p","Test":"TestB"}`,
		`{"Action":"output","Package":"p","Test":"TestC","Output":"no PLAID_CLIENT_ID\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestC"}`,
		`{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}`,
		`{"Action":"fail","Package":"p"}`,
		`{"Action":"output","Package":"q","Output":"PASS\n"}`,
		`{"Action":"output","Package":"q","Output":"contract line TestMain printed\n"}`,
		`{"Action":"output","Package":"q","Output":"ok  \tq\t0.1s\n"}`,
		`{"Action":"pass","Package":"q"}`,
	}, "\n")
	var w strings.Builder
	s, err := summarize(strings.NewReader(in), &w)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.line(), "1 passed, 1 failed, 1 skipped (TestC); 1 package(s) failed (p)"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	if s.ok() {
		t.Error("a failed test must fail the run")
	}
	out := w.String()
	for _, want := range []string{"the subtest's failure", "FAIL\tp", "ok  \tq"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	for _, not := range []string{"quiet log of a pass", "no PLAID_CLIENT_ID", "a passing sibling's log", "contract line TestMain printed"} {
		if strings.Contains(out, not) {
			t.Errorf("output shows %q, which plain go test hides:\n%s", not, out)
		}
	}
}

func TestSummarize_aBuildFailureOrNoResultFailsTheRun(t *testing.T) {
	for name, in := range map[string]string{
		"build failure": `{"Action":"build-output","ImportPath":"p","Output":"p/x.go:1: syntax error\n"}` + "\n" +
			`{"Action":"fail","Package":"p","FailedBuild":"p"}`,
		"go test never started": "flag provided but not defined: -bogus\n",
		"empty":                 "",
	} {
		t.Run(name, func(t *testing.T) {
			var w strings.Builder
			s, err := summarize(strings.NewReader(in), &w)
			if err != nil {
				t.Fatal(err)
			}
			if s.ok() {
				t.Errorf("%s passed the run; output:\n%s", name, w.String())
			}
			if name != "empty" && w.Len() == 0 {
				t.Errorf("%s showed nothing", name)
			}
		})
	}
}

func TestSummarize_aPackageFailingWithNoFailedTestIsNamedWithWhatDidNotFinish(t *testing.T) {
	in := strings.Join([]string{
		`{"Action":"run","Package":"p","Test":"TestSlow"}`,
		`{"Action":"output","Package":"p","Test":"TestSlow","Output":"still waiting\n"}`,
		`{"Action":"output","Package":"p","Output":"panic: test timed out after 30m0s\n"}`,
		`{"Action":"fail","Package":"p"}`,
	}, "\n")
	var w strings.Builder
	s, err := summarize(strings.NewReader(in), &w)
	if err != nil {
		t.Fatal(err)
	}
	if s.ok() {
		t.Error("a failed package must fail the run")
	}
	if got, want := s.line(), "0 passed, 0 failed, 0 skipped; 1 package(s) failed (p)"; got != want {
		t.Errorf("line %q, want %q", got, want)
	}
	for _, want := range []string{"--- p TestSlow: did not finish", "still waiting", "panic: test timed out"} {
		if !strings.Contains(w.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, w.String())
		}
	}
}
