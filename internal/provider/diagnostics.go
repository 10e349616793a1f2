package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// describePlaidError says, for a diagnostic, what was attempted, what Plaid
// answered, and what to do next. The client redacts everything a server
// says; the text passes the same redactor again, as every diagnostic does
// on its way out (redactingServer).
func describePlaidError(attempted string, err error, data *providerData) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed: %s.", attempted, err)
	if next := nextStep(err, data); next != "" {
		b.WriteString("\n\n" + next)
	}
	return plaid.Redact(b.String())
}

// nextStep is the advice for the errors any call can meet. Callers add
// their own for errors that mean something particular to them.
func nextStep(err error, data *providerData) string {
	// Before the Plaid error it may wrap: what matters is that the call
	// was not repeated.
	var oe *plaid.OutcomeUnknownError
	if errors.As(err, &oe) {
		return outcomeUnknownStep
	}
	// With max_retries = 0 the request was sent once: nothing "kept" failing.
	afterRetries, keptFailing, keptLimiting := "", "failed", "rate limited the request"
	if data.maxRetries > 0 {
		afterRetries = fmt.Sprintf(" after %d retries", data.maxRetries)
		keptFailing, keptLimiting = "kept failing"+afterRetries, "kept rate limiting"+afterRetries
	}
	server := "The server at the provider's base_url (" + data.baseURL + ")"
	if data.sendsToPlaid() {
		server = "Plaid"
	}
	if data.gateway {
		if step := gatewayStep(err, data, afterRetries); step != "" {
			return step
		}
		// What remains are Plaid's own answers, passed through.
		server = "Plaid (through the gateway at the provider's base_url, " + data.baseURL + ")"
	}
	if pe, ok := plaid.AsError(err); ok {
		switch {
		case pe.ErrorCode == plaid.CodeInvalidAPIKeys:
			return fmt.Sprintf("Check the provider's client_id and secret (%s / %s). Each Plaid environment has its own secret: this provider is configured for %q.", envClientID, envSecret, data.environment)
		case pe.ErrorCode == plaid.CodeCreditsExhausted:
			return "Your Plaid account has used up its free API credits; retrying will not help. Request more from the Plaid dashboard."
		case pe.ErrorCode == plaid.CodeAdditionLimit:
			return "Your Plaid account has added as many Items as it may; retrying will not help, so the request was not repeated. Remove Items it no longer needs, or ask Plaid to raise the limit."
		case plaid.IsQuotaExhausted(err):
			// Any other quota code: the client does not retry these either.
			return "Your Plaid account has used up a quota; retrying will not help, so the request was not repeated. Check the account's limits in the Plaid dashboard."
		case pe.HTTPStatus == 429:
			return server + " " + keptLimiting + ". Lower the provider's requests_per_minute, run Terraform with a smaller -parallelism, or raise max_retries, then run the command again: Items already handled stay handled."
		case pe.HTTPStatus >= 500 && (data.sendsToPlaid() || data.gateway):
			return "Plaid " + keptFailing + ". Check https://status.plaid.com and run the command again later: Items already handled stay handled."
		case pe.HTTPStatus >= 500:
			return server + " " + keptFailing + ". Check that server, then run the command again: Items already handled stay handled."
		}
		return ""
	}
	var te *plaid.TransportError
	if errors.As(err, &te) && te.Permanent {
		return "Retrying cannot change this, so the request was not repeated. Check the provider's base_url (" + envBaseURL + ") and the server it points at."
	}
	if errors.As(err, &te) && te.Unreachable {
		return "Nothing could be reached at the provider's base_url (" + envBaseURL + "): check that it is right and that its server is running, then run the command again."
	}
	if errors.As(err, &te) {
		return "No answer came back" + afterRetries + ". Check the network and the provider's base_url (" + envBaseURL + "); then run the command again: Items already handled stay handled."
	}
	var ue *plaid.UnexpectedResponseError
	var re *plaid.RedirectError
	if errors.As(err, &ue) || errors.As(err, &re) {
		return "Check the provider's base_url (" + envBaseURL + ") and any proxy between Terraform and Plaid."
	}
	return ""
}

