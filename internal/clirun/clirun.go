// Package clirun drives the real terraform CLI against a freshly built
// provider through a dev_overrides CLI configuration, as a user would run
// it. The demo, the bench and the end-to-end tests (internal/e2e) use it.
package clirun

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
)

// Workspace is a directory of Terraform configuration with a provider
// binary and a CLI configuration that points Terraform at it.
type Workspace struct {
	Dir       string
	cliConfig string
	// Env is added to every terraform command's environment.
	Env []string
	// Unset names variables of this process's environment that terraform
	// (and so the provider) must not inherit at all: absent, not empty.
	Unset []string
	// Transcript receives everything terraform prints.
	Transcript io.Writer
	// CLI is the terraform (or tofu) binary to run; CLIPath when empty.
	CLI string
}

// CLIPath is the CLI that tests drive: TF_ACC_TERRAFORM_PATH when set, as
// for terraform-plugin-testing (`.ci/test-versions` points it at each
// version CI proves), else the terraform on PATH.
func CLIPath() string {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		return p
	}
	return "terraform"
}

// ModuleRoot finds the repository root (the directory holding go.mod).
func ModuleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("not inside the provider's module")
	}
	return filepath.Dir(gomod), nil
}

// CLIVersion asks a terraform or tofu binary what it is: "Terraform" or
// "OpenTofu", and its version ("1.5.7"; OpenTofu reports its own numbers).
func CLIVersion(cli string) (name, version string, err error) {
	out, err := exec.Command(cli, "version").Output()
	if err != nil {
		return "", "", fmt.Errorf("%s version: %w", cli, err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		n, v, ok := strings.Cut(strings.TrimSpace(line), " v")
		if ok && (n == "Terraform" || n == "OpenTofu") {
			return n, v, nil
		}
	}
	return "", "", fmt.Errorf("%s version printed no Terraform or OpenTofu version: %q", cli, out)
}

// openTofuAddress is what OpenTofu makes of the same `source` (such as
// "ledgerline/plaid"): the provider's namespace and type on OpenTofu's
// registry host, where Terraform's address names registry.terraform.io.
func openTofuAddress(registryAddress string) (string, error) {
	parts := strings.Split(registryAddress, "/")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" || parts[2] == "" {
		return "", fmt.Errorf("registry address %q is not HOST/NAMESPACE/TYPE", registryAddress)
	}
	return "registry.opentofu.org/" + parts[1] + "/" + parts[2], nil
}

// Provider is a freshly built provider binary and a CLI configuration
// whose dev_overrides point Terraform at it.
type Provider struct {
	CLIConfig string
}

// Build builds the provider into dir/bin and writes dir/terraform.rc, whose
// dev_overrides send registryAddress (the provider's published address,
// HOST/NAMESPACE/TYPE) to that binary. The caller passes the address so
// that this package needs nothing from the provider's.
func Build(ctx context.Context, dir, registryAddress string) (*Provider, error) {
	tofuAddress, err := openTofuAddress(registryAddress)
	if err != nil {
		return nil, err
	}
	root, err := ModuleRoot()
	if err != nil {
		return nil, err
	}
	binDir := filepath.Join(dir, "bin")
	name := "terraform-provider-plaid"
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	build := exec.CommandContext(ctx, "go", "build", "-o", filepath.Join(binDir, name), ".")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(dir, "terraform.rc")
	// Both registries' addresses: `source = "ledgerline/plaid"` means
	// registry.terraform.io to Terraform and registry.opentofu.org to
	// OpenTofu.
	rc := fmt.Sprintf("provider_installation {\n  dev_overrides {\n    %q = %q\n    %q = %q\n  }\n  direct {}\n}\n",
		registryAddress, binDir, tofuAddress, binDir)
	if err := os.WriteFile(cliConfig, []byte(rc), 0o600); err != nil {
		return nil, err
	}
	return &Provider{CLIConfig: cliConfig}, nil
}

// Workspace makes dir a workspace holding files, run with this provider.
func (p *Provider) Workspace(dir string, files map[string]string) (*Workspace, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	for name, content := range files {
		// A local module's files are keyed by their path (see CopyFiles).
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			return nil, err
		}
	}
	return &Workspace{Dir: dir, cliConfig: p.CLIConfig, Transcript: io.Discard}, nil
}

// New builds the provider under dir (see Build) and returns a workspace in
// dir/work holding files.
func New(ctx context.Context, dir, registryAddress string, files map[string]string) (*Workspace, error) {
	p, err := Build(ctx, dir, registryAddress)
	if err != nil {
		return nil, err
	}
	return p.Workspace(filepath.Join(dir, "work"), files)
}

