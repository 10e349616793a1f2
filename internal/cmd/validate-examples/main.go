// Command validate-examples runs `terraform validate` on every directory of
// examples/ that holds .tf files, against a freshly built provider through
// dev_overrides, so that the examples in the docs keep working.
//
// With -cli naming an OpenTofu binary it runs `tofu validate` instead, on
// every example including those only OpenTofu can parse (directories named
// opentofu-*, such as the state encryption example), which Terraform skips.
package main

import (
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// requiredProviders is added to examples that don't declare the provider's
// source themselves (the short snippets shown in the docs), because dev
// overrides match the registry address.
const requiredProviders = `terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}
`

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "validate-examples:", err)
		os.Exit(1)
	}
}

// openTofuOnly reports whether an example directory uses what only OpenTofu
// parses (its name starts with "opentofu-").
func openTofuOnly(dir string) bool {
	return strings.HasPrefix(filepath.Base(dir), "opentofu-")
}

func run() error {
	cli := flag.String("cli", "terraform", "the terraform or tofu binary to validate with")
	flag.Parse()
	name, _, err := clirun.CLIVersion(*cli)
	if err != nil {
		return err
	}
	isTofu := name == "OpenTofu"
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	root, err := clirun.ModuleRoot()
	if err != nil {
		return err
	}
	dirs := map[string]bool{}
	err = filepath.WalkDir(filepath.Join(root, "examples"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".terraform") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".tf") && !strings.HasSuffix(path, ".tftest.hcl") {
			dirs[filepath.Dir(path)] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "validate-examples-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	prov, err := clirun.Build(ctx, tmp, provider.RegistryAddress)
	if err != nil {
		return err
	}
	sorted := make([]string, 0, len(dirs))
	for d := range dirs {
		sorted = append(sorted, d)
	}
	sort.Strings(sorted)
	failed, validated := 0, 0
	for i, dir := range sorted {
		rel, _ := filepath.Rel(root, dir)
		if openTofuOnly(dir) && !isTofu {
			fmt.Printf("skip %s (OpenTofu only: checked with -cli tofu)\n", rel)
			continue
		}
		validated++
		files, err := clirun.CopyFiles(dir)
		if err != nil {
			return err
		}
		if !declaresProvider(files) {
			files["zz_required_providers.tf"] = requiredProviders
		}
		ws, err := prov.Workspace(filepath.Join(tmp, fmt.Sprint(i)), files)
		if err != nil {
			return err
		}
		ws.CLI = *cli
		out, err := ws.Terraform(ctx, "validate", "-no-color")
		if err != nil {
			failed++
			fmt.Printf("FAIL %s\n%s\n", rel, out)
			continue
		}
		fmt.Printf("ok   %s\n", rel)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d examples failed %s validate", failed, validated, *cli)
	}
	fmt.Printf("%d examples valid with %s\n", validated, *cli)
	return nil
}

func declaresProvider(files map[string]string) bool {
	for _, content := range files {
		if strings.Contains(content, "required_providers") {
			return true
		}
	}
	return false
}
