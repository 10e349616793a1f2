package provider

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The values of removal_method: which Plaid call destroy ends an Item with.
const (
	removalMethodRemove    = "remove"
	removalMethodTerminate = "terminate"
)

// removalMethod is one way destroy can end an Item at Plaid, with the
// reason codes that call takes (from internal/plaid, their one home).
type removalMethod struct {
	name           string
	path           string
	codes          []string
	reasonRequired bool
}

var removalMethods = map[string]removalMethod{
	removalMethodRemove:    {name: removalMethodRemove, path: plaid.PathItemRemove, codes: plaid.RemoveReasonCodes()},
	removalMethodTerminate: {name: removalMethodTerminate, path: plaid.PathItemProductsTerminate, codes: plaid.TerminateReasonCodes(), reasonRequired: true},
}

// removalReasonAttributes are the settings every Item-removing resource
// shares. They only shape the destroy request, so changing them updates
// state alone.
func removalReasonAttributes() map[string]schema.Attribute {
	remove, terminate := removalMethods[removalMethodRemove], removalMethods[removalMethodTerminate]
	return map[string]schema.Attribute{
		"removal_method": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "How destroy ends the Item at Plaid: `remove` (the default when unset) calls `/item/remove`, as this provider always has; " +
				"`terminate` calls `/item/products/terminate`, which Plaid recommends for offboarding users and which requires `removal_reason_code`. " +
				"Either way the access token stops working and billing for the Item ends, and an Item already gone (`ITEM_NOT_FOUND`) counts as destroyed. " +
				"Changing it updates state only, with no call to Plaid.",
			Validators: []validator.String{stringvalidator.OneOf(removalMethodRemove, removalMethodTerminate)},
		},
		"removal_reason_code": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "Why the Item is ended, sent as `reason_code` on destroy. Each call takes its own codes, checked at plan time against the one `removal_method` picks. " +
				"With `remove` it is optional (left out of the request when unset) and one of " + codeList(remove.codes) + ". " +
				"With `terminate` it is required and one of " + codeList(terminate.codes) + ". " +
				"Plaid adds codes as non-breaking changes, so a code of the same shape (upper-case words joined by underscores) that this provider version does not know is sent as written, with a warning at plan time; anything else fails at plan time. " +
				"Changing it updates state only, with no call to Plaid.",
			Validators: []validator.String{validReasonCodeForMethod()},
		},
		"removal_reason_note": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: fmt.Sprintf("Free text sent as `reason_note` on destroy with either method, at most %d characters. ", plaid.MaxReasonNoteLength) +
				"Plaid forbids personal data here: a note that looks like it holds an email address or phone number gets a warning at plan time, and one that holds a token or the provider's secret fails the plan. Left out of the request when unset. " +
				"Changing it updates state only, with no call to Plaid.",
			Validators: []validator.String{stringvalidator.UTF8LengthAtMost(plaid.MaxReasonNoteLength), validNoPersonalData(), validNoCredential()},
		},
	}
}

// removalMethodOf is the method a resource's removal_method names; unset
// means remove, what destroy has always done.
func removalMethodOf(v types.String) removalMethod {
	if m, ok := removalMethods[v.ValueString()]; ok {
		return m
	}
	return removalMethods[removalMethodRemove]
}

// end calls the method's endpoint. Both calls are safe to repeat, so the
// client retries them; a repeat after one went through answers
// ITEM_NOT_FOUND.
func (m removalMethod) end(ctx context.Context, client *plaid.Client, token, code, note string) (*plaid.RequestIDResponse, error) {
	if m.name == removalMethodTerminate {
		return client.TerminateItemProducts(ctx, token, plaid.TerminateReason{Code: code, Note: note})
	}
	return client.RemoveItem(ctx, token, plaid.RemoveReason{Code: code, Note: note})
}

// codeList renders codes for docs and diagnostics: `A`, `B` or `C`.
func codeList(codes []string) string {
	quoted := make([]string, len(codes))
	for i, c := range codes {
		quoted[i] = "`" + c + "`"
	}
	return strings.Join(quoted[:len(quoted)-1], ", ") + " or " + quoted[len(quoted)-1]
}

