package provider

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/ledgerline/terraform-provider-plaid/internal/acctest"
	"github.com/ledgerline/terraform-provider-plaid/internal/leakcheck"
)

// The provider against a server that misbehaves on purpose (issue 11): a
// wrong or compromised base_url, a proxy, a broken gateway. The hostile
// server fronts the emulator and turns hostile on one path; everything
// else is the emulator answering. These tests need the emulator, so they
// skip against Plaid's real sandbox.
//
// Each is bounded: max_retries is small or zero, request_timeout short, and
// every listener is on loopback.

// hostileProviderConfig is the provider block pointing at the hostile
// server, with the token variable acctest.TokenVariable and the retry
// settings given; the secret comes from PLAID_SECRET, as NewTarget set it.
func hostileProviderConfig(tg *acctest.Target, h *acctest.Hostile, maxRetries int) string {
	return fmt.Sprintf(`variable "plaid_token" {
  type      = string
  sensitive = true
  default   = null
}

provider "plaid" {
  base_url        = %q
  client_id       = %q
  max_retries     = %d
  request_timeout = "10s"
}
`, h.URL, tg.ClientID, maxRetries)
}

func hostileItemConfig(tg *acctest.Target, h *acctest.Hostile, maxRetries int) string {
	return hostileProviderConfig(tg, h, maxRetries) + `
resource "plaid_item" "test" {
  access_token = var.plaid_token
}
`
}

// hostileSandboxItemConfig creates a sandbox Item with retries enabled, so
// that a retry of a creating call would happen if the client allowed it.
func hostileSandboxItemConfig(tg *acctest.Target, h *acctest.Hostile) string {
	return hostileProviderConfig(tg, h, 2) + `
resource "plaid_sandbox_item" "test" {}
`
}

// newHostileTarget is an emulator with a seeded Item whose token is the
// value of TF_VAR_plaid_token, behind a hostile server that behaves until
// told otherwise.
func newHostileTarget(t *testing.T) (*acctest.Target, *acctest.Hostile, string, string) {
	t.Helper()
	tg := acctest.NewTarget(t)
	tg.RequireEmulator(t)
	item := tg.NewItem(t)
	return tg, acctest.NewHostile(t, tg.URL), item.ItemID, item.AccessToken
}

// captureTraceLog makes this test's Terraform CLI and provider log at TRACE
// into one file, and returns its path. Under `make test-trace`, whose
// TF_LOG_PATH_MASK takes precedence, it is that test's file.
func captureTraceLog(t *testing.T) string {
	t.Helper()
	t.Setenv("TF_LOG", "TRACE")
	if os.Getenv("TF_LOG_CORE") == "" { // terraform-plugin-testing refuses both
		t.Setenv("TF_ACC_LOG", "TRACE")
	}
	if mask := os.Getenv("TF_LOG_PATH_MASK"); mask != "" {
		return fmt.Sprintf(mask, strings.ReplaceAll(t.Name(), "/", "__"))
	}
	path := filepath.Join(t.TempDir(), "trace.log")
	t.Setenv("TF_ACC_LOG_PATH", path)
	return path
}

// checkLogHasNoLiterals fails the test when the TRACE log holds any form
// of the literals. It first checks that the log really holds the
// provider's TRACE output and the CLI's, so that an empty or missing log
// cannot pass.
func checkLogHasNoLiterals(t *testing.T, path string, literals []leakcheck.Literal) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("reading the TRACE log: %v", err)
		return
	}
	text := string(raw)
	for _, evidence := range []struct{ what, marker string }{
		{"the provider's TRACE lines", "tf_provider_addr"},
		{"the provider's TRACE lines for its RPCs", "tf_rpc=ApplyResourceChange"},
		{"the Terraform CLI's TRACE lines", "[TRACE]"},
	} {
		if !strings.Contains(text, evidence.marker) {
			t.Errorf("the TRACE log (%d bytes) lacks %s (%q): the leak scan would prove nothing", len(raw), evidence.what, evidence.marker)
		}
	}
	if leaks := leakcheck.FindAll(text, literals...); len(leaks) > 0 {
		t.Errorf("the TRACE log shows %s", strings.Join(leaks, "; "))
	}
}

