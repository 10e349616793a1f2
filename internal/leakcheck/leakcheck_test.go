package leakcheck

import (
	"net/url"
	"strings"
	"testing"
)

const (
	testSecret = "emu-secret-5f0c1a2b3c4d5e6f7a8b9c0d"
	testToken  = "access-sandbox-3f1c2e4a-9b8d-4c7e-a6f5-0123456789ab"
	// A secret as Plaid issues them: no prefix, no hyphen.
	plainSecret = "c0ffee00c0ffee00c0ffee00c0ffee"
)

func literals() []Literal {
	return []Literal{{"the secret", testSecret}, {"the token", testToken}, {"the plain secret", plainSecret}}
}

// The spelling helpers, checked against hand-written text rather than
// against each other.
func TestSpellings(t *testing.T) {
	for name, tc := range map[string]struct{ got, want string }{
		"percent every byte":  {PercentEncodeAll("a-Z"), "%61%2d%5a"},
		"percent hyphens":     {PercentEncodeHyphens("a-b-c"), "a%2Db%2Dc"},
		"JSON every byte":     {JSONEscapeAll("a-Z"), `\u0061\u002d\u005a`},
		"JSON hyphens":        {JSONEscapeHyphens("a-b-c"), `a\u002db\u002dc`},
		"no hyphen to escape": {JSONEscapeHyphens("abc") + PercentEncodeHyphens("abc"), "abcabc"},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %q, want %q", name, tc.got, tc.want)
		}
	}
}

// Every spelling that counts as a leak is found, names the right value,
// and Scrub leaves none of it behind.
func TestFindAll_findsEverySpelling(t *testing.T) {
	idPart := testToken[len("access-sandbox-"):]
	for name, tc := range map[string]struct {
		text, what string
	}{
		"token as is":                {"x " + testToken + " y", "the token"},
		"secret upper case":          {strings.ToUpper(testSecret), "the secret"},
		"token mixed case":           {"Access-Sandbox-" + strings.ToUpper(idPart[:8]) + idPart[8:], "the token"},
		"token glued":                {"token_" + testToken + "_end", "the token"},
		"token percent every byte":   {"q=%61%63%63%65%73%73%2d%73%61%6e%64%62%6f%78%2d" + PercentEncodeAll(idPart), "the token"},
		"secret percent upper case":  {strings.ToUpper(PercentEncodeAll(plainSecret)), "the plain secret"},
		"token percent twice":        {strings.ReplaceAll(PercentEncodeAll(testToken), "%", "%25"), "the token"},
		"plain secret percent twice": {strings.ReplaceAll(PercentEncodeAll(plainSecret), "%", "%25"), "the plain secret"},
		"secret query-escaped":       {"s=" + url.QueryEscape(plainSecret+"/+"), "the plain secret"},
		"secret hyphens percent":     {"emu%2dsecret%2D5f0c1a2b3c4d5e6f7a8b9c0d", "the secret"},
		"token hyphens JSON":         {`access\u002dsandbox\u002d3f1c2e4a\u002d9b8d\u002d4c7e\u002da6f5\u002d0123456789ab`, "the token"},
		"secret JSON every byte":     {`"` + JSONEscapeAll(testSecret) + `"`, "the secret"},
		"plain secret JSON upper":    {strings.ToUpper(JSONEscapeAll(plainSecret)), "the plain secret"},
		"token prefix redacted":      {"access-sandbox-<redacted>" + idPart, "the token"},
		"secret prefix redacted":     {"emu-secret-*** 5f0c1a2b3c4d5e6f7a8b9c0d", "the secret"},
		"token hyphens as HTML":      {strings.ReplaceAll(testToken, "-", "&#45;"), "the token"},
		"token double-escaped":       {strings.ReplaceAll(testToken, "-", `\\u002d`), "the token"},
	} {
		t.Run(name, func(t *testing.T) {
			found := strings.Join(FindAll(tc.text, literals()...), "; ")
			if !strings.HasPrefix(found, tc.what+", ") {
				t.Errorf("found %q, want %s first", found, tc.what)
			}
			scrubbed := Scrub(tc.text, literals()...)
			if left := FindAll(scrubbed, literals()...); len(left) != 0 {
				t.Errorf("Scrub left %v in %q", left, scrubbed)
			}
			if !strings.Contains(scrubbed, "<"+tc.what+" ") {
				t.Errorf("Scrub does not name what it replaced: %q", scrubbed)
			}
		})
	}
}

