package acctest

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// SpecEnv names the environment variable holding the path of Plaid's
// official OpenAPI spec. The spec is read from there, never copied here.
const SpecEnv = "PLAID_OPENAPI_SPEC"

// Contract validates exchanges against Plaid's OpenAPI spec: every request
// the provider sends and every answer the emulator gives, errors included,
// and every webhook body the emulator makes.
type Contract struct {
	doc *openapi3.T
	// SpecPath is the file the contract was loaded from.
	SpecPath string

	webhookSchemas sync.Map // "TYPE CODE" -> webhookSchema
}

var (
	contractOnce sync.Once
	contract     *Contract
	contractErr  error

	// ExchangesChecked, WebhooksChecked and Violations count over the
	// whole test process, for the summary TestMain prints.
	ExchangesChecked atomic.Int64
	WebhooksChecked  atomic.Int64
	Violations       atomic.Int64
)

// LoadContract loads the spec named by PLAID_OPENAPI_SPEC once per process.
// It returns nil, nil when the variable is unset.
func LoadContract() (*Contract, error) {
	path := os.Getenv(SpecEnv)
	if path == "" {
		return nil, nil
	}
	contractOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(path)
		if err != nil {
			contractErr = fmt.Errorf("loading %s=%s: %w", SpecEnv, path, err)
			return
		}
		addCodesNewerThanSpec(doc)
		contract = &Contract{doc: doc, SpecPath: path}
	})
	return contract, contractErr
}

// addCodesNewerThanSpec makes the contract what Plaid's newest spec accepts
// when the spec file predates codes Plaid has added since: each code
// plaid.ReasonCodesAddedSince records as added by a version newer than the
// file's joins the enum of its endpoint's reason_code. A spec that has
// reached that version must list the code itself (plaid's
// TestReasonFactsMatchPlaidSpec checks it), so nothing is added then.
func addCodesNewerThanSpec(doc *openapi3.T) {
	specVersion := doc.Info.Version[strings.LastIndex(doc.Info.Version, "_")+1:]
	for path, codes := range plaid.ReasonCodesAddedSince {
		op := doc.Paths.Value(path)
		if op == nil || op.Post == nil || op.Post.RequestBody == nil || op.Post.RequestBody.Value == nil {
			continue
		}
		media := op.Post.RequestBody.Value.Content.Get("application/json")
		if media == nil || media.Schema == nil || media.Schema.Value == nil {
			continue
		}
		enum := enumSchema(media.Schema.Value.Properties["reason_code"])
		if enum == nil {
			continue
		}
		for code, since := range codes {
			if plaid.APIVersionBefore(specVersion, since) && !slices.Contains(enum.Enum, any(code)) {
				enum.Enum = append(enum.Enum, code)
			}
		}
	}
}

// enumSchema is the schema that holds ref's enum: itself, or one its allOf
// wraps (the spec describes reason_code as allOf a shared enum schema).
func enumSchema(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil || ref.Value == nil {
		return nil
	}
	if len(ref.Value.Enum) > 0 {
		return ref.Value
	}
	for _, inner := range ref.Value.AllOf {
		if s := enumSchema(inner); s != nil {
			return s
		}
	}
	return nil
}

// ReportDirEnv names a directory where each test binary writes its
// contract summary; `make test` prints them, because go test hides what
// passing packages print.
const ReportDirEnv = "PLAID_TEST_REPORT_DIR"

// ReportContract prints, and writes to the report directory, how many
// exchanges this test process checked. It returns false when any violated
// the contract, so TestMain can fail the run.
func ReportContract(pkg string) bool {
	c, err := LoadContract()
	var line string
	switch {
	case err != nil:
		line = fmt.Sprintf("contract (%s): could not load the spec: %v", pkg, err)
	case c == nil:
		line = fmt.Sprintf("contract (%s): not checked: set %s to the path of Plaid's OpenAPI spec to validate every exchange", pkg, SpecEnv)
	default:
		line = fmt.Sprintf("contract (%s): checked %d exchanges and %d webhooks against %s: %d violations", pkg, ExchangesChecked.Load(), WebhooksChecked.Load(), filepath.Base(c.SpecPath), Violations.Load())
	}
	fmt.Println(line)
	if dir := os.Getenv(ReportDirEnv); dir != "" {
		_ = os.WriteFile(filepath.Join(dir, "contract-"+pkg+".txt"), []byte(line+"\n"), 0o600)
	}
	return err == nil && Violations.Load() == 0
}

// Check validates one exchange, request and answer, and returns what is
// wrong with it, if anything.
func (c *Contract) Check(ex emulator.Exchange) error { return c.count(c.check(ex, true)) }

// CheckAnswer validates only the answer: for tests that send malformed
// requests on purpose to see the emulator's errors.
func (c *Contract) CheckAnswer(ex emulator.Exchange) error { return c.count(c.check(ex, false)) }

func (c *Contract) count(err error) error {
	ExchangesChecked.Add(1)
	if err != nil {
		Violations.Add(1)
	}
	return err
}

func (c *Contract) check(ex emulator.Exchange, checkRequest bool) error {
	pathItem := c.doc.Paths.Value(ex.Path)
	if pathItem == nil || pathItem.Post == nil {
		if ex.Status == http.StatusNotFound {
			return nil // the emulator's answer for paths Plaid doesn't have
		}
		return fmt.Errorf("%s: not an operation in Plaid's spec", ex.Path)
	}
	req, err := http.NewRequest(http.MethodPost, "https://sandbox.plaid.com"+ex.Path, bytes.NewReader(ex.RequestBody))
	if err != nil {
		return err
	}
	req.Header = ex.RequestHeader.Clone()
	route := &routers.Route{Spec: c.doc, Path: ex.Path, PathItem: pathItem, Method: http.MethodPost, Operation: pathItem.Post}
	opts := &openapi3filter.Options{MultiError: true, AuthenticationFunc: headerCredentials}
	reqInput := &openapi3filter.RequestValidationInput{Request: req, Route: route, Options: opts}
	ctx := context.Background()
	if err := openapi3filter.ValidateRequest(ctx, reqInput); err != nil && checkRequest {
		return fmt.Errorf("request to %s violates Plaid's spec: %w", ex.Path, err)
	}
	respInput := &openapi3filter.ResponseValidationInput{RequestValidationInput: reqInput, Status: ex.Status, Header: ex.ResponseHeader, Options: opts}
	respInput.SetBodyBytes(ex.ResponseBody)
	if err := openapi3filter.ValidateResponse(ctx, respInput); err != nil {
		return fmt.Errorf("HTTP %d answer to %s violates Plaid's spec: %w", ex.Status, ex.Path, err)
	}
	return nil
}

// headerCredentials checks that each API-key header the spec requires
// (PLAID-CLIENT-ID, PLAID-SECRET, Plaid-Version) is present.
func headerCredentials(_ context.Context, in *openapi3filter.AuthenticationInput) error {
	scheme := in.SecurityScheme
	if scheme.Type == "apiKey" && scheme.In == "header" && in.RequestValidationInput.Request.Header.Get(scheme.Name) == "" {
		return fmt.Errorf("header %s is missing", scheme.Name)
	}
	return nil
}
