package plaid

import (
	"context"
	"slices"
)

// What /sandbox/item/fire_webhook can send, from Plaid's spec
// (SandboxItemFireWebhookRequest and WebhookType, and the endpoint's
// description): the provider's action validates against these and the
// emulator delivers them.

// sandboxWebhookCodes are the webhook_code values the request takes, in
// the spec's order, each with the webhook_type it goes out under when the
// request names none, followed by any other types the spec gives a webhook
// of that code. AUTHORIZATION_GRANTED is in the enum, but the spec neither
// describes it nor gives it a body: ITEM is an assumption.
var sandboxWebhookCodes = []struct {
	code  string
	types []string
}{
	// "simulating a default update event for the respective product as
	// specified with the webhook_type": TRANSACTIONS unless told.
	{"DEFAULT_UPDATE", []string{"TRANSACTIONS", "AUTH", "HOLDINGS", "INVESTMENTS_TRANSACTIONS", "LIABILITIES"}},
	{"NEW_ACCOUNTS_AVAILABLE", []string{"ITEM"}},
	{"SMS_MICRODEPOSITS_VERIFICATION", []string{"AUTH"}},
	{"AUTHORIZATION_GRANTED", []string{"ITEM"}},
	{"USER_PERMISSION_REVOKED", []string{"ITEM"}},
	{"USER_ACCOUNT_REVOKED", []string{"ITEM"}},
	{"PENDING_DISCONNECT", []string{"ITEM"}},
	{"RECURRING_TRANSACTIONS_UPDATE", []string{"TRANSACTIONS"}},
	{"LOGIN_REPAIRED", []string{"ITEM"}},
	{"SYNC_UPDATES_AVAILABLE", []string{"TRANSACTIONS"}},
	// "Assets webhook to be fired when a given asset report has been
	// successfully generated" / "... when asset report generation has
	// failed"; an Item's ERROR webhook has type ITEM.
	{"PRODUCT_READY", []string{"ASSETS"}},
	{"ERROR", []string{"ASSETS", "ITEM"}},
}

// sandboxWebhookTypes are the webhook_type values the request takes (the
// spec's WebhookType enum, in its order).
var sandboxWebhookTypes = []string{"AUTH", "HOLDINGS", "INVESTMENTS_TRANSACTIONS", "ITEM", "LIABILITIES", "TRANSACTIONS", "ASSETS"}

// SandboxWebhookCodes are the codes /sandbox/item/fire_webhook can fire, in
// the spec's order.
func SandboxWebhookCodes() []string {
	out := make([]string, len(sandboxWebhookCodes))
	for i, c := range sandboxWebhookCodes {
		out[i] = c.code
	}
	return out
}

// SandboxWebhookTypes are the webhook_type values /sandbox/item/fire_webhook
// takes, in the spec's order. The slice is a copy.
func SandboxWebhookTypes() []string { return slices.Clone(sandboxWebhookTypes) }

// SandboxWebhookTypesOf are the webhook types Plaid's spec has a webhook of
// code for, the one it is sent as by default first; nil for a code
// /sandbox/item/fire_webhook does not take.
func SandboxWebhookTypesOf(code string) []string {
	for _, c := range sandboxWebhookCodes {
		if c.code == code {
			return slices.Clone(c.types)
		}
	}
	return nil
}

type sandboxFireWebhookRequest struct {
	AccessToken string `json:"access_token"`
	WebhookType string `json:"webhook_type,omitempty"`
	WebhookCode string `json:"webhook_code"`
}

// FireSandboxWebhook calls /sandbox/item/fire_webhook: Plaid sends the
// Item's webhook URL a webhook of that code (and type, when not empty). It
// is not retried once the request may have reached Plaid, since a repeat
// would send a second webhook.
func (c *Client) FireSandboxWebhook(ctx context.Context, accessToken, webhookType, webhookCode string) (*RequestIDResponse, error) {
	var out RequestIDResponse
	req := sandboxFireWebhookRequest{AccessToken: accessToken, WebhookType: webhookType, WebhookCode: webhookCode}
	if err := c.call(ctx, PathSandboxItemFireWebhook, req, &out); err != nil {
		return nil, err
	}
	out.RequestID = serverText(out.RequestID)
	return &out, nil
}

// ResetSandboxLogin calls /sandbox/item/reset_login, which puts the Item in
// ITEM_LOGIN_REQUIRED until it is repaired (in Link's update mode at Plaid).
func (c *Client) ResetSandboxLogin(ctx context.Context, accessToken string) (*RequestIDResponse, error) {
	var out RequestIDResponse
	if err := c.call(ctx, PathSandboxItemResetLogin, accessTokenRequest{AccessToken: accessToken}, &out); err != nil {
		return nil, err
	}
	out.RequestID = serverText(out.RequestID)
	return &out, nil
}
