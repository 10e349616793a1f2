package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"unicode/utf8"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// itemProductsTerminate ends an Item as /item/products/terminate does: the
// token stops working and billing ends. Plaid does not document what later
// calls on a terminated Item answer; the emulator assumes what /item/remove
// leads to, ITEM_NOT_FOUND (documented in the emulator guide). That its
// reason_code is required is in its endpoint's `required` list.
func (e *Emulator) itemProductsTerminate(r *request) (map[string]any, *apiError) {
	return e.endItem(r, plaid.PathItemProductsTerminate, plaid.TerminateReasonCodes())
}

// endItem is what /item/remove and /item/products/terminate share: check
// the reason against the endpoint's own codes, record it in the call log,
// and end the live Item. Either call counts in the Item's remove_count,
// answered ITEM_NOT_FOUND or not, so "ended exactly once" is measured by
// requests whichever call ended it.
func (e *Emulator) endItem(r *request, path string, codes []string) (map[string]any, *apiError) {
	var body struct {
		accessTokenBody
		ReasonCode *string `json:"reason_code"`
		ReasonNote *string `json:"reason_note"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	r.call.ReasonCode, r.call.ReasonNote = body.ReasonCode, body.ReasonNote
	if apiErr := checkReason(body.ReasonCode, body.ReasonNote, codes); apiErr != nil {
		return nil, apiErr
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
	if apiErr == nil || apiErr.status != http.StatusTooManyRequests {
		// Counted whatever the answer, so that a second removal shows.
		e.countRemoveRequestLocked(body.AccessToken)
	}
	if apiErr != nil {
		return nil, apiErr
	}
	it.removed = true
	it.removedBy = "api"
	it.removedWith = path
	return map[string]any{}, nil
}

// checkReason validates a reason_code (when given) against the endpoint's
// own codes and a reason_note against Plaid's length limit, answering
// INVALID_FIELD as Plaid does.
func checkReason(code, note *string, codes []string) *apiError {
	if code != nil && !slices.Contains(codes, *code) {
		return invalidRequest(plaid.CodeInvalidField, "reason_code must be one of "+fmt.Sprint(codes))
	}
	if note != nil && utf8.RuneCountInString(*note) > plaid.MaxReasonNoteLength {
		return invalidRequest(plaid.CodeInvalidField, fmt.Sprintf("reason_note must be at most %d characters", plaid.MaxReasonNoteLength))
	}
	return nil
}
