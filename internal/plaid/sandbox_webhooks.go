package plaid

import (
	"context"
	"slices"
)

// What /sandbox/item/fire_webhook can send is SandboxWebhooks (webhooks.go),
// the one table the provider's action and the emulator read: these views
// of it are what the action validates against.

// sandboxWebhookTypes are the webhook_type values the request takes (the
// spec's WebhookType enum, in its order).
var sandboxWebhookTypes = []string{"AUTH", "HOLDINGS", "INVESTMENTS_TRANSACTIONS", "ITEM", "LIABILITIES", "TRANSACTIONS", "ASSETS"}

// SandboxWebhookCodes are the codes /sandbox/item/fire_webhook can fire, in
// the spec's order.
func SandboxWebhookCodes() []string {
	var out []string
	for _, w := range SandboxWebhooks {
		if !slices.Contains(out, w.Code) {
			out = append(out, w.Code)
		}
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
	var out []string
	for _, w := range SandboxWebhooks {
		if w.Code == code {
			out = append(out, w.Type)
		}
	}
	return out
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
	out.RequestID = showRequestID(out.RequestID)
	return &out, nil
}

// ResetSandboxLogin calls /sandbox/item/reset_login, which puts the Item in
// ITEM_LOGIN_REQUIRED until it is repaired (in Link's update mode at Plaid).
func (c *Client) ResetSandboxLogin(ctx context.Context, accessToken string) (*RequestIDResponse, error) {
	var out RequestIDResponse
	if err := c.call(ctx, PathSandboxItemResetLogin, accessTokenRequest{AccessToken: accessToken}, &out); err != nil {
		return nil, err
	}
	out.RequestID = showRequestID(out.RequestID)
	return &out, nil
}
