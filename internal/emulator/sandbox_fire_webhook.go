package emulator

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// sandboxItemFireWebhook serves /sandbox/item/fire_webhook: it sends the
// Item's webhook URL a webhook of the code asked for, with the body Plaid's
// spec gives that code and type (sandboxWebhookBody), and answers
// webhook_fired. The codes and types come from internal/plaid. Firing
// LOGIN_REPAIRED also repairs the Item, as the webhook announces: an Item
// that /sandbox/item/reset_login put in ITEM_LOGIN_REQUIRED works again.
func (e *Emulator) sandboxItemFireWebhook(r *request) (map[string]any, *apiError) {
	var body struct {
		accessTokenBody
		WebhookType *string `json:"webhook_type"`
		WebhookCode string  `json:"webhook_code"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	types := plaid.SandboxWebhookTypesOf(body.WebhookCode)
	if types == nil {
		return nil, invalidRequest(plaid.CodeInvalidField, "webhook_code must be one of "+fmt.Sprint(plaid.SandboxWebhookCodes()))
	}
	webhookType := types[0]
	if body.WebhookType != nil {
		webhookType = *body.WebhookType
		if !slices.Contains(plaid.SandboxWebhookTypes(), webhookType) {
			return nil, invalidRequest(plaid.CodeInvalidField, "webhook_type must be one of "+fmt.Sprint(plaid.SandboxWebhookTypes()))
		}
		if !slices.Contains(types, webhookType) {
			return nil, invalidRequest(plaid.CodeInvalidField, fmt.Sprintf("webhook_code %s can be fired with webhook_type %v, not %s", body.WebhookCode, types, webhookType))
		}
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	if it.webhook == nil {
		return nil, &apiError{status: http.StatusBadRequest, errType: plaid.TypeSandboxError, code: plaid.CodeSandboxWebhookInvalid, message: "the Item has no webhook URL to fire to"}
	}
	if body.WebhookCode == "LOGIN_REPAIRED" {
		it.loginRequired = false
	}
	sent := sandboxWebhookBody(it, webhookType, body.WebhookCode, e.webhooks.environment, e.now().UTC())
	it.lastWebhook = &sentWebhook{code: body.WebhookCode, at: e.now().UTC()}
	e.webhooks.send(*it.webhook, sent)
	return map[string]any{"webhook_fired": true}, nil
}

// sandboxWebhookBody is the webhook Plaid's spec describes for code sent as
// webhookType (the schema named beside each case), with values a sandbox
// Item of the emulator's has: no accounts, reports or transactions, so
// counts are 0 and lists empty.
func sandboxWebhookBody(it *item, webhookType, code, environment string, now time.Time) map[string]any {
	body := map[string]any{"webhook_type": webhookType, "webhook_code": code, "item_id": it.id, "environment": environment}
	// An account of the Item, for the webhooks that name one: the emulator
	// keeps no accounts, so this one is made up from the Item's id.
	accountID := "account-" + it.id
	switch webhookType + " " + code {
	case "TRANSACTIONS DEFAULT_UPDATE": // DefaultUpdateWebhook
		body["new_transactions"], body["error"] = 0, nil
	case "AUTH DEFAULT_UPDATE": // AuthDefaultUpdateWebhook
		body["account_ids_with_new_auth"], body["account_ids_with_updated_auth"], body["error"] = []string{}, map[string]any{}, nil
	case "HOLDINGS DEFAULT_UPDATE": // HoldingsDefaultUpdateWebhook
		body["new_holdings"], body["updated_holdings"], body["error"] = 0, 0, nil
	case "INVESTMENTS_TRANSACTIONS DEFAULT_UPDATE": // InvestmentsDefaultUpdateWebhook
		body["new_investments_transactions"], body["cancelled_investments_transactions"], body["error"] = 0, 0, nil
	case "LIABILITIES DEFAULT_UPDATE": // LiabilitiesDefaultUpdateWebhook
		body["account_ids_with_new_liabilities"], body["account_ids_with_updated_liabilities"], body["error"] = []string{}, map[string]any{}, nil
	case "ITEM NEW_ACCOUNTS_AVAILABLE": // NewAccountsAvailableWebhook
		body["error"] = nil
	case "AUTH SMS_MICRODEPOSITS_VERIFICATION": // HostedMMDVerificationWebhook
		body["status"], body["account_id"] = "MANUALLY_VERIFIED", accountID
	case "ITEM USER_PERMISSION_REVOKED": // UserPermissionRevokedWebhook, with the spec example's error
		body["error"] = map[string]any{
			"error_type": plaid.TypeItemError, "error_code": "USER_PERMISSION_REVOKED", "status": http.StatusBadRequest,
			"error_message": "the holder of this account has revoked their permission for your application to access it", "display_message": nil,
		}
	case "ITEM USER_ACCOUNT_REVOKED": // UserAccountRevokedWebhook
		body["account_id"] = accountID
	case "ITEM PENDING_DISCONNECT": // PendingDisconnectWebhook
		body["reason"], body["disconnect_time"] = "INSTITUTION_TOKEN_EXPIRATION", now.Add(7*24*time.Hour).Format(time.RFC3339)
	case "TRANSACTIONS RECURRING_TRANSACTIONS_UPDATE": // RecurringTransactionsUpdateWebhook
		body["account_ids"] = []string{}
	case "ITEM LOGIN_REPAIRED": // ItemLoginRepairedWebhook
	case "TRANSACTIONS SYNC_UPDATES_AVAILABLE": // SyncUpdatesAvailableWebhook
		body["initial_update_complete"], body["historical_update_complete"] = true, true
	case "ASSETS PRODUCT_READY": // AssetsProductReadyWebhook: about a report, not an Item
		delete(body, "item_id")
		body["asset_report_id"] = "assets-report-" + it.id
	case "ASSETS ERROR": // AssetsErrorWebhook
		delete(body, "item_id")
		body["asset_report_id"] = "assets-report-" + it.id
		body["error"] = map[string]any{
			"error_type": "ASSET_REPORT_ERROR", "error_code": "ASSET_REPORT_GENERATION_FAILED", "status": http.StatusBadRequest,
			"error_message": "the asset report could not be generated", "display_message": nil,
		}
	case "ITEM ERROR": // ItemErrorWebhook: the error an Item in ITEM_LOGIN_REQUIRED has
		body["error"] = itemErrorObject(errItemLoginRequired())
	default:
		// AUTHORIZATION_GRANTED: in the spec's list of codes, with no
		// webhook schema; the fields every Item webhook has.
	}
	return body
}
