// Command plaid-emulator runs the provider's local Plaid emulator, so that
// Terraform (and anything else that speaks Plaid's API) can be tested with
// no network. See docs/guides/emulator.md for its control API.
//
//	go run ./internal/cmd/plaid-emulator -addr 127.0.0.1:8080
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "plaid-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("plaid-emulator", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (loopback only unless -allow-non-loopback)")
	allowNonLoopback := fs.Bool("allow-non-loopback", false, "allow listening on addresses other than loopback")
	clientID := fs.String("client-id", envOr("PLAID_CLIENT_ID", "emulator-client-id"), "client_id to accept (default $PLAID_CLIENT_ID or emulator-client-id)")
	secret := fs.String("secret", "", "secret to accept (default $PLAID_SECRET or emulator-secret); prefer the environment variable")
	env := fs.String("env", envOr("PLAID_ENV", "sandbox"), "environment to emulate: sandbox or production")
	seed := fs.Int("seed", 0, "Items to create at start; their item_id and access_token are printed as JSON lines")
	removedInvalid := fs.Bool("removed-answers-invalid-token", false, "answer INVALID_ACCESS_TOKEN instead of ITEM_NOT_FOUND for removed Items, as older Plaid did")
	noRateLimits := fs.Bool("no-rate-limits", false, "turn off Plaid's published rate limits")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *secret == "" {
		*secret = envOr("PLAID_SECRET", "emulator-secret")
	}
	environment, err := plaid.ParseEnvironment(*env)
	if err != nil {
		return err
	}
	e := emulator.New(emulator.Options{ClientID: *clientID, Secret: *secret, Environment: environment, RemovedAnswersInvalidToken: *removedInvalid})
	if *noRateLimits {
		e.SetRateLimits(nil)
	}
	srv, err := emulator.Listen(e, *addr, *allowNonLoopback)
	if err != nil {
		return err
	}
	defer srv.Close()
	// The secret is the caller's own test secret; show only whether it is
	// the default, never its value.
	secretNote := "from PLAID_SECRET or -secret"
	if *secret == "emulator-secret" {
		secretNote = "emulator-secret (default)"
	}
	fmt.Printf("plaid-emulator listening on %s\n  environment: %s\n  client_id:   %s\n  secret:      %s\n  control API: %s/emulator/\n", srv.URL, environment, *clientID, secretNote, srv.URL)
	for range *seed {
		item := e.Seed(emulator.SeedOptions{})
		fmt.Printf("{\"item_id\":%q,\"access_token\":%q}\n", item.ItemID, item.AccessToken)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Println("plaid-emulator stopping")
	return nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}
