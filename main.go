// Command terraform-provider-plaid serves the plaid Terraform provider.
package main

import (
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// version is set by the release build (.goreleaser.yml ldflags).
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	// What providerserver.Serve does, with the server from provider.NewServer:
	// the framework's, inside internal/rpccontext and the redacting layer.
	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	} else if err := quietLogsUnlessAsked(os.Environ(), providerLoggerName(provider.RegistryAddress), os.Setenv); err != nil {
		log.Fatal(err)
	}
	stopProfile := startCPUProfile()
	err := tf6server.Serve(provider.RegistryAddress, provider.NewServer(version), opts...)
	stopProfile()
	if err != nil {
		log.Fatal(err)
	}
}
