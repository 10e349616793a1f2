package lifecycle

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// kind is which resource manages a label's Item.
type kind int

const (
	// adopted Items are plaid_item instances of one for_each, keyed by label.
	adopted kind = iota
	// sandbox Items are plaid_sandbox_item resources, one per label, so
	// that a removed block (which takes no instance key) can forget one.
	sandbox
)

// label is what the harness believes about one Item the configuration
// manages: which Item it is, its token, and what the configuration says of
// it.
type label struct {
	name   string
	kind   kind
	itemID string
	// token is the token in the configuration (adopted), or the one state
	// holds (sandbox), which the harness uses for its own Plaid calls.
	token string
	// webhook is nil when the configuration leaves it out.
	webhook    *string
	terminate  bool
	reasonCode string
	note       string
	// rotated: the token in the configuration is newer than the one in
	// state, until an apply takes it.
	rotated bool
	// revoked: the owner revoked the Item at Plaid. A sandbox label stays
	// in the configuration and the next apply creates a new Item.
	revoked bool
	// importBlock: the configuration holds an import block for this label
	// until an apply takes it.
	importBlock bool
}

func (l *label) address() string {
	if l.kind == adopted {
		return fmt.Sprintf("plaid_item.adopted[%q]", l.name)
	}
	return "plaid_sandbox_item." + l.name
}

// model is the harness's belief about the estate: the configuration it
// writes, and what it expects of Plaid.
type model struct {
	labels map[string]*label
	// moved and removed blocks, until an apply takes them.
	moved   [][2]string // addresses: from, to
	removed []string    // addresses
	// mayRemove holds the Items whose end the walk planned (a destroy, a
	// label dropped from the configuration): only these may be removed at
	// Plaid by the provider.
	mayRemove map[string]string // item_id -> why
	// removalPath is the call each of those Items must be removed with:
	// the removal_method state held when its end was planned.
	removalPath map[string]string
	// staleOK holds Items revoked behind Terraform's back that state may
	// still hold until a refresh that writes state succeeds.
	staleOK map[string]bool
	// forgotten Items left Terraform's care alive and must stay alive.
	forgotten map[string]string // item_id -> how
	// ever managed, for the final checks.
	managed map[string]bool
	// interrupts counts the interrupted commands: each may leave one more
	// removal request than the Item needed.
	interrupts int
	faults     bool
	// clean: the last command was a successful apply and nothing changed
	// since, so a plan must be empty.
	clean bool
	// counter numbers webhook URLs and notes so that each change differs.
	counter int
}

func newModel() *model {
	return &model{labels: map[string]*label{}, mayRemove: map[string]string{}, removalPath: map[string]string{}, staleOK: map[string]bool{}, forgotten: map[string]string{}, managed: map[string]bool{}}
}

// sorted returns the labels in name order, so that rendering and choices
// are the same on every replay.
func (m *model) sorted() []*label {
	out := make([]*label, 0, len(m.labels))
	for _, l := range m.labels {
		out = append(out, l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// tokensJSON is TF_VAR_tokens: the adopted labels' tokens.
func (m *model) tokensJSON() string {
	tokens := map[string]string{}
	for _, l := range m.labels {
		if l.kind == adopted {
			tokens[l.name] = l.token
		}
	}
	raw, _ := json.Marshal(tokens)
	return string(raw)
}

// importEnv names the variable an import block reads a label's token from.
func importEnv(name string) string { return "LIFECYCLE_IMPORT_" + strings.ToUpper(name) }

// render writes the configuration the model describes. Tokens never appear
// in it: they come from TF_VAR_tokens and the LIFECYCLE_IMPORT_* variables.
func (m *model) render() string {
	var b strings.Builder
	b.WriteString(`terraform {
  required_providers {
    plaid = { source = "ledgerline/plaid" }
  }
}

variable "tokens" {
  type      = map(string)
  sensitive = true
  default   = {}
}

locals {
  adopted = {
`)
	for _, l := range m.sorted() {
		if l.kind != adopted {
			continue
		}
		fmt.Fprintf(&b, "    %q = { webhook = %s, removal_method = %s, removal_reason_code = %q, removal_reason_note = %s }\n",
			l.name, hclString(l.webhook), methodHCL(l.terminate), l.reasonCode, hclOptional(l.note))
	}
	b.WriteString(`  }
}

resource "plaid_item" "adopted" {
  for_each            = local.adopted
  access_token        = var.tokens[each.key]
  webhook             = each.value.webhook
  removal_method      = each.value.removal_method
  removal_reason_code = each.value.removal_reason_code
  removal_reason_note = each.value.removal_reason_note
}
`)
	for _, l := range m.sorted() {
		switch {
		case l.kind == sandbox:
			fmt.Fprintf(&b, "\nresource \"plaid_sandbox_item\" %q {\n  webhook             = %s\n  removal_method      = %s\n  removal_reason_code = %q\n  removal_reason_note = %s\n}\n",
				l.name, hclString(l.webhook), methodHCL(l.terminate), l.reasonCode, hclOptional(l.note))
		case l.importBlock:
			fmt.Fprintf(&b, "\nimport {\n  to = %s\n  id = \"env:%s\"\n}\n", l.address(), importEnv(l.name))
		}
	}
	for _, mv := range m.moved {
		fmt.Fprintf(&b, "\nmoved {\n  from = %s\n  to   = %s\n}\n", mv[0], mv[1])
	}
	for _, addr := range m.removed {
		fmt.Fprintf(&b, "\nremoved {\n  from = %s\n  lifecycle {\n    destroy = false\n  }\n}\n", addr)
	}
	return b.String()
}

func hclString(s *string) string {
	if s == nil {
		return "null"
	}
	return fmt.Sprintf("%q", *s)
}

func hclOptional(s string) string {
	if s == "" {
		return "null"
	}
	return fmt.Sprintf("%q", s)
}

func methodHCL(terminate bool) string {
	if terminate {
		return `"terminate"`
	}
	return "null"
}
