package e2e_test

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
	"github.com/ledgerline/terraform-provider-plaid/internal/provider"
)

// startEmulator runs an emulator on loopback for one test.
func startEmulator(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Listen(emulator.New(emulator.Options{Secret: "e2e-" + t.Name()}), "127.0.0.1:0", false)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	return srv
}

// exampleWorkspace copies an example, with the local modules it calls
// (installed, as terraform get does) and its tests/ folder (with the
// helper modules in it), into a workspace run against srv.
func exampleWorkspace(ctx context.Context, t *testing.T, example string, srv *emulator.Server) *clirun.Workspace {
	t.Helper()
	if _, err := exec.LookPath("terraform"); err != nil {
		t.Skip("skipped: no terraform on PATH")
	}
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	files, err := clirun.CopyFiles(filepath.Join(root, "examples", example))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	ws, err := clirun.New(ctx, dir, provider.RegistryAddress, files)
	if err != nil {
		t.Fatal(err)
	}
	copyTree(t, filepath.Join(root, "examples", example, "tests"), filepath.Join(ws.Dir, "tests"))
	if err := ws.GetModules(ctx, files); err != nil {
		t.Fatal(err)
	}
	ws.Env = []string{"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + srv.ClientID(), "PLAID_SECRET=" + srv.Secret()}
	return ws
}

// requireDestroyConverges runs destroy again after an interrupted or
// partial one (named by after) and requires it to succeed and empty the
// state.
func requireDestroyConverges(ctx context.Context, t *testing.T, ws *clirun.Workspace, after string) {
	t.Helper()
	if out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color"); err != nil {
		t.Fatalf("the destroy after %s did not converge: %v\n%s", after, err, out)
	}
	if got := stateList(ctx, t, ws); len(got) != 0 {
		t.Errorf("state after the destroy after %s: %v", after, got)
	}
}

func requireAllRemovedOnce(t *testing.T, srv *emulator.Server, want int) {
	t.Helper()
	items := srv.Items()
	if len(items) != want {
		t.Errorf("the emulator holds %d Items, want %d", len(items), want)
	}
	for _, it := range items {
		if !it.Removed || it.RemoveCount != 1 {
			t.Errorf("item %s: %+v, want removed exactly once", it.ItemID, it)
		}
	}
}

// newWorkspace builds the provider into a workspace holding main.tf, run
// against srv.
func newWorkspace(ctx context.Context, t *testing.T, srv *emulator.Server, mainTF string) *clirun.Workspace {
	t.Helper()
	ws, err := clirun.New(ctx, t.TempDir(), provider.RegistryAddress, map[string]string{"main.tf": mainTF})
	if err != nil {
		t.Fatal(err)
	}
	ws.Env = []string{"PLAID_BASE_URL=" + srv.URL, "PLAID_CLIENT_ID=" + srv.ClientID(), "PLAID_SECRET=" + srv.Secret()}
	return ws
}

// copyTree copies the files under src, if it exists, to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) && path == src {
			return filepath.SkipDir
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o700); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}
