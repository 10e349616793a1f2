package emulator

import (
	"net/http"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// apiError is an answer in Plaid's error format.
type apiError struct {
	status  int
	errType string
	code    string
	message string
	display *string
}

func (e *apiError) body(requestID string) map[string]any {
	return map[string]any{
		"error_type":        e.errType,
		"error_code":        e.code,
		"error_message":     e.message,
		"display_message":   e.display,
		"request_id":        requestID,
		"documentation_url": "https://plaid.com/docs/errors/",
		"suggested_action":  nil,
	}
}

func invalidRequest(code, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, errType: plaid.TypeInvalidRequest, code: code, message: message}
}

func invalidInput(code, message string) *apiError {
	return &apiError{status: http.StatusBadRequest, errType: plaid.TypeInvalidInput, code: code, message: message}
}

func errNotFoundEndpoint() *apiError {
	return &apiError{status: http.StatusNotFound, errType: plaid.TypeInvalidRequest, code: plaid.CodeNotFound, message: "not found"}
}

func errInvalidAccessToken(message string) *apiError {
	return invalidInput(plaid.CodeInvalidAccessToken, message)
}

func errItemNotFound() *apiError {
	return &apiError{status: http.StatusBadRequest, errType: plaid.TypeItemError, code: plaid.CodeItemNotFound, message: "the Item you requested cannot be found. This Item does not exist, has been previously removed via /item/remove, or has had access removed by the user"}
}

func errItemLoginRequired() *apiError {
	display := "the login details of this item have changed (credentials, MFA, or required user action) and a user login is required to update this information. use Link's update mode to restore the item to a good state"
	return &apiError{status: http.StatusBadRequest, errType: plaid.TypeItemError, code: plaid.CodeItemLoginRequired, message: display, display: &display}
}

func errRateLimit(code string) *apiError {
	return &apiError{status: http.StatusTooManyRequests, errType: plaid.TypeRateLimitExceeded, code: code, message: "rate limit exceeded for attempts to access this item. please try again later"}
}

func errInternal() *apiError {
	return &apiError{status: http.StatusInternalServerError, errType: plaid.TypeAPIError, code: plaid.CodeInternalServerError, message: "an unexpected error occurred"}
}

func errMaintenance() *apiError {
	return &apiError{status: http.StatusServiceUnavailable, errType: plaid.TypeAPIError, code: plaid.CodePlannedMaintenance, message: "the Plaid API is temporarily unavailable due to planned maintenance. visit https://status.plaid.com/ for more information"}
}

// itemErrorObject is the error object an unhealthy Item carries in /item/get.
func itemErrorObject(e *apiError) map[string]any {
	return map[string]any{
		"error_type":      e.errType,
		"error_code":      e.code,
		"error_message":   e.message,
		"display_message": e.display,
		"request_id":      "",
	}
}
