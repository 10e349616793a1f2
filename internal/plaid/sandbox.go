package plaid

import (
	"context"
	"slices"
)

// DefaultSandboxInstitutionID is First Platypus Bank, the sandbox
// institution Plaid's docs and quickstarts use.
const DefaultSandboxInstitutionID = "ins_109508"

// The range /sandbox/public_token/create takes in
// options.transactions.days_requested.
const (
	MinTransactionsDaysRequested = 1
	MaxTransactionsDaysRequested = 730
)

// sandboxInitialProducts are the values Plaid's spec allows in
// /sandbox/public_token/create's initial_products.
var sandboxInitialProducts = []string{"assets", "auth", "cra_base_report", "cra_income_insights", "cra_lend_score", "cra_partner_insights", "cra_monitoring",
	"identity", "income_verification", "investments_auth", "investments", "liabilities", "payment_initiation", "signal", "standing_orders", "statements", "transactions", "transfer"}

// SandboxInitialProducts are the values /sandbox/public_token/create takes
// in initial_products, in the spec's order. The slice is a copy.
func SandboxInitialProducts() []string { return slices.Clone(sandboxInitialProducts) }

// IsSandboxInitialProduct reports whether /sandbox/public_token/create
// takes product in initial_products.
func IsSandboxInitialProduct(product string) bool {
	return slices.Contains(sandboxInitialProducts, product)
}

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
	const path = PathSandboxPublicTokenCreate
	if err := c.call(ctx, path, req, &out); err != nil {
		return "", err
	}
	if out.PublicToken == "" {
		return "", &OutcomeUnknownError{Path: path, Creates: endpointFor(path).creates,
			Err: &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the JSON answer has no public_token"}}
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
	const path = PathItemPublicTokenExchange
	if err := c.call(ctx, path, publicTokenRequest{publicToken}, &out); err != nil {
		return nil, err
	}
	if out.AccessToken == "" || out.ItemID == "" {
		return nil, &OutcomeUnknownError{Path: path, Creates: endpointFor(path).creates,
			Err: &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the JSON answer lacks access_token or item_id"}}
	}
	if problem := itemIDProblem(out.ItemID); problem != "" {
		// It would become the resource's id (GetItem refuses it too).
		return nil, &OutcomeUnknownError{Path: path, Creates: endpointFor(path).creates,
			Err: &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the item_id of the answer " + problem}}
	}
	out.RequestID = showRequestID(out.RequestID)
	return &out, nil
}