// gatewayStep is the advice for what a gateway (not Plaid) got wrong, in
// gateway mode: its own refusal (a 401 or 403 that is not Plaid's error
// object), its failure to reach Plaid (a 502 or 504 that is not Plaid's),
// any other answer that is not Plaid's, a redirect, no answer; and
// INVALID_API_KEYS, which is about the credentials the gateway injected.
// "" leaves the advice to nextStep.
func gatewayStep(err error, data *providerData, afterRetries string) string {
	gateway := "the gateway at the provider's base_url (" + data.baseURL + ")"
	var (
		ue *plaid.UnexpectedResponseError
		re *plaid.RedirectError
		te *plaid.TransportError
	)
	switch {
	case plaid.HasCode(err, plaid.CodeInvalidAPIKeys):
		return fmt.Sprintf("Plaid refused the credentials that %s injected: in gateway mode the provider sends none. Check the client_id and secret the gateway injects, and that the secret is %q's (each Plaid environment has its own).", gateway, data.environment)
	case errors.As(err, &ue) && (ue.HTTPStatus == 401 || ue.HTTPStatus == 403):
		return fmt.Sprintf("This refusal is not Plaid's (it is not a Plaid error object): %s refused the request itself, so it most likely never reached Plaid. Check gateway_headers, the credentials the gateway expects from Terraform, and the gateway's access rules.", gateway)
	case errors.As(err, &ue) && (ue.HTTPStatus == 502 || ue.HTTPStatus == 504):
		return fmt.Sprintf("This answer is not Plaid's: %s could not get an answer from Plaid%s. Check the gateway's logs and its connection to Plaid (and https://status.plaid.com), then run the command again: Items already handled stay handled.", gateway, afterRetries)
	case errors.As(err, &ue) && ue.HTTPStatus == 429:
		return fmt.Sprintf("This rate limit is not Plaid's: %s limited the request itself%s. Lower the provider's requests_per_minute or Terraform's -parallelism, or raise the gateway's limit, then run the command again: Items already handled stay handled.", gateway, afterRetries)
	case errors.As(err, &ue):
		return fmt.Sprintf("This answer is not Plaid's: %s failed itself, or did not pass Plaid's answer through unchanged as it must. Check the gateway and its logs.", gateway)
	case errors.As(err, &re):
		return fmt.Sprintf("The redirect came from %s: a gateway must answer for Plaid itself, never redirect (redirects are never followed, since each request carries the gateway headers and an access token).", gateway)
	case errors.As(err, &te) && te.Unreachable:
		return fmt.Sprintf("Nothing could be reached at %s: check that base_url (%s) is right and that the gateway is running, then run the command again.", gateway, envBaseURL)
	case errors.As(err, &te) && te.Permanent:
		return fmt.Sprintf("Retrying cannot change this, so the request was not repeated. Check the provider's base_url (%s) and %s, such as its TLS certificate.", envBaseURL, gateway)
	case errors.As(err, &te):
		return fmt.Sprintf("No answer came back from %s%s. Check the gateway and the network to it; then run the command again: Items already handled stay handled.", gateway, afterRetries)
	}
	return ""
}

// addPlaidError appends an error diagnostic for a failed Plaid call.
func addPlaidError(diags *diag.Diagnostics, summary, attempted string, err error, data *providerData) {
	if stopped(err) {
		diags.Append(interruptedDiagnostic(attempted))
		return
	}
	diags.AddError(summary, describePlaidError(attempted, err, data))
}

// itemGoneWarning tells the user why a resource leaves state on refresh,
// and what happens next (next: itemGoneFromConfiguration or
// sandboxItemGoneFromConfiguration). Its words hold in every mode: in a
// -refresh-only plan nothing leaves state until that plan is applied.
func itemGoneWarning(itemID, next string) diag.Diagnostic {
	return diag.NewWarningDiagnostic("Plaid Item No Longer Exists",
		fmt.Sprintf("Plaid answered ITEM_NOT_FOUND for Item %s: it was removed outside Terraform, or its owner revoked permission (for example at my.plaid.com). "+
			"Nothing is left to remove at Plaid, so this plan forgets the resource: Terraform drops it from state when the plan is applied. %s", itemID, next))
}

// itemGoneFromConfiguration is plaid_item's next step after its Item is
// found gone: an adopted Item cannot come back.
const itemGoneFromConfiguration = "While its access token stays in the configuration, a plan that makes changes adopts the token again, and that apply fails: Plaid has no Item behind it. " +
	"Remove the resource (or its key in a for_each map) from the configuration; terraform destroy needs nothing more."

