// Package e2e holds the end-to-end tests: the real terraform (or tofu) CLI
// runs the freshly built provider against the emulator, through a
// dev_overrides CLI configuration (internal/clirun), as a user would run
// it. They check what only the whole stack shows: every example validates,
// the docs' import steps work, `make install` is found by init, interrupts
// and partial failures converge, and a TRACE log holds no secret. The CLI is
// TF_ACC_TERRAFORM_PATH when set (.ci/test-versions sets it for each
// version CI proves), else the terraform on PATH.
package e2e
