package e2e_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// requireNoRemoval fails when any call that ends an Item reached the
// emulator, or any Item is gone.
func requireNoRemoval(t *testing.T, srv *emulator.Server, after string) {
	t.Helper()
	for _, c := range srv.Calls() {
		if c.Path == "/item/remove" || c.Path == "/item/products/terminate" {
			t.Errorf("after %s: %s was called for %s", after, c.Path, c.ItemID)
		}
	}
	for _, it := range srv.Items() {
		if it.Removed {
			t.Errorf("after %s: Item %s is removed", after, it.ItemID)
		}
	}
}

// A renamed for_each key (item000 to renamed, in examples/adopt-many) would
// destroy the old instance, removing the Item at Plaid for good, then fail
// to adopt its token at the new key. The plan fails instead, saying so and
// showing the moved block and how to find the old address; nothing is
// removed. With the moved block the rename changes nothing and the Item
// lives. This runs on every CLI .ci/test-versions proves.
func TestAccRename_forEachKeyRefusedWithoutMoved(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, items := adoptMany(ctx, t, 2, srv)
	renamed := map[string]string{"renamed": items["item000"].AccessToken, "item001": items["item001"].AccessToken}
	setTokens(ws, renamed)

	out, err := ws.Terraform(ctx, "plan", "-no-color")
	if err == nil {
		t.Fatalf("the plan of a renamed key succeeded:\n%s", out)
	}
	itemID := items["item000"].ItemID
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`This Plan Removes an Item That It Also Adopts`),
		regexp.MustCompile(`(?s)remove Item\s+` + itemID + `\s+at\s+Plaid,\s+for\s+good`),
		regexp.MustCompile(`(?s)adoption\s+would\s+then\s+fail`),
		regexp.MustCompile(`moved \{\s+from = plaid_item\.NAME\["old"\]\s+to\s+= plaid_item\.NAME\["new"\]\s+\}`),
		regexp.MustCompile(`terraform\s+state\s+list\s+-id=` + itemID),
	} {
		if !want.MatchString(out) {
			t.Errorf("the plan's error does not match %s:\n%s", want, out)
		}
	}
	for _, tok := range []string{items["item000"].AccessToken, items["item001"].AccessToken} {
		if strings.Contains(out, tok) {
			t.Fatal("the plan's output shows an access token")
		}
	}
	// terraform apply plans first and stops there too.
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err == nil || !strings.Contains(out, "This Plan Removes an Item That It Also Adopts") {
		t.Fatalf("the apply of a renamed key was not refused: %v\n%s", err, out)
	}
	requireNoRemoval(t, srv, "the refused rename")

	// The way out the error gives: find the old address, write the moved
	// block.
	listed, err := ws.Terraform(ctx, "state", "list", "-id="+itemID)
	if err != nil || strings.TrimSpace(listed) != `plaid_item.adopted["item000"]` {
		t.Fatalf("terraform state list -id=%s printed %q (%v)", itemID, listed, err)
	}
	moved := "moved {\n  from = plaid_item.adopted[\"item000\"]\n  to   = plaid_item.adopted[\"renamed\"]\n}\n"
	if err := os.WriteFile(filepath.Join(ws.Dir, "moved.tf"), []byte(moved), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = ws.Terraform(ctx, "apply", "-auto-approve", "-no-color")
	if err != nil || !strings.Contains(out, "0 added, 0 changed, 0 destroyed") {
		t.Fatalf("the rename with a moved block changed something: %v\n%s", err, out)
	}
	if out, err := ws.Terraform(ctx, "plan", "-no-color", "-detailed-exitcode"); err != nil {
		t.Fatalf("the plan after the moved rename is not empty: %v\n%s", err, out)
	}
	if got := stateList(ctx, t, ws); strings.Join(got, " ") != `plaid_item.adopted["item001"] plaid_item.adopted["renamed"]` {
		t.Errorf("state after the moved rename: %v", got)
	}
	requireNoRemoval(t, srv, "the moved rename")
	requireDestroyConverges(ctx, t, ws, "the moved rename")
	requireAllRemovedOnce(t, srv, 2)
}

// Two keys swap their tokens: each key's replacement would remove the Item
// that the other key then adopts. The plan fails and nothing is removed.
func TestAccRename_swappedTokensRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, items := adoptMany(ctx, t, 2, srv)
	setTokens(ws, map[string]string{"item000": items["item001"].AccessToken, "item001": items["item000"].AccessToken})
	if out, err := ws.Terraform(ctx, "apply", "-auto-approve", "-no-color"); err == nil || !strings.Contains(out, "This Plan Removes an Item That It Also Adopts") {
		t.Fatalf("swapping two keys' tokens was not refused at plan: %v\n%s", err, out)
	}
	requireNoRemoval(t, srv, "the refused swap")
}

// terraform destroy makes a normal plan first, to refresh, and the provider
// cannot tell that plan from any other: with a rename pending it fails too,
// and the way out it gives (-refresh=false) destroys everything, each Item
// removed once.
func TestAccRename_destroyWithRenamePending(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	srv := startEmulator(t)
	ws, items := adoptMany(ctx, t, 2, srv)
	setTokens(ws, map[string]string{"renamed": items["item000"].AccessToken, "item001": items["item001"].AccessToken})
	out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color")
	if err == nil || !strings.Contains(strings.Join(strings.Fields(out), " "), "run terraform destroy -refresh=false") {
		t.Fatalf("the destroy with a rename pending did not stop with the way out: %v\n%s", err, out)
	}
	requireNoRemoval(t, srv, "the refused destroy")
	if out, err := ws.Terraform(ctx, "destroy", "-auto-approve", "-no-color", "-refresh=false"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := stateList(ctx, t, ws); len(got) != 0 {
		t.Errorf("state after destroy -refresh=false: %v", got)
	}
	requireAllRemovedOnce(t, srv, 2)
}