// sandboxItemGoneFromConfiguration is plaid_sandbox_item's: Terraform
// creates the resource anew.
const sandboxItemGoneFromConfiguration = "While the resource stays in the configuration, a plan that makes changes creates a new sandbox Item in its place, with a new item_id and access_token. " +
	"Remove the resource from the configuration if no Item should take its place; terraform destroy needs nothing more."

// removalOfAdoptedItem fails a plan that destroys the resource managing
// itemID while another address of the same plan adopts its access token:
// a renamed for_each key, count index or resource without a moved block.
// The provider is not told resource addresses, so the moved block is shown
// in its general shape, with the command that finds the old address.
func removalOfAdoptedItem(itemID string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("This Plan Removes an Item That It Also Adopts",
		fmt.Sprintf("This plan destroys the resource that manages Item %s, and adopts the same access token at another address: a for_each key that was renamed (checking to chequing, say), a count index that moved, or a resource renamed or moved into a module. "+
			"Applying it would remove Item %s at Plaid, for good: the bank connection ends and its owner must link the account again. The adoption would then fail, because no Item is left behind the token. Nothing has been changed.\n\n"+
			"If it is the same Item under a new address, tell Terraform with a moved block and plan again; the plan then changes nothing:\n\n"+
			"  moved {\n    from = plaid_item.NAME[\"old\"]\n    to   = plaid_item.NAME[\"new\"]\n  }\n\n"+
			"terraform state list -id=%s prints the old address. "+
			"To remove the Item instead, take its token out of the configuration at the new address as well. "+
			"If you meant to destroy everything, terraform destroy runs a normal plan first, where this check also applies: add the moved block, or run terraform destroy -refresh=false.",
			itemID, itemID, itemID))
}

// adoptionOfManagedItem refuses the create of a plaid_item whose token a
// plaid_item of the same plan has just refreshed: the replacement of a
// tainted resource (which would remove the Item, then fail to adopt it
// again), or a second resource for one Item.
func adoptionOfManagedItem(itemID string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("access_token"), "Adopting an Item Terraform Already Manages",
		fmt.Sprintf("This plan creates a plaid_item for the access token of Item %s, which a plaid_item of this configuration already manages: Terraform refreshed it a moment ago, through the same token. Nothing has been changed.\n\n"+
			"Most likely that resource is tainted (terraform taint, or a provisioner that failed). Terraform replaces a tainted resource, and for an adopted Item the replacement removes Item %s at Plaid, for good (the bank connection ends and its owner must link the account again), then fails to adopt the token again. "+
			"terraform state list -id=%s prints the address; undo the taint with terraform untaint '<address>'.\n\n"+
			"If the key or address changed instead, add a moved block from the old address to the new one. If two resources name the same token, keep one. "+
			"This check needs the refresh: a plan with -refresh=false cannot make it.",
			itemID, itemID, itemID))
}

// tokenRefused explains why /item/get refused a token from the
// configuration; attempted says what for (adopting, reading), and failure
// is the summary of any other error.
func tokenRefused(failure, attempted string, err error, data *providerData) diag.Diagnostics {
	var diags diag.Diagnostics
	switch {
	case plaid.HasCode(err, plaid.CodeInvalidAccessToken):
		where := string(data.environment)
		if !data.sendsToPlaid() {
			where += " at the provider's base_url, " + data.baseURL + " (check that this is the server that issued the token)"
		}
		diags.AddAttributeError(path.Root("access_token"), "Plaid Rejected the Access Token",
			fmt.Sprintf("%s failed: %s.\n\nPlaid does not recognise this token in %s. Likely causes: it was rotated with /item/access_token/invalidate (use the new token), it belongs to another client_id than %s, or it was copied incompletely. Check where the token came from.", attempted, err, where, clientIDHolder(data)))
	case plaid.IsItemNotFound(err):
		diags.AddAttributeError(path.Root("access_token"), "Plaid Item Already Removed",
			fmt.Sprintf("%s failed: %s.\n\nThe Item behind this token was removed, or its owner revoked access. There is nothing to manage: remove the token from the configuration.", attempted, err))
	default:
		addPlaidError(&diags, failure, attempted, err, data)
	}
	return diags
}

