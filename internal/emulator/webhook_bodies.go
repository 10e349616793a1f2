package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// webhookBodyLocked is the body Plaid documents for the webhook of this
// type and code (each is checked against its schema in Plaid's spec by the
// contract tests): the fields every webhook has, and the code's own.
// ASSETS webhooks name an asset report, not an Item.
func (e *Emulator) webhookBodyLocked(it *item, webhookType, code string) map[string]any {
	body := map[string]any{"webhook_type": webhookType, "webhook_code": code, "environment": e.webhooks.environment}
	if webhookType != "ASSETS" {
		body["item_id"] = it.id
	}
	for k, v := range webhookFields(it, webhookType, code, e.now().UTC()) {
		body[k] = v
	}
	return body
}

// webhookFields are the fields of one webhook beyond type, code, Item and
// environment. The emulator holds no accounts, transactions or reports,
// so counts are zero, lists empty, and ids fresh.
func webhookFields(it *item, webhookType, code string, now time.Time) map[string]any {
	switch webhookType + "/" + code {
	case "ITEM/USER_PERMISSION_REVOKED":
		return map[string]any{"error": webhookError(plaid.TypeItemError, plaid.CodeUserPermissionRevoked, "the holder of this account has revoked their permission for your application to access it")}
	case "ITEM/USER_ACCOUNT_REVOKED":
		return map[string]any{"account_id": newItemID()}
	case "ITEM/PENDING_DISCONNECT":
		return map[string]any{"reason": "INSTITUTION_MIGRATION", "disconnect_time": now.Add(7 * 24 * time.Hour).Format(time.RFC3339)}
	case "ITEM/ERROR":
		return map[string]any{"error": webhookError(plaid.TypeItemError, plaid.CodeItemLoginRequired, errItemLoginRequired().message)}
	case "ITEM/WEBHOOK_UPDATE_ACKNOWLEDGED":
		return map[string]any{"error": nil, "new_webhook_url": *it.webhook}
	case "ITEM/NEW_ACCOUNTS_AVAILABLE":
		return map[string]any{"error": nil}
	case "TRANSACTIONS/DEFAULT_UPDATE":
		return map[string]any{"error": nil, "new_transactions": 0}
	case "AUTH/DEFAULT_UPDATE":
		return map[string]any{"error": nil, "account_ids_with_new_auth": []string{}, "account_ids_with_updated_auth": map[string]any{}}
	case "INVESTMENTS_TRANSACTIONS/DEFAULT_UPDATE":
		return map[string]any{"error": nil, "new_investments_transactions": 0, "cancelled_investments_transactions": 0}
	case "HOLDINGS/DEFAULT_UPDATE":
		return map[string]any{"error": nil, "new_holdings": 0, "updated_holdings": 0}
	case "LIABILITIES/DEFAULT_UPDATE":
		return map[string]any{"error": nil, "account_ids_with_new_liabilities": []string{}, "account_ids_with_updated_liabilities": map[string]any{}}
	case "AUTH/SMS_MICRODEPOSITS_VERIFICATION":
		return map[string]any{"status": "MANUALLY_VERIFIED", "account_id": newItemID()}
	case "TRANSACTIONS/RECURRING_TRANSACTIONS_UPDATE":
		return map[string]any{"account_ids": []string{}}
	case "TRANSACTIONS/SYNC_UPDATES_AVAILABLE":
		return map[string]any{"initial_update_complete": true, "historical_update_complete": true}
	case "ASSETS/PRODUCT_READY":
		return map[string]any{"asset_report_id": newUUID(), "report_type": "FULL"}
	case "ASSETS/ERROR":
		return map[string]any{"asset_report_id": newUUID(), "error": webhookError(plaid.TypeAssetReportError, plaid.CodeAssetReportGenerationFailed, "the asset report could not be generated")}
	}
	// LOGIN_REPAIRED and AUTHORIZATION_GRANTED carry nothing more.
	return nil
}

// webhookError is the error object a webhook carries, with the HTTP
// status Plaid includes there.
func webhookError(errType, code, message string) map[string]any {
	return map[string]any{"error_type": errType, "error_code": code, "error_message": message, "display_message": nil, "status": http.StatusBadRequest}
}

// sandboxWebhook checks fire_webhook's webhook_type and webhook_code
// against what Plaid lets it fire, and returns the row (its type filled in
// when the request named none).
func sandboxWebhook(webhookType *string, code string) (plaid.SandboxWebhook, *apiError) {
	if _, ok := plaid.FindSandboxWebhook("", code); !ok {
		return plaid.SandboxWebhook{}, invalidRequest(plaid.CodeInvalidField, "webhook_code must be one of "+fmt.Sprint(plaid.SandboxWebhookCodes()))
	}
	t := ""
	if webhookType != nil {
		t = *webhookType
	}
	w, ok := plaid.FindSandboxWebhook(t, code)
	if !ok {
		return w, invalidRequest(plaid.CodeInvalidField, fmt.Sprintf("webhook_type %s cannot fire webhook_code %s", t, code))
	}
	return w, nil
}

// checkWebhookProduct refuses a webhook of a product the Item lacks.
func checkWebhookProduct(it *item, w plaid.SandboxWebhook) *apiError {
	if w.Product == "" || slices.Contains(it.products, w.Product) {
		return nil
	}
	return &apiError{status: http.StatusBadRequest, errType: plaid.TypeSandboxError, code: plaid.CodeSandboxProductNotEnabled, message: fmt.Sprintf("the Item does not have the %s product, so it cannot fire %s %s", w.Product, w.Type, w.Code)}
}
