package lifecycle

import (
	"fmt"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
)

// Capabilities are what the CLI under test can do; steps that need more
// are skipped, and the walk says so.
type Capabilities struct {
	// CLI is the CLI's name and version, for reports.
	CLI string
	// ImportBlocks: Terraform 1.5 and later, every OpenTofu this provider
	// claims.
	ImportBlocks bool
	// RemovedBlocks with lifecycle { destroy = false }: Terraform 1.7 and
	// later, OpenTofu 1.7 and later.
	RemovedBlocks bool
}

// DetectCapabilities asks the CLI what it is.
func DetectCapabilities(cli string) (Capabilities, error) {
	name, version, err := clirun.CLIVersion(cli)
	if err != nil {
		return Capabilities{}, err
	}
	return capabilitiesOf(name, version)
}

// capabilitiesOf is what a CLI of that name ("Terraform" or "OpenTofu")
// and version can do.
func capabilitiesOf(name, version string) (Capabilities, error) {
	var major, minor int
	if _, err := fmt.Sscanf(version, "%d.%d", &major, &minor); err != nil {
		return Capabilities{}, fmt.Errorf("%s version %q: %w", name, version, err)
	}
	atLeast := func(mj, mn int) bool { return major > mj || (major == mj && minor >= mn) }
	return Capabilities{
		CLI:           name + " " + version,
		ImportBlocks:  name == "OpenTofu" || atLeast(1, 5),
		RemovedBlocks: atLeast(1, 7),
	}, nil
}