// invalidTokenDetail explains INVALID_ACCESS_TOKEN for an Item in state:
// why it is not proof of removal, and the ways out. Each command works for
// an instance of count or for_each too: a removed block does not (Terraform
// refuses instance keys in it), so it is offered for whole resources only.
func invalidTokenDetail(attempted, itemID string, err error, data *providerData) string {
	return plaid.Redact(fmt.Sprintf("%s failed: %s.\n\n"+
		"INVALID_ACCESS_TOKEN does not prove the Item is gone, so the resource stays in state. Likely causes:\n"+
		"- the token was issued in another environment than the provider's %q, or to another client_id;\n"+
		"- the token was rotated with /item/access_token/invalidate: the Item lives on under its new token and is still billed.\n\n"+
		"What to do:\n"+
		"- Wrong environment or credentials: fix %s, and run the command again.\n"+
		"- Rotated token: put the new token in the configuration and run terraform apply, which updates the resource in place; then destroy removes the Item with it.\n"+
		"- To stop managing the Item without removing it (or if you know it is gone), find this resource's address and forget it:\n"+
		"    terraform state list -id=%s\n"+
		"    terraform state rm '<address>'\n"+
		"  To manage it again with its new token afterwards: terraform import '<address>' env:VARIABLE, with the token in VARIABLE; put the new token in the configuration too, or the next apply changes it back to the rejected one and fails.\n"+
		"  For a whole resource (no count or for_each), a removed block with lifecycle { destroy = false } (Terraform 1.7 and later) does the same from configuration.",
		attempted, err, data.environment, credentialSettings(data), itemID))
}

// clientIDHolder and credentialSettings name where the client_id and
// secret are set: in the provider, or in gateway mode by the gateway that
// injects them.
func clientIDHolder(data *providerData) string {
	if data.gateway {
		return "the one the gateway at base_url injects"
	}
	return "the provider's"
}

func credentialSettings(data *providerData) string {
	if data.gateway {
		return "the provider's environment, or the client_id or secret the gateway at base_url injects"
	}
	return "the provider's environment, client_id or secret"
}

// stopped reports whether a call ended because Terraform stopped the
// provider (Ctrl-C): the call was cancelled, not answered.
// A creating call whose outcome is unknown keeps its own guidance.
func stopped(err error) bool {
	var oe *plaid.OutcomeUnknownError
	return errors.Is(err, context.Canceled) && !errors.As(err, &oe)
}

// interruptedDiagnostic is the one line an operation cut short by Ctrl-C
// shows. Whether the request was never sent or its answer did not come
// within the grace period, state keeps what it had, and the next run
// settles it (an Item removed meanwhile answers ITEM_NOT_FOUND).
func interruptedDiagnostic(attempted string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Interrupted: "+attempted+" stopped before Plaid answered; run the command again to finish", "")
}

// sentence turns an error, whose text starts in lower case as Go errors
// do, into a sentence that starts a diagnostic.
func sentence(err error) string {
	s := err.Error()
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:] + "."
}

// outcomeUnknownStep is the way out after a creating call that may have
// gone through: what can be found, and how, honestly.
const outcomeUnknownStep = "Terraform did not send the request again, because a repeat could create a second Item, so an Item may now exist that is not in Terraform state. " +
	"Plaid's API cannot list Items, and removes one only with its access token: if the answer that carried the token was lost, nothing can remove that Item through the API. " +
	"Against the plaid emulator, its control API lists every Item (GET /emulator/items) and removes one (POST /emulator/items/<item_id>/revoke). " +
	"In Plaid's sandbox such an Item costs nothing; the request_id above, if any, identifies the request to Plaid support. Run the command again to create the resource."

// orphanedSandboxItemStep explains a sandbox Item whose public token was
// created but could not be exchanged: it exists, and no one holds its
// access token.
const orphanedSandboxItemStep = "/sandbox/public_token/create succeeded, so the sandbox Item exists at Plaid, but the exchange for its access token failed, so Terraform cannot record or remove it. " +
	"Against the plaid emulator, its control API lists every Item (GET /emulator/items) and removes one (POST /emulator/items/<item_id>/revoke). " +
	"In Plaid's sandbox such an Item costs nothing. Run the command again to create the resource."
