package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"testing"

	"github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// What differs between the CLI versions CI proves (.ci/versions.env):
// tests that use something newer than the oldest Terraform supported skip
// there, naming what they need.

// skipBelow skips a test on a Terraform older than minimum, naming the
// feature that needs it (tfversion.SkipBelow names only the version).
func skipBelow(minimum *version.Version, feature string) tfversion.TerraformVersionCheck {
	return featureCheck{minimum: minimum, feature: feature}
}

type featureCheck struct {
	minimum *version.Version
	feature string
}

func (c featureCheck) CheckTerraformVersion(ctx context.Context, req tfversion.CheckTerraformVersionRequest, resp *tfversion.CheckTerraformVersionResponse) {
	tfversion.SkipBelow(c.minimum).CheckTerraformVersion(ctx, req, resp)
	if resp.Skip != "" {
		resp.Skip = fmt.Sprintf("needs Terraform %s or later for %s; this is %s", c.minimum, c.feature, req.TerraformVersion)
	}
}

// expectNoChangeButSensitivity passes when the plan changes nothing, or
// when its only change is an update of address whose values are identical
// before and after: what Terraform 1.5 plans after `terraform import`,
// because the import records the state without the sensitive marks and only
// the next apply records them. (The JSON plan cannot show that difference:
// it derives before_sensitive from the schema as well.) Any other action,
// and any change of value, fails.
func expectNoChangeButSensitivity(address string, sawUpdate *bool) plancheck.PlanCheck {
	return sensitivityOnlyCheck{address: address, sawUpdate: sawUpdate}
}

type sensitivityOnlyCheck struct {
	address   string
	sawUpdate *bool
}

func (c sensitivityOnlyCheck) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change.Actions.NoOp() {
			continue
		}
		if rc.Address != c.address || !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s has planned actions %v; want none, or an update of %s that changes only sensitivity", rc.Address, rc.Change.Actions, c.address)
			return
		}
		if !reflect.DeepEqual(rc.Change.Before, rc.Change.After) {
			resp.Error = fmt.Errorf("%s: the planned update changes values (before %v, after %v); only its sensitivity may change", rc.Address, rc.Change.Before, rc.Change.After)
			return
		}
		*c.sawUpdate = true
	}
}

// cliVersion asks the CLI under test (TF_ACC_TERRAFORM_PATH) for its
// version; OpenTofu answers with its own version number.
func cliVersion(t *testing.T) *version.Version {
	t.Helper()
	out, err := exec.Command(os.Getenv("TF_ACC_TERRAFORM_PATH"), "version", "-json").Output()
	if err != nil {
		t.Fatalf("asking the CLI for its version: %v", err)
	}
	parsed, err := parseVersionJSON(out)
	if err != nil {
		t.Fatalf("the CLI's version -json: %v", err)
	}
	return parsed
}

// parseVersionJSON reads the version from what `version -json` printed.
// OpenTofu 1.12 prints CLI configuration warnings on stdout before the JSON
// (when TF_CLI_CONFIG_FILE names a missing file, or ~/.terraformrc is
// missing), so the JSON object is read from the first line that opens one.
func parseVersionJSON(out []byte) (*version.Version, error) {
	start := bytes.Index(out, []byte("\n{"))
	switch {
	case bytes.HasPrefix(out, []byte("{")):
		start = 0
	case start >= 0:
		start++
	default:
		return nil, fmt.Errorf("no JSON object in %q", out)
	}
	var v struct {
		TerraformVersion string `json:"terraform_version"`
	}
	if err := json.NewDecoder(bytes.NewReader(out[start:])).Decode(&v); err != nil {
		return nil, fmt.Errorf("%w in %q", err, out)
	}
	return version.NewVersion(v.TerraformVersion)
}

// addressProviderForOpenTofu makes terraform-plugin-testing name the
// in-process provider as OpenTofu resolves "plaid" when the CLI under test
// is OpenTofu. By default the framework registers it for reattachment under
// registry.terraform.io/-/plaid and registry.terraform.io/hashicorp/plaid:
// OpenTofu rejects the first (the legacy "-" namespace belongs to its own
// registry) and looks for registry.opentofu.org/hashicorp/plaid instead of
// the second.
func addressProviderForOpenTofu() {
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		return
	}
	out, err := exec.Command(cli, "version").Output()
	if err != nil || !strings.Contains(string(out), "OpenTofu v") {
		return
	}
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	if os.Getenv("TF_ACC_PROVIDER_NAMESPACE") == "" {
		os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "hashicorp")
	}
}
