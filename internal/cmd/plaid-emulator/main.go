// Command plaid-emulator runs the provider's local Plaid emulator, so that
// Terraform (and anything else that speaks Plaid's API) can be tested with
// no network. See docs/guides/emulator.md for its control API.
//
//	go build -o plaid-emulator ./internal/cmd/plaid-emulator
//	./plaid-emulator -addr 127.0.0.1:8080
//
// Build it rather than `go run` it when it will be stopped by its PID: the
// PID of `go run` is the go command's, and killing it leaves the emulator
// listening.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

const (
	defaultClientID = "emulator-client-id"
	defaultSecret   = "emulator-secret"
)

// version is set by release builds (.goreleaser.yml ldflags).
var version = "dev"

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		// -h asked for the usage, which was shown: that is success.
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "plaid-emulator:", err)
		os.Exit(1)
	}
}

// errUsage is a command line that could not be parsed; flag has already
// said why and shown the usage.
var errUsage = errors.New("usage")

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("plaid-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: plaid-emulator [flags]\n\nRuns a local Plaid emulator for tests and CI; see docs/guides/emulator.md.\nBuild it (go build -o plaid-emulator ./internal/cmd/plaid-emulator) when you\nwill stop it by its PID: stopping `go run` leaves the emulator listening.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	// Defaults that come from the environment are left empty here and
	// described in the usage, so -h shows each once and never shows a
	// value taken from the caller's environment.
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on; loopback only unless -allow-non-loopback")
	allowNonLoopback := fs.Bool("allow-non-loopback", false, "allow listening on addresses other than loopback, and answer Plaid's endpoints whatever Host a request names")
	controlHosts := fs.String("control-host", "", "comma-separated host names the control API also answers to, beside loopback (for -allow-non-loopback)")
	clientID := fs.String("client-id", "", "client_id to accept (default $PLAID_CLIENT_ID, else "+defaultClientID+")")
	secret := fs.String("secret", "", "secret to accept (default $PLAID_SECRET, else the default secret docs/guides/emulator.md names; never printed); prefer the environment variable")
	env := fs.String("env", "", "environment to emulate, sandbox or production (default $PLAID_ENV, else sandbox)")
	seed := fs.Int("seed", 0, "Items to create at start; their item_id and access_token are printed as JSON lines")
	fixtures := fs.String("fixtures", "", "JSON file of Items and institutions to start from, and to return to at each POST /emulator/reset")
	maxCalls := fs.Int("max-calls", emulator.DefaultMaxCalls, "calls the call log keeps; older ones are dropped and counted")
	removedInvalid := fs.Bool("removed-answers-invalid-token", false, "answer INVALID_ACCESS_TOKEN instead of ITEM_NOT_FOUND for removed Items, as older Plaid did")
	noRateLimits := fs.Bool("no-rate-limits", false, "turn off Plaid's published rate limits")
	showVersion := fs.Bool("version", false, "print the emulator's version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "plaid-emulator takes no arguments, got %q\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	if *clientID == "" {
		*clientID = envOr("PLAID_CLIENT_ID", defaultClientID)
	}
	if *showVersion {
		fmt.Fprintln(stdout, "plaid-emulator", version)
		return nil
	}
	if *secret == "" {
		*secret = envOr("PLAID_SECRET", defaultSecret)
	}
	environment, err := plaid.ParseEnvironment(envOr("PLAID_ENV", "sandbox"))
	if *env != "" {
		environment, err = plaid.ParseEnvironment(*env)
	}
	if err != nil {
		return err
	}
	if *maxCalls < 1 {
		return fmt.Errorf("-max-calls must be at least 1, got %d", *maxCalls)
	}
	var hosts []string
	for _, h := range strings.Split(*controlHosts, ",") {
		if h = strings.TrimSpace(h); h != "" {
			hosts = append(hosts, h)
		}
	}
	e := emulator.New(emulator.Options{ClientID: *clientID, Secret: *secret, Environment: environment, RemovedAnswersInvalidToken: *removedInvalid, MaxCalls: *maxCalls, ControlHosts: hosts, AnyHost: *allowNonLoopback})
	if *noRateLimits {
		e.SetRateLimits(nil)
	}
	if *fixtures != "" {
		if err := loadFixtures(e, *fixtures); err != nil {
			return err
		}
	}
	srv, err := emulator.Listen(e, *addr, *allowNonLoopback)
	if err != nil {
		return err
	}
	defer srv.Close()
	// Never the secret: not even the default, which the guide names. A
	// caller's own secret would otherwise land in CI logs, and a printed
	// default teaches people to paste secrets into output.
	secretNote := "from PLAID_SECRET or -secret (not shown)"
	if *secret == defaultSecret {
		secretNote = "the default (not shown; docs/guides/emulator.md names it)"
	}
	fmt.Fprintf(stdout, "plaid-emulator listening on %s\n  environment: %s\n  client_id:   %s\n  secret:      %s\n  control API: %s/emulator/\n", srv.URL, environment, *clientID, secretNote, srv.URL)
	for range *seed {
		item := e.Seed(emulator.SeedOptions{})
		fmt.Fprintf(stdout, "{\"item_id\":%q,\"access_token\":%q}\n", item.ItemID, item.AccessToken)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	fmt.Fprintln(stdout, "plaid-emulator stopping")
	return nil
}

func envOr(name, fallback string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return fallback
}

func loadFixtures(e *emulator.Emulator, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("-fixtures: %w", err)
	}
	defer f.Close()
	fx, err := emulator.ParseFixtures(f)
	if err == nil {
		err = e.LoadFixtures(fx)
	}
	if err != nil {
		return fmt.Errorf("-fixtures %s: %w", path, err)
	}
	return nil
}
