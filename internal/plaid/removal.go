package plaid

import (
	"context"
	"errors"
	"slices"
)

// The two ways to end an Item, and what each accepts as a reason. These are
// Plaid's facts (ItemRemoveReasonCode, ProductsTerminateReasonCode and the
// reason_note maxLength in the API spec); the provider's validation, its
// docs and the emulator all read them from here.
const (
	// PathItemRemove removes an Item: its access token stops working and
	// billing ends. The reason is optional.
	PathItemRemove = "/item/remove"
	// PathItemProductsTerminate terminates an Item, which Plaid calls "the
	// recommended way to offboard users or disconnect accounts": the token
	// stops working, billing ends and webhooks fire. The reason is required.
	PathItemProductsTerminate = "/item/products/terminate"

	// MaxReasonNoteLength is the most characters either call takes in
	// reason_note.
	MaxReasonNoteLength = 512
)

var (
	removeReasonCodes = []string{
		"FRAUD_FIRST_PARTY", "FRAUD_FALSE_IDENTITY", "FRAUD_ABUSE", "FRAUD_OTHER",
		"CONNECTION_IS_NON_FUNCTIONAL", "OTHER",
	}
	terminateReasonCodes = []string{
		"FRAUD_FIRST_PARTY", "FRAUD_FALSE_IDENTITY", "FRAUD_ABUSE", "FRAUD_OTHER",
		"CONSUMER_LOAN_PAID_OFF", "CONSUMER_ACCOUNT_CLOSED", "CONSUMER_CHARGE_OFF", "CONSUMER_PAYMENT_METHOD_SWITCHED",
		"USER_OFFBOARDING", "DUPLICATE_ITEM", "BILLING_TERMINATION", "OTHER",
	}
)

// RemoveReasonCodes are the values /item/remove takes in reason_code, in
// the spec's order. The slice is a copy.
func RemoveReasonCodes() []string { return slices.Clone(removeReasonCodes) }

// TerminateReasonCodes are the values /item/products/terminate takes in
// reason_code, in the spec's order. They differ from /item/remove's: only the
// FRAUD_* codes and OTHER are in both. The slice is a copy.
func TerminateReasonCodes() []string { return slices.Clone(terminateReasonCodes) }

// IsRemoveReasonCode reports whether /item/remove takes code.
func IsRemoveReasonCode(code string) bool { return slices.Contains(removeReasonCodes, code) }

// IsTerminateReasonCode reports whether /item/products/terminate takes code.
func IsTerminateReasonCode(code string) bool { return slices.Contains(terminateReasonCodes, code) }

// TerminateReason is the explanation /item/products/terminate requires:
// Code is one of TerminateReasonCodes; an empty Note is left out.
type TerminateReason struct {
	Code string
	Note string
}

type itemProductsTerminateRequest struct {
	AccessToken string `json:"access_token"`
	ReasonCode  string `json:"reason_code"`
	ReasonNote  string `json:"reason_note,omitempty"`
}

// TerminateItemProducts calls /item/products/terminate. Like RemoveItem it
// is safe to repeat: a retry whose first attempt went through answers
// ITEM_NOT_FOUND, which callers that want the Item gone treat as success
// (IsItemNotFound). A request without a reason code is refused here, since
// Plaid requires one.
func (c *Client) TerminateItemProducts(ctx context.Context, accessToken string, reason TerminateReason) (*RequestIDResponse, error) {
	if reason.Code == "" {
		return nil, errors.New("POST " + PathItemProductsTerminate + " was not sent: Plaid requires a reason_code")
	}
	var out RequestIDResponse
	req := itemProductsTerminateRequest{AccessToken: accessToken, ReasonCode: reason.Code, ReasonNote: reason.Note}
	if err := c.call(ctx, PathItemProductsTerminate, req, &out); err != nil {
		return nil, err
	}
	out.RequestID = showRequestID(out.RequestID)
	return &out, nil
}
