package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// The baseline provider: hashicorp/terraform-provider-time, built from the
// Go module proxy (never a downloaded binary). Pinned, so that every run
// compares against the same code; the newest the proxy served on 2026-11-22.
// To move it: `go list -m -versions github.com/hashicorp/terraform-provider-time`.
const (
	timeProviderModule  = "github.com/hashicorp/terraform-provider-time"
	timeProviderVersion = "v0.14.2"
	timeProviderAddress = "registry.terraform.io/hashicorp/time"
)

// exactVersion is a full release version: no "latest", branch or range,
// which would let the baseline change between runs.
var exactVersion = regexp.MustCompile(`^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$`)

// timeProviderDir is where the pinned build is cached, one directory per
// version so that a new pin never reuses an old binary.
func timeProviderDir(cacheRoot, version string) string {
	return filepath.Join(cacheRoot, "terraform-provider-plaid-bench", "terraform-provider-time-"+version)
}

// installCommand is the go install that builds the pinned version.
func installCommand(version string) []string {
	return []string{"go", "install", timeProviderModule + "@" + version}
}

// builtVersion reads the main module's version from `go version -m`.
func builtVersion(goVersionM string) string {
	for _, line := range strings.Split(goVersionM, "\n") {
		f := strings.Fields(line)
		if len(f) >= 3 && f[0] == "mod" && f[1] == timeProviderModule {
			return f[2]
		}
	}
	return ""
}

// installTimeProvider returns the path of terraform-provider-time at the
// pinned version, building it with go install into the user's cache the
// first time.
func installTimeProvider(ctx context.Context) (string, error) {
	if !exactVersion.MatchString(timeProviderVersion) {
		return "", fmt.Errorf("timeProviderVersion %q is not an exact version", timeProviderVersion)
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	dir := timeProviderDir(cache, timeProviderVersion)
	bin := filepath.Join(dir, "terraform-provider-time")
	if _, err := os.Stat(bin); err != nil {
		args := installCommand(timeProviderVersion)
		cmd := exec.CommandContext(ctx, args[0], args[1:]...)
		cmd.Env = append(os.Environ(), "GOBIN="+dir)
		cmd.Dir = os.TempDir() // outside this module: its go.mod must not steer the build
		if out, err := cmd.CombinedOutput(); err != nil {
			return "", fmt.Errorf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output()
	if err != nil {
		return "", fmt.Errorf("go version -m %s: %w", bin, err)
	}
	if got := builtVersion(string(out)); got != timeProviderVersion {
		return "", fmt.Errorf("%s is %s %q, want %s: remove it and run again", bin, timeProviderModule, got, timeProviderVersion)
	}
	return bin, nil
}
