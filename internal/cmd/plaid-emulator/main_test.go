package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// TestMain lets the tests run this binary's main as a child process, to
// see its real exit status.
func TestMain(m *testing.M) {
	if os.Getenv("PLAID_EMULATOR_RUN_MAIN") == "1" {
		os.Args = append([]string{"plaid-emulator"}, strings.Fields(os.Getenv("PLAID_EMULATOR_ARGS"))...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func runMain(t *testing.T, args string, env ...string) (string, int) {
	t.Helper()
	// Bounded: a command line the emulator wrongly accepts would have it
	// serve until stopped.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), append([]string{"PLAID_EMULATOR_RUN_MAIN=1", "PLAID_EMULATOR_ARGS=" + args}, env...)...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return string(out), exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(out), 0
}

// -h shows the usage and exits 0; each default appears once, and none is
// taken from the caller's environment.
func TestHelpExitsZeroAndShowsEachDefaultOnce(t *testing.T) {
	for _, flag := range []string{"-h", "-help", "--help"} {
		out, code := runMain(t, flag, "PLAID_CLIENT_ID=client-from-env", "PLAID_SECRET=secret-from-env", "PLAID_ENV=production")
		if code != 0 {
			t.Errorf("%s exited %d:\n%s", flag, code, out)
		}
		for _, d := range []string{"127.0.0.1:8080", "emulator-client-id", "$PLAID_ENV, else sandbox", fmt.Sprint(emulator.DefaultMaxCalls), "go build -o plaid-emulator"} {
			if n := strings.Count(out, d); n != 1 {
				t.Errorf("%s: %q appears %d times in:\n%s", flag, d, n, out)
			}
		}
		if strings.Contains(out, defaultSecret) {
			t.Errorf("%s prints the default secret:\n%s", flag, out)
		}
		if strings.Contains(out, "from-env") {
			t.Errorf("%s shows a value from the environment:\n%s", flag, out)
		}
	}
	if out, code := runMain(t, "-no-such-flag"); code != 2 || !strings.Contains(out, "Usage:") {
		t.Errorf("an unknown flag: exit %d\n%s", code, out)
	}
	if out, code := runMain(t, "-addr 0.0.0.0:0"); code != 1 || !strings.Contains(out, "loopback") {
		t.Errorf("a non-loopback address: exit %d\n%s", code, out)
	}
	if out, code := runMain(t, "-max-calls 0"); code != 1 || !strings.Contains(out, "-max-calls") {
		t.Errorf("-max-calls 0: exit %d\n%s", code, out)
	}
	if _, code := runMain(t, "-addr 127.0.0.1:0 extra"); code != 2 {
		t.Errorf("a stray argument: exit %d", code)
	}
}

// The emulator never prints the secret it accepts when it starts: not the
// default, not one from PLAID_SECRET, not one from -secret.
func TestStartupNeverPrintsTheSecret(t *testing.T) {
	for name, tc := range map[string]struct {
		args, secret string
		env          []string
	}{
		"default":      {"", defaultSecret, nil},
		"PLAID_SECRET": {"", "secret-from-env-4f1c", []string{"PLAID_SECRET=secret-from-env-4f1c"}},
		"-secret":      {"-secret secret-from-flag-9a2e", "secret-from-flag-9a2e", nil},
	} {
		t.Run(name, func(t *testing.T) {
			out := startupOutput(t, tc.args, tc.env...)
			if !strings.Contains(out, "secret:") {
				t.Fatalf("the startup output has no secret line to check:\n%s", out)
			}
			if strings.Contains(out, tc.secret) {
				t.Errorf("the startup output prints the secret:\n%s", out)
			}
		})
	}
}

// startupOutput starts the emulator on a free loopback port, waits for
// what it prints on start (up to the control API line), and stops it.
func startupOutput(t *testing.T, args string, env ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PLAID_SECRET=")
	cmd.Env = append(cmd.Env, append([]string{"PLAID_EMULATOR_RUN_MAIN=1", "PLAID_EMULATOR_ARGS=-addr 127.0.0.1:0 " + args}, env...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}()
	var out strings.Builder
	buf := make([]byte, 4096)
	for !strings.Contains(out.String(), "control API") {
		n, err := stdout.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			t.Fatalf("the emulator stopped before it said it was listening: %v\n%s", err, out.String())
		}
	}
	return out.String()
}
