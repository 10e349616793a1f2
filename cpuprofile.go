package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// envCPUProfileDir names a directory to write a CPU profile of this provider
// process into, as cpu-<pid>.pprof, for `go tool pprof`. Terraform starts
// the provider several times per command (validate, plan, apply), so each
// process writes its own file. Unset, nothing is profiled. The benchmark
// (internal/cmd/bench -cpuprofile) sets it to find where a big run's time
// goes inside the provider.
const envCPUProfileDir = "TF_PLAID_CPU_PROFILE_DIR"

// startCPUProfile starts profiling when envCPUProfileDir is set and returns
// what stops it and writes the file; that runs when Terraform shuts the
// provider down and Serve returns.
func startCPUProfile() (stop func()) {
	dir := os.Getenv(envCPUProfileDir)
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", envCPUProfileDir, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", envCPUProfileDir, err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