// validReasonCodeForMethod checks removal_reason_code against the codes of the
// call that removal_method picks, at plan time and on the attribute: the
// two calls take different codes, and terminate requires one. It runs on a
// null code too, which is how a missing one is caught.
func validReasonCodeForMethod() validator.String { return reasonCodeFitsMethod{} }

type reasonCodeFitsMethod struct{}

func (reasonCodeFitsMethod) Description(context.Context) string {
	return "must be a reason code of the call removal_method picks; required with terminate"
}

func (v reasonCodeFitsMethod) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (reasonCodeFitsMethod) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsUnknown() {
		return
	}
	var name types.String
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("removal_method"), &name)...)
	if resp.Diagnostics.HasError() || name.IsUnknown() {
		return
	}
	if _, known := removalMethods[name.ValueString()]; !name.IsNull() && !known {
		return // removal_method's own validator explains that
	}
	m := removalMethodOf(name)
	chosen := fmt.Sprintf("removal_method = %q", m.name)
	if name.IsNull() {
		chosen = fmt.Sprintf("the default removal_method (%q)", m.name)
	}
	if req.ConfigValue.IsNull() {
		if m.reasonRequired {
			resp.Diagnostics.AddAttributeError(req.Path, "Removal Reason Code Required",
				fmt.Sprintf("With %s, destroy calls %s, which requires a reason_code. Set removal_reason_code to one of %s.", chosen, m.path, codeList(m.codes)))
		}
		return
	}
	code := req.ConfigValue.ValueString()
	if slices.Contains(m.codes, code) {
		return
	}
	detail := fmt.Sprintf("With %s, destroy calls %s, which does not take reason_code %q. Use one of %s.", chosen, m.path, code, codeList(m.codes))
	knownElsewhere := false
	for _, other := range removalMethods {
		if other.name != m.name && slices.Contains(other.codes, code) {
			knownElsewhere = true
			detail += fmt.Sprintf("\n\n%q is a reason code of %s: to destroy with that call instead, set removal_method = %q.", code, other.path, other.name)
		}
	}
	if !knownElsewhere && plaid.LooksLikeReasonCode(code) {
		// Plaid adds reason codes as non-breaking changes (FRAUD_TRANSACTION
		// came in API 1.698.3), so a code of the right shape that this
		// version does not know may well be one Plaid takes today.
		resp.Diagnostics.AddAttributeWarning(req.Path, "Reason Code Not Known to This Provider", unknownReasonCodeDetail(chosen, m, code))
		return
	}
	if !knownElsewhere {
		detail += " Plaid's reason codes are upper-case words joined by underscores."
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Reason Code Not Taken by the Removal Method", detail)
}

// checkRemovalNote fails the plan when removal_reason_note holds the
// provider's secret, a token the provider has handled, or the resource's
// own access token: Terraform shows the note in plans and sends it to
// Plaid. Validation cannot: the secret is known only once the provider is
// configured, which ModifyPlan follows.
func checkRemovalNote(ctx context.Context, plan tfsdk.Plan, diags *diag.Diagnostics) {
	var note, token types.String
	diags.Append(plan.GetAttribute(ctx, path.Root("removal_reason_note"), &note)...)
	diags.Append(plan.GetAttribute(ctx, path.Root("access_token"), &token)...)
	if note.IsNull() || note.IsUnknown() {
		return
	}
	if plaid.HoldsSecret(note.ValueString(), token.ValueString()) {
		diags.AddAttributeError(path.Root("removal_reason_note"), "Removal Note Holds a Secret", noteHoldsACredential)
	}
}

// unknownReasonCodeDetail explains the warning for a well-formed reason code
// this provider does not list: it is sent as written, and Plaid decides.
func unknownReasonCodeDetail(chosen string, m removalMethod, code string) string {
	return fmt.Sprintf("With %s, destroy calls %s with reason_code %q, which this provider version does not know. "+
		"The codes it knows for that call are %s. "+
		"Plaid adds reason codes without notice, so the code is sent as written; if Plaid does not take it, destroy fails with INVALID_FIELD and the Item stays. "+
		"Check the spelling against Plaid's API reference for %s, or upgrade the provider to one that knows the code.",
		chosen, m.path, code, codeList(m.codes), m.path)
}