// Each of Forms' spellings, planted alone, is found; and the list holds
// every kind of spelling the package promises, so that dropping one fails
// here rather than silently narrowing every scan.
func TestForms_eachIsFoundAndNoneIsMissing(t *testing.T) {
	hows := map[string]bool{}
	for _, f := range Forms(testToken) {
		hows[f.How] = true
		text := "before " + f.Text + " after"
		if found := FindAll(text, Literal{"the token", testToken}); len(found) == 0 {
			t.Errorf("%s: not found", f.How)
		}
		if strings.EqualFold(f.Text, testToken) != (f.How == "as is (any letter case)") {
			t.Errorf("%s: spells the token as is", f.How)
		}
	}
	for _, want := range []string{
		"as is (any letter case)", "percent-encoded byte by byte", "percent-encoded byte by byte, twice",
		"with hyphens percent-encoded", `with hyphens JSON-escaped (\u002d)`, "JSON-escaped byte by byte",
		"its random part", "a piece of its random part",
	} {
		if !hows[want] {
			t.Errorf("Forms(token) lacks %q", want)
		}
	}
	// A value with characters url.QueryEscape changes gets that form too.
	if fs := Forms("secret with/slash+plus"); !hasHow(fs, "query-escaped") {
		t.Errorf("Forms lacks the query-escaped spelling: %v", fs)
	}
	// Spellings that read the same are not listed twice, and a value
	// without a prefix has no random part of its own.
	for _, f := range Forms(plainSecret) {
		switch f.How {
		case "query-escaped", "with hyphens percent-encoded", `with hyphens JSON-escaped (\u002d)`, "its random part", "a piece of its random part":
			t.Errorf("Forms(plainSecret) lists %q, which is the value as is or not a part of it", f.How)
		}
	}
}

func hasHow(forms []Form, how string) bool {
	for _, f := range forms {
		if f.How == how {
			return true
		}
	}
	return false
}

// Text that only looks like the values, or holds short pieces of them, is
// clean.
func TestFindAll_cleanTextHasNothing(t *testing.T) {
	for _, clean := range []string{
		"",
		"access-sandbox-<redacted> emu-secret-<redacted> request_id 5f0c1a2b INVALID_API_KEYS",
		"access-sandbox-3f1c2e4a-0000-4000-8000-000000000000 is another token",
		"%61%63%63%65%73%73 and \\u0061 and c0ffee00",
		"\xff\xfe invalid UTF-8 \xc3",
	} {
		if found := FindAll(clean, literals()...); len(found) != 0 {
			t.Errorf("found %v in %q", found, clean)
		}
		if got := Find(clean, testSecret, testToken, plainSecret); got != "" {
			t.Errorf("Find found %q in %q", got, clean)
		}
		if got := Scrub(clean, literals()...); got != clean {
			t.Errorf("Scrub changed clean text %q to %q", clean, got)
		}
	}
	if found := FindAll(testToken, Literal{"nothing", ""}); len(found) != 0 {
		t.Errorf("an empty value matched: %v", found)
	}
}

// Reports name the value and the spelling, count it, and never repeat it in
// any spelling.
func TestFindAll_reportsNeverRepeatTheValue(t *testing.T) {
	var text strings.Builder
	for _, l := range literals() {
		for _, f := range Forms(l.Value) {
			text.WriteString(f.Text + " ")
		}
	}
	found := FindAll(text.String(), literals()...)
	if len(found) == 0 {
		t.Fatal("nothing found")
	}
	report := strings.Join(found, "\n")
	if left := FindAll(report, literals()...); len(left) != 0 {
		t.Errorf("the report repeats a value: %v", left)
	}
	if !strings.Contains(report, "the plain secret, as is (any letter case) (1 times)") {
		t.Errorf("the report does not count: %s", report)
	}
	got := Find("x "+strings.ToUpper(testToken), testSecret, testToken)
	if got != "value #1, as is (any letter case) (1 times)" {
		t.Errorf("Find = %q", got)
	}
}

// Scrub keeps everything around what it replaces, byte for byte, whatever
// the case of the match and even next to invalid UTF-8.
func TestScrub_keepsTheRest(t *testing.T) {
	text := "\xffÄ token=" + strings.ToUpper(testToken) + " and Ä secret=" + testSecret + "."
	want := "\xffÄ token=<the token as is (any letter case)> and Ä secret=<the secret as is (any letter case)>."
	if got := Scrub(text, literals()...); got != want {
		t.Errorf("Scrub = %q, want %q", got, want)
	}
}

// Whatever a hostile test server plants is something the check sees, and
// the planted list keeps its case and glue variants.
func TestEchoes_areAllFound(t *testing.T) {
	for _, l := range literals() {
		echoes := Echoes(l.Value)
		for _, e := range echoes {
			if found := FindAll("x"+e.Text+"y", l); len(found) == 0 {
				t.Errorf("%s: the echo %q is not found", l.What, e.How)
			}
		}
		for _, want := range []string{"as is (any letter case)", "upper case", "glued", "glued upper case", "percent-encoded byte by byte", "JSON-escaped byte by byte"} {
			if !hasHow(echoes, want) {
				t.Errorf("%s: Echoes lacks %q", l.What, want)
			}
		}
		if hasHow(echoes, "its random part") {
			t.Errorf("%s: Echoes plants a part, which only a redactor that knows the value could catch", l.What)
		}
	}
}