// expectedFailure is an ErrorCheck that accepts the one error the test
// expects and scans its full text, which is Terraform's output with every
// diagnostic, for the literals. ExpectError would only match a pattern; it
// cannot show the test the text to scan. Problems are reported with
// t.Errorf, not returned, so that the TRACE log is scanned as well.
type expectedFailure struct {
	t        *testing.T
	want     *regexp.Regexp
	literals []leakcheck.Literal
	seen     int
}

func (f *expectedFailure) check(err error) error {
	f.t.Helper()
	f.seen++
	text := err.Error()
	// Any text shown is scrubbed by the test, never by the provider.
	if !f.want.MatchString(text) {
		f.t.Errorf("the error does not match %s:\n%s", f.want, leakcheck.Scrub(text, f.literals...))
	}
	if leaks := leakcheck.FindAll(text, f.literals...); len(leaks) > 0 {
		f.t.Errorf("Terraform's output shows %s:\n%s", strings.Join(leaks, "; "), leakcheck.Scrub(text, f.literals...))
	}
	return nil
}

func (f *expectedFailure) requireSeen() {
	f.t.Helper()
	if f.seen == 0 {
		f.t.Errorf("the apply succeeded; want it to fail with an error matching %s", f.want)
	}
}

// testEchoNeverShows adopts an Item while /item/get answers with the
// secret and the token it received in placement p: the adoption fails,
// and neither value shows in Terraform's output or its TRACE log, in any
// form. Retries are enabled, once, so that an answer the client retries
// also goes through the retry's log line.
func testEchoNeverShows(t *testing.T, p acctest.EchoPlacement) {
	tg, h, _, token := newHostileTarget(t)
	h.On("/item/get", acctest.Echo(p))
	logPath := captureTraceLog(t)
	literals := []leakcheck.Literal{{What: "the client secret", Value: tg.Secret}, {What: "the access token", Value: token}}
	failure := &expectedFailure{t: t, want: regexp.MustCompile(`(?s)/item/get`), literals: literals}

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		ErrorCheck:               failure.check,
		Steps:                    []resource.TestStep{{Config: hostileItemConfig(tg, h, 1)}},
	})
	failure.requireSeen()
	wantSent := 1 // a 400 or a 200 that is not JSON is not retried
	if p == acctest.EchoInRetriedAnswer {
		wantSent = 2
	}
	if n := h.Received("/item/get"); n != wantSent {
		t.Errorf("/item/get was sent %d times, want %d", n, wantSent)
	}
	checkLogHasNoLiterals(t, logPath, literals)
}

func TestAccHostile_echoInErrorMessageNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInErrorMessage)
}

func TestAccHostile_echoInDisplayMessageNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInDisplayMessage)
}

func TestAccHostile_echoInRequestIDNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInRequestID)
}

func TestAccHostile_echoInErrorTypeNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInErrorType)
}

func TestAccHostile_echoInErrorCodeNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInErrorCode)
}

func TestAccHostile_echoInQuotedContentTypeNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInContentType)
}

func TestAccHostile_echoUpperCasedNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoUpperCased)
}

func TestAccHostile_echoPercentEncodedNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoPercentEncoded)
}

func TestAccHostile_echoJSONEscapedOnTheWireNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoJSONEscapedOnTheWire)
}

func TestAccHostile_echoJSONEscapedInsideTextNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoJSONEscapedInsideText)
}

func TestAccHostile_echoGluedToOtherCharactersNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoGlued)
}

func TestAccHostile_echoInQuotedContentTypeOf200NeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInContentTypeOn200)
}

func TestAccHostile_echoAsZeroPaddedHTMLReferencesNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoHTMLZeroPadded)
}

func TestAccHostile_echoPercentEncodedFourTimesNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoPercentEncodedFourTimes)
}

func TestAccHostile_echoSplitByABlankLetterNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoSplitByBlankLetter)
}

func TestAccHostile_echoInFullwidthAndCombiningMarksNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoFullwidthAndMarks)
}

func TestAccHostile_echoInRetriedAnswerNeverShows(t *testing.T) {
	testEchoNeverShows(t, acctest.EchoInRetriedAnswer)
}

