// Package lifecycle is a model check of the provider's lifecycle: a
// seeded, reproducible random walk that drives a small estate through a
// long run of ordinary moments, so that a machine finds the next bad
// sequence before a user does.
//
// # The walk
//
// A walk starts from a fresh emulator (internal/emulator, in-process on
// loopback) and an empty workspace, and runs the real terraform or tofu
// CLI (internal/clirun, TF_ACC_TERRAFORM_PATH or the terraform on PATH)
// against a freshly built provider. The estate is a handful of Items:
// plaid_item instances of one for_each, keyed by label, and
// plaid_sandbox_item resources, one per label. The harness keeps a model
// of what it believes (model.go): which Item each label manages, its
// token, what the configuration says of it, which Items the walk planned
// to end, which it forgot. It writes the configuration from that model;
// tokens reach the CLI only through TF_VAR_tokens and env: import IDs.
//
// # The steps
//
// Generate draws the steps for a seed (steps.go lists them, with their
// weights): adopt, terraform import and import blocks with env: IDs,
// sandbox Items; changes to each in-place attribute and removal_method;
// token rotation through Plaid's /item/access_token/invalidate with the
// new token put in the configuration; revocation by the owner (the
// operator then looks at a plan and drops an adopted label, as its warning
// says, and forgets it with terraform state rm when state holds a rotated
// token, as that plan's warning says: see TestRevokedWhileRotatedTokenPending); /sandbox/item/reset_login; relabels with and without a moved
// block; forgetting with a removed block or terraform state rm; dropping
// a label; plan, plan -refresh-only, apply, apply -refresh=false, destroy
// with and without refresh; Ctrl-C at a drawn moment of an apply or a
// destroy; faults (500s, lost answers, dropped connections, 429) switched
// on and off; and state rewritten as an earlier release's schema wrote it.
// Every walk ends with a teardown (faults off, a destroy).
//
// Steps are written "name" or "name:label" (or "name:milliseconds" for an
// interrupt), so that a sequence still means the same after steps are
// taken out of it. A step whose label is gone by the time it runs, or
// that the CLI cannot do (import blocks below Terraform 1.5, removed
// blocks below 1.7), is skipped and says so: every CLI replays the same
// sequence for a seed.
//
// # The invariants
//
// After every step, against the emulator's own record of Items and calls
// (checks.go):
//
//   - every Item in state is live at Plaid, or the step's output named it,
//     or its owner revoked it and nothing that refreshes and writes state
//     has succeeded since;
//   - no Item is in state under two addresses;
//   - no Item is removed at Plaid unless the walk planned its end (a
//     destroy, its label dropped): a relabel, a forget or a rotation
//     removes nothing;
//   - at most one successful removal per Item, and no more removal
//     requests than one plus one per lost answer and per interrupt;
//   - the plan right after a successful apply is empty, and so is a plan
//     after an Item needs login again or state is rewritten as an earlier
//     release wrote it;
//   - a destroy converges: re-run at most once after an interrupt, and the
//     final one always succeeds, empties state and removes every Item
//     state held;
//   - with faults off, the plan after an Item is revoked while its rotated
//     token waits for an apply tells the operator to forget the resource,
//     the one way out that works ("misleading-advice");
//   - no secret or token appears in any output or TRACE log
//     (internal/leakcheck, with the secret and every token the emulator
//     issued); every command runs with TF_LOG=TRACE unless
//     LIFECYCLE_TRACE=0.
//
// A command may fail only while faults are on; otherwise its failure is a
// broken invariant too ("unexpected-failure").
//
// # Running it
//
//	go test ./internal/lifecycle -run '^TestLifecycle$' -count=1 -v
//
// runs the CI seeds (ciSeeds in lifecycle_test.go), which .ci/test-versions
// also runs on the oldest Terraform claimed and on OpenTofu.
// TestLifecycle_shrunkSequences replays the shortest failing sequences the
// walks have found, each named for its bug. `make soak` runs more and
// longer walks. The environment steers TestLifecycle:
//
//	LIFECYCLE_SEED=7                 one walk, the steps that seed draws
//	LIFECYCLE_STEPS='adopt:a0,...'   with LIFECYCLE_SEED: exactly these steps
//	LIFECYCLE_SEEDS=50               seeds 1 to 50 instead of the CI seeds
//	                                 ("101-200": seeds 101 to 200)
//	LIFECYCLE_BUDGET=1800            start no walk after this many seconds
//	LIFECYCLE_LENGTH=30              steps per walk (default 12)
//	LIFECYCLE_EXCLUDE=relabel,revoke never draw these steps, to look past a
//	                                 known bug (the seeds then draw other walks)
//	LIFECYCLE_SHRINK=0               do not shrink a failing walk; a number
//	                                 is the shrink's budget in seconds (120)
//	LIFECYCLE_TRACE=0                no TF_LOG=TRACE (the log scan is skipped)
//
// A failing walk is shrunk by delta debugging over its steps (shrink.go),
// each candidate replayed from a fresh emulator and fresh state and held
// to the same broken invariant (and, for a failed command, the same first
// error), and the test prints the shortest sequence found with the command
// that replays it.
package lifecycle
