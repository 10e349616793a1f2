// Command terraform-provider-plaid serves the plaid Terraform provider.
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// version is set by the release build (.goreleaser.yml ldflags).
var version = "dev"

// memoryLimit is the provider's soft memory limit. Terraform may keep a
// thousand RPCs of a big configuration in flight at once, each holding its
// own logging context; left to the default GC, the heap grows to twice that
// before collecting. Under the limit the GC works harder instead, keeping
// the process near its live heap. GOMEMLIMIT, when set, takes precedence.
const memoryLimit = 40 << 20

func main() {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.RegistryAddress,
		Debug:   debugMode,
	})
	if err != nil {
		log.Fatal(err)
	}
}