// Plaid's real proof of removal (400 ITEM_ERROR/ITEM_NOT_FOUND) carrying
// the token and secret in its message: the destroy succeeds, and the line
// saying the Item was already removed shows neither.
func TestAccHostile_echoInItemNotFoundOnRemoveNeverShows(t *testing.T) {
	tg, h, _, token := newHostileTarget(t)
	logPath := captureTraceLog(t)
	literals := []leakcheck.Literal{{What: "the client secret", Value: tg.Secret}, {What: "the access token", Value: token}}
	config := hostileItemConfig(tg, h, 0)

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig: func() { h.On("/item/remove", acctest.EchoAsItemNotFound()) },
				Config:    config,
				Destroy:   true,
			},
		},
	})
	if n := h.Received("/item/remove"); n != 1 {
		t.Errorf("/item/remove was sent %d times, want 1", n)
	}
	checkLogHasNoLiterals(t, logPath, literals)
}

// testRedirectNotFollowed adopts an Item while /item/get answers a redirect
// to 127.0.0.2: the adoption fails naming the redirect, and the other host
// receives nothing, neither a connection nor a request.
func testRedirectNotFollowed(t *testing.T, status int) {
	tg, h, _, _ := newHostileTarget(t)
	h.On("/item/get", h.RedirectElsewhere(t, status))
	// A cleanup, so that it reports even when the step fails first.
	t.Cleanup(func() {
		if c, r, s := h.Elsewhere.Connections(), h.Elsewhere.Requests(), h.Elsewhere.RequestsWithSecret(); c != 0 || r != 0 {
			t.Errorf("the redirect target on 127.0.0.2 received %d connections and %d requests (%d with PLAID-SECRET); want none", c, r, s)
		}
	})

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      hostileItemConfig(tg, h, 0),
			ExpectError: regexp.MustCompile(fmt.Sprintf(`(?i)(redirect|\b%d\b)`, status)),
		}},
	})
}

func TestAccHostile_redirect307IsNotFollowed(t *testing.T) {
	testRedirectNotFollowed(t, http.StatusTemporaryRedirect)
}

func TestAccHostile_redirect302IsNotFollowed(t *testing.T) {
	testRedirectNotFollowed(t, http.StatusFound)
}

// testRemovalLieKeepsResource destroys an adopted Item while /item/remove
// answers with lie: the destroy fails, the resource stays in state, and
// once the server behaves the final destroy removes the Item, once.
func testRemovalLieKeepsResource(t *testing.T, lie acctest.Misbehaviour) {
	tg, h, itemID, _ := newHostileTarget(t)
	config := hostileItemConfig(tg, h, 1)
	// Terraform before 1.8 drops the token's sensitive mark from state when
	// a destroy fails, so the plan after the refresh proposes an update that
	// changes no value (hashicorp/terraform#34567); anything more fails.
	marksDroppedOnFailure := cliVersion(t).LessThan(tfversion.Version1_8_0)
	sensitivityOnlyUpdate := false

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		CheckDestroy:             tg.CheckItemsRemoved("plaid_item"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { h.On("/item/remove", lie) },
				Config:      config,
				Destroy:     true,
				ExpectError: regexp.MustCompile(`(?s)/item/remove`),
			},
			{
				// Refresh only: a plan would re-adopt a dropped Item and hide
				// the loss. From here the server behaves, for the clean-up.
				PreConfig:          h.Behave,
				RefreshState:       true,
				ExpectNonEmptyPlan: marksDroppedOnFailure,
				RefreshPlanChecks: resource.RefreshPlanChecks{
					PostRefresh: []plancheck.PlanCheck{expectNoChangeButSensitivity("plaid_item.test", &sensitivityOnlyUpdate)},
				},
				Check: func(s *terraform.State) error {
					rs, ok := s.RootModule().Resources["plaid_item.test"]
					if !ok {
						return fmt.Errorf("plaid_item.test left state after a failed destroy: the answer was no proof of removal")
					}
					if got := rs.Primary.Attributes["item_id"]; got != itemID {
						return fmt.Errorf("plaid_item.test has item_id %q, want %q", got, itemID)
					}
					return nil
				},
			},
		},
	})
}

// A 200 whose body is a Plaid error object is not a removal.
func TestAccHostile_removeAnswered200WithErrorBodyKeepsResource(t *testing.T) {
	testRemovalLieKeepsResource(t, acctest.SucceedWithErrorBody())
}

