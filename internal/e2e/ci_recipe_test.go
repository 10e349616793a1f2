package e2e_test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/ledgerline/terraform-provider-plaid/internal/clirun"
)

// workflow is the part of a GitHub Actions workflow the runner needs to run
// its shell steps.
type workflow struct {
	Env  map[string]string `yaml:"env"`
	Jobs map[string]struct {
		Env   map[string]string `yaml:"env"`
		Steps []struct {
			Name             string            `yaml:"name"`
			Uses             string            `yaml:"uses"`
			Run              string            `yaml:"run"`
			If               string            `yaml:"if"`
			WorkingDirectory string            `yaml:"working-directory"`
			Env              map[string]string `yaml:"env"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// examples/ci/github-actions-from-source.yml, run the way GitHub's runner
// would run its jobs: the repository is a clean clone of this one (as
// actions/checkout makes it), every `run` step goes through `bash -e -o
// pipefail` in its working directory with the workflow's and the job's
// environment, a failed step skips the rest but the `if: always()` ones,
// and what a step leaves running in the background lives until the job
// ends. The `uses` steps (checkout, setup-go, setup-terraform) are what the
// test provides: the clone, the Go running the test, and the CLI under test
// on PATH. The pinned commit is this clone's HEAD and the repository this
// one, so the job builds the code under test (committed: uncommitted
// changes are not in a clean clone). Emulator and receiver ports are free
// ones instead of 8080 and 8081, which another process may hold.
func TestAccCIRecipe_fromSource(t *testing.T) {
	cli := clirun.CLIPath()
	name, v, err := clirun.CLIVersion(cli)
	if err != nil {
		t.Skipf("skipped: no CLI to run: %v", err)
	}
	if name != "Terraform" {
		t.Skipf("skipped: the recipe runs terraform; this is %s %s", name, v)
	}
	for _, tool := range []string{"git", "make", "curl", "jq", "python3"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("skipped: the recipe needs %s", tool)
		}
	}
	root, err := clirun.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(root, "examples", "ci", "github-actions-from-source.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf workflow
	if err := yaml.Unmarshal(raw, &wf); err != nil {
		t.Fatal(err)
	}
	head, err := exec.Command("git", "-C", root, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("skipped: %s is not a git clone: %v", root, err)
	}
	cliPath, err := exec.LookPath(cli)
	if err != nil {
		t.Fatal(err)
	}

	jobs := map[string]string{"terraform-test": "needs `terraform test`, Terraform 1.6 or later", "webhook-receiver": "needs actions, Terraform 1.14 or later"}
	for job, needs := range jobs {
		t.Run(job, func(t *testing.T) {
			switch {
			case job == "terraform-test" && !supportsTerraformTest(t, cli), job == "webhook-receiver" && !cliHasActions(name, v):
				t.Skipf("skipped: the job %s; this is Terraform %s", needs, v)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			defer cancel()
			workspace, runnerTemp, home := filepath.Join(t.TempDir(), "repo"), t.TempDir(), t.TempDir()
			if out, err := exec.CommandContext(ctx, "git", "clone", "--quiet", root, workspace).CombinedOutput(); err != nil {
				t.Fatalf("cloning: %v\n%s", err, out)
			}
			env := append(isolatedEnv(t, home),
				"PATH="+filepath.Dir(cliPath)+string(os.PathListSeparator)+os.Getenv("PATH"),
				"NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost",
				"RUNNER_TEMP="+runnerTemp, "GITHUB_WORKSPACE="+workspace, "CI=true")
			for k, val := range wf.Env {
				env = append(env, k+"="+val)
			}
			for k, val := range wf.Jobs[job].Env {
				env = append(env, k+"="+val)
			}
			env = append(env,
				"PLAID_PROVIDER_REPO="+root, "PLAID_PROVIDER_COMMIT="+strings.TrimSpace(string(head)),
				"PLAID_BASE_URL=http://127.0.0.1:"+freePort(t), "RECEIVER_URL=http://127.0.0.1:"+freePort(t)+"/plaid")

			var groups []int
			defer func() {
				// The job ends: what its steps left running stops.
				for _, pgid := range groups {
					_ = syscall.Kill(-pgid, syscall.SIGTERM)
				}
			}()
			failed := ""
			ran := 0
			for i, step := range wf.Jobs[job].Steps {
				if step.Run == "" {
					continue // a `uses` step: provided by the test
				}
				if failed != "" && step.If != "always()" {
					continue
				}
				cmd := exec.CommandContext(ctx, "bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step.Run)
				cmd.Dir = filepath.Join(workspace, step.WorkingDirectory)
				cmd.Env = env
				for k, val := range step.Env {
					cmd.Env = append(cmd.Env, k+"="+val)
				}
				cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
				// Not CombinedOutput: a background process keeps the pipe
				// open, so the output goes to a file.
				logPath := filepath.Join(runnerTemp, "step-"+strconv.Itoa(i)+".log")
				logFile, err := os.Create(logPath)
				if err != nil {
					t.Fatal(err)
				}
				cmd.Stdout, cmd.Stderr = logFile, logFile
				err = cmd.Start()
				if err == nil {
					groups = append(groups, cmd.Process.Pid)
					err = cmd.Wait()
				}
				_ = logFile.Close()
				out, _ := os.ReadFile(logPath)
				ran++
				if err != nil {
					t.Errorf("step %q failed: %v\n%s", step.Name, err, out)
					if failed == "" {
						failed = step.Name
					}
					continue
				}
				t.Logf("step %q passed", step.Name)
			}
			if ran < 4 {
				t.Errorf("only %d steps ran", ran)
			}
		})
	}
}

// freePort is a loopback port nothing listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v is not TCP", l.Addr())
	}
	return strconv.Itoa(addr.Port)
}