// Terraform runs one terraform command in the workspace and returns what it
// printed (stdout and stderr together).
func (w *Workspace) Terraform(ctx context.Context, args ...string) (string, error) {
	cmd, out := w.Command(ctx, args...)
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("terraform %s: %w", strings.Join(args, " "), err)
	}
	return out.String(), err
}

// Command prepares a terraform command without running it, for callers
// that need to signal it while it runs. Its output collects in the buffer
// (read it only after the command has ended).
func (w *Workspace) Command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	cli := w.CLI
	if cli == "" {
		cli = CLIPath()
	}
	cmd := exec.CommandContext(ctx, cli, args...)
	cmd.Dir = w.Dir
	var inherited []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(w.Unset, name) {
			inherited = append(inherited, kv)
		}
	}
	cmd.Env = append(inherited,
		"TF_CLI_CONFIG_FILE="+w.cliConfig,
		"CHECKPOINT_DISABLE=1",
		"TF_IN_AUTOMATION=1",
		"TF_INPUT=0",
	)
	cmd.Env = append(cmd.Env, w.Env...)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, w.Transcript)
	cmd.Stderr = io.MultiWriter(&out, w.Transcript)
	fmt.Fprintf(w.Transcript, "\n$ terraform %s\n", strings.Join(args, " "))
	return cmd, &out
}

// CopyFiles reads the .tf files of dir, for New, keyed by name, and those
// of every local module they call (source = "./NAME", such as
// examples/adopt-many's item-health), keyed NAME/FILE. A workspace holding
// a local module needs GetModules before anything else.
func CopyFiles(dir string) (map[string]string, error) {
	files, err := readTF(dir, "")
	if err != nil {
		return nil, err
	}
	for _, name := range localModules(files) {
		module, err := readTF(filepath.Join(dir, name), name)
		if err != nil {
			return nil, err
		}
		maps.Copy(files, module)
	}
	// Any other relative source would not be copied, and terraform get
	// would fail far from the cause: refuse it here, naming it.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		for _, m := range relativeModuleSource.FindAllStringSubmatch(files[name], -1) {
			if strings.Contains(name, "/") || !localModuleSource.MatchString(m[0]) {
				return nil, fmt.Errorf("%s: %s calls the module %q: only local modules one directory beside the configuration (source = \"./NAME\"), called from its own files, are copied", dir, name, m[1])
			}
		}
	}
	return files, nil
}

// relativeModuleSource is any module call's source that is a path.
var relativeModuleSource = regexp.MustCompile(`\bsource\s*=\s*"(\.\.?/[^"]*)"`)

// readTF reads the .tf files of dir, keyed by their name under prefix.
func readTF(dir, prefix string) (map[string]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	files := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tf") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[path.Join(prefix, e.Name())] = string(b)
	}
	return files, nil
}

// localModuleSource is a module call's source naming a directory beside
// the configuration.
var localModuleSource = regexp.MustCompile(`\bsource\s*=\s*"\./([A-Za-z0-9_-]+)/?"`)

// localModules names, sorted, the directories beside the configuration
// that its root module's files call as modules.
func localModules(files map[string]string) []string {
	seen := map[string]bool{}
	for name, content := range files {
		if strings.Contains(name, "/") {
			continue
		}
		for _, m := range localModuleSource.FindAllStringSubmatch(content, -1) {
			seen[m[1]] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// GetModules installs the local modules that the workspace's files call,
// as `terraform init` would (init itself looks the dev_overrides provider
// up in the registry, and fails); without them every other command fails
// with "Module not installed". It does nothing when files call none.
func (w *Workspace) GetModules(ctx context.Context, files map[string]string) error {
	if len(localModules(files)) == 0 {
		return nil
	}
	out, err := w.Terraform(ctx, "get", "-no-color")
	if err != nil {
		return fmt.Errorf("%w\n%s", err, out)
	}
	return nil
}

// StartGateway builds examples/gateway (the credential-injecting gateway
// of gateway mode) into dir and runs it with env, which holds Plaid's
// credentials, its key and its upstream (see that file). It listens on a
// free loopback port and returns its URL, and a stop function that ends it.
func StartGateway(ctx context.Context, dir string, env []string) (url string, stop func(), err error) {
	root, err := ModuleRoot()
	if err != nil {
		return "", nil, err
	}
	bin := filepath.Join(dir, "gateway")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./examples/gateway")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("building examples/gateway: %v\n%s", err, out)
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(slices.Clone(env), "GATEWAY_LISTEN=127.0.0.1:0")
	cmd.Stderr = os.Stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop = func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	url, ok := strings.CutPrefix(strings.TrimSpace(line), "gateway listening on ")
	if err != nil || !ok {
		stop()
		return "", nil, fmt.Errorf("the gateway did not say where it listens: %q, %v", line, err)
	}
	return url, stop, nil
}