// A 200 without a request_id is not Plaid's answer.
func TestAccHostile_removeAnswered200WithoutRequestIDKeepsResource(t *testing.T) {
	testRemovalLieKeepsResource(t, acctest.SucceedWithoutRequestID())
}

// ITEM_NOT_FOUND proves removal only with HTTP 400 and ITEM_ERROR; a 404
// (a proxy's "route not found") carrying the code proves nothing.
func TestAccHostile_removeAnswered404ItemNotFoundKeepsResource(t *testing.T) {
	testRemovalLieKeepsResource(t, acctest.RouteNotFoundAsItemNotFound())
}

// A 500 carrying ITEM_NOT_FOUND, still there after the retries, is a
// failing server, not proof.
func TestAccHostile_removeAnswered500ItemNotFoundKeepsResource(t *testing.T) {
	testRemovalLieKeepsResource(t, acctest.ItemNotFoundAnswer(http.StatusInternalServerError, "ITEM_ERROR", "the Item was not found"))
}

// A 429 carrying ITEM_NOT_FOUND is a rate limit, not proof.
func TestAccHostile_removeAnswered429ItemNotFoundKeepsResource(t *testing.T) {
	testRemovalLieKeepsResource(t, acctest.ItemNotFoundAnswer(http.StatusTooManyRequests, "ITEM_ERROR", "the Item was not found"))
}

// A 400 carrying ITEM_NOT_FOUND under another error_type than ITEM_ERROR
// is not Plaid's answer for a removed Item.
func TestAccHostile_removeAnswered400ItemNotFoundOfWrongTypeKeepsResource(t *testing.T) {
	testRemovalLieKeepsResource(t, acctest.ItemNotFoundAnswer(http.StatusBadRequest, "INVALID_REQUEST", "the Item was not found"))
}

// testLostCreationAnswer creates a sandbox Item while the answer to path,
// a call that creates something, is lost after the work is done: the apply
// fails saying an Item may have been created, and the call was sent once,
// never retried, although retries are enabled.
func testLostCreationAnswer(t *testing.T, path string) {
	tg := acctest.NewTarget(t)
	tg.RequireEmulator(t)
	h := acctest.NewHostile(t, tg.URL)
	h.On(path, acctest.LoseAnswer())
	t.Cleanup(func() {
		if n := h.Received(path); n != 1 {
			t.Errorf("%s was sent %d times; want exactly once: its first answer was lost, so it may have gone through", path, n)
		}
	})

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      hostileSandboxItemConfig(tg, h),
			ExpectError: regexp.MustCompile(`(?is)may\s+have\s+been\s+created`),
		}},
	})
}

func TestAccHostile_lostSandboxPublicTokenCreateAnswerIsNotRetried(t *testing.T) {
	testLostCreationAnswer(t, "/sandbox/public_token/create")
}

func TestAccHostile_lostPublicTokenExchangeAnswerIsNotRetried(t *testing.T) {
	testLostCreationAnswer(t, "/item/public_token/exchange")
}

// An exchange that fails for good after the create went through leaves a
// sandbox Item that Terraform holds no token for: the diagnostic must say
// that it exists, not only that the exchange failed.
func TestAccHostile_failedExchangeSaysTheSandboxItemExists(t *testing.T) {
	tg := acctest.NewTarget(t)
	tg.RequireEmulator(t)
	h := acctest.NewHostile(t, tg.URL)
	h.On("/item/public_token/exchange", func(w http.ResponseWriter, _ *http.Request, _ acctest.Received, _ http.Handler) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(`{"error_type":"INVALID_INPUT","error_code":"INVALID_PUBLIC_TOKEN","error_message":"provided public token is expired","display_message":null,"request_id":"hostile-exchange"}`))
	})

	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testProviders,
		Steps: []resource.TestStep{{
			Config:      hostileSandboxItemConfig(tg, h),
			ExpectError: regexp.MustCompile(`(?is)sandbox\s+Item\s+Exists\s+Outside\s+Terraform\s+State`),
		}},
	})
	if n := h.Received("/item/public_token/exchange"); n != 1 {
		t.Errorf("/item/public_token/exchange was sent %d times; want once: INVALID_PUBLIC_TOKEN cannot change", n)
	}
}
