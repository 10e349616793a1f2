package plaid

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
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
		"FRAUD_TRANSACTION",
	}
)

// ReasonCodesAddedSince are the reason codes Plaid added to an endpoint's
// enum after the 2020-09-14_1.697.4 spec this repository's contract tests
// read, with the API version (1.x.y, the part after "2020-09-14_") that
// added each. The lists above hold them already; this record is how the
// contract test tells "newer than the spec" from "missing from the spec": a
// spec at or past that version must list the code. Plaid adds enum values
// as non-breaking changes, so the provider also lets unknown codes of the
// right shape through (LooksLikeReasonCode).
var ReasonCodesAddedSince = map[string]map[string]string{
	PathItemProductsTerminate: {
		// Plaid API 1.698.3, July 2026.
		"FRAUD_TRANSACTION": "1.698.3",
	},
}

// APIVersionBefore reports whether Plaid API version a (such as 1.697.4,
// the part of a spec's version after "2020-09-14_") is older than b.
func APIVersionBefore(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, _ := strconv.Atoi(pa[i])
		nb, _ := strconv.Atoi(pb[i])
		if na != nb {
			return na < nb
		}
	}
	return len(pa) < len(pb)
}

// RemoveReasonCodes are the values /item/remove takes in reason_code, in
// the spec's order. The slice is a copy.
func RemoveReasonCodes() []string { return slices.Clone(removeReasonCodes) }

// TerminateReasonCodes are the values /item/products/terminate takes in
// reason_code: the spec's, in its order, then those added since
// (ReasonCodesAddedSince). They differ from /item/remove's: only the older
// FRAUD_* codes and OTHER are in both. The slice is a copy.
func TerminateReasonCodes() []string { return slices.Clone(terminateReasonCodes) }

// IsRemoveReasonCode reports whether /item/remove takes code.
func IsRemoveReasonCode(code string) bool { return slices.Contains(removeReasonCodes, code) }

// IsTerminateReasonCode reports whether /item/products/terminate takes code.
func IsTerminateReasonCode(code string) bool { return slices.Contains(terminateReasonCodes, code) }

// LooksLikeReasonCode reports whether code has the shape of every Plaid
// reason code: upper-case letters and digits in words joined by single
// underscores, starting with a letter (FRAUD_TRANSACTION). A code of that
// shape that this package does not list may be one Plaid added since.
func LooksLikeReasonCode(code string) bool {
	if code == "" || code[0] < 'A' || code[0] > 'Z' {
		return false
	}
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_' && i+1 < len(code) && code[i+1] != '_':
		default:
			return false
		}
	}
	return true
}

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
