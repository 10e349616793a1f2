package plaid

import "context"

// SandboxPublicTokenRequest is the body of /sandbox/public_token/create.
type SandboxPublicTokenRequest struct {
	InstitutionID   string                     `json:"institution_id"`
	InitialProducts []string                   `json:"initial_products"`
	Options         *SandboxPublicTokenOptions `json:"options,omitempty"`
}

// SandboxPublicTokenOptions are the optional settings of a sandbox Item.
type SandboxPublicTokenOptions struct {
	Webhook          string                  `json:"webhook,omitempty"`
	OverrideUsername string                  `json:"override_username,omitempty"`
	OverridePassword string                  `json:"override_password,omitempty"`
	Transactions     *SandboxTransactionsOpt `json:"transactions,omitempty"`
}

// SandboxTransactionsOpt sets how much transaction history a sandbox Item has.
type SandboxTransactionsOpt struct {
	DaysRequested int `json:"days_requested,omitempty"`
}

type publicTokenResponse struct {
	PublicToken string `json:"public_token"`
	RequestID   string `json:"request_id"`
}

// CreateSandboxPublicToken calls /sandbox/public_token/create.
func (c *Client) CreateSandboxPublicToken(ctx context.Context, req SandboxPublicTokenRequest) (string, error) {
	var out publicTokenResponse
	if err := c.call(ctx, "/sandbox/public_token/create", req, &out); err != nil {
		return "", err
	}
	return out.PublicToken, nil
}

// ExchangeResponse is the answer of /item/public_token/exchange.
type ExchangeResponse struct {
	AccessToken string `json:"access_token"`
	ItemID      string `json:"item_id"`
	RequestID   string `json:"request_id"`
}

type publicTokenRequest struct {
	PublicToken string `json:"public_token"`
}

// ExchangePublicToken calls /item/public_token/exchange.
func (c *Client) ExchangePublicToken(ctx context.Context, publicToken string) (*ExchangeResponse, error) {
	var out ExchangeResponse
	if err := c.call(ctx, "/item/public_token/exchange", publicTokenRequest{publicToken}, &out); err != nil {
		return nil, err
	}
	if out.AccessToken == "" || out.ItemID == "" {
		return nil, &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the JSON answer of /item/public_token/exchange lacks access_token or item_id"}
	}
	return &out, nil
}

type resetLoginResponse struct {
	ResetLogin bool   `json:"reset_login"`
	RequestID  string `json:"request_id"`
}

// ResetSandboxLogin calls /sandbox/item/reset_login: the Item then reports
// ITEM_LOGIN_REQUIRED.
func (c *Client) ResetSandboxLogin(ctx context.Context, accessToken string) error {
	var out resetLoginResponse
	return c.call(ctx, "/sandbox/item/reset_login", accessTokenRequest{accessToken}, &out)
}

type fireWebhookRequest struct {
	AccessToken string `json:"access_token"`
	WebhookCode string `json:"webhook_code"`
	WebhookType string `json:"webhook_type,omitempty"`
}

type fireWebhookResponse struct {
	WebhookFired bool   `json:"webhook_fired"`
	RequestID    string `json:"request_id"`
}

// FireSandboxWebhook calls /sandbox/item/fire_webhook.
func (c *Client) FireSandboxWebhook(ctx context.Context, accessToken, webhookType, webhookCode string) error {
	var out fireWebhookResponse
	return c.call(ctx, "/sandbox/item/fire_webhook", fireWebhookRequest{accessToken, webhookCode, webhookType}, &out)
}
