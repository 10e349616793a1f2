package emulator

import (
	"fmt"
	"slices"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The endpoints that open a sandbox Item, as the client's sandbox.go calls
// them (/sandbox/public_token/create, /item/public_token/exchange), and the
// sandbox's test controls for an Item.

func (e *Emulator) sandboxPublicTokenCreate(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		InstitutionID   string   `json:"institution_id"`
		InitialProducts []string `json:"initial_products"`
		UserToken       *string  `json:"user_token"`
		UserID          *string  `json:"user_id"`
		Options         *struct {
			Webhook          *string `json:"webhook"`
			OverrideUsername *string `json:"override_username"`
			OverridePassword *string `json:"override_password"`
			Transactions     *struct {
				StartDate     *string `json:"start_date"`
				EndDate       *string `json:"end_date"`
				DaysRequested *int    `json:"days_requested"`
			} `json:"transactions"`
			Statements         map[string]any `json:"statements"`
			IncomeVerification map[string]any `json:"income_verification"`
		} `json:"options"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	if len(body.InitialProducts) == 0 {
		return nil, invalidRequest(plaid.CodeInvalidField, "initial_products must contain at least one product")
	}
	for _, p := range body.InitialProducts {
		if !plaid.IsSandboxInitialProduct(p) {
			return nil, invalidInput(plaid.CodeInvalidProduct, "the following products are not valid: "+p)
		}
	}
	inst, ok := e.institutions[body.InstitutionID]
	if !ok {
		return nil, invalidInput(plaid.CodeInvalidInstitution, "invalid institution_id provided")
	}
	for _, p := range body.InitialProducts {
		if !slices.Contains(inst.Products, p) {
			return nil, invalidInput(plaid.CodeInvalidProduct, "the institution does not support the product "+p)
		}
	}
	seed := SeedOptions{InstitutionID: inst.ID, Products: body.InitialProducts}
	if o := body.Options; o != nil {
		if o.Webhook != nil {
			if !validURL(*o.Webhook) {
				return nil, invalidRequest(plaid.CodeInvalidField, "options.webhook must be a valid URL")
			}
			seed.Webhook = *o.Webhook
		}
		if o.Transactions != nil && o.Transactions.DaysRequested != nil {
			if d := *o.Transactions.DaysRequested; d < plaid.MinTransactionsDaysRequested || d > plaid.MaxTransactionsDaysRequested {
				return nil, invalidRequest(plaid.CodeInvalidField, fmt.Sprintf("options.transactions.days_requested must be between %d and %d", plaid.MinTransactionsDaysRequested, plaid.MaxTransactionsDaysRequested))
			}
		}
		if o.OverrideUsername != nil && *o.OverrideUsername != "user_good" && *o.OverrideUsername != "user_custom" && *o.OverrideUsername != "user_transactions_dynamic" {
			return nil, invalidInput(plaid.CodeInvalidCredentials, "the provided credentials were not correct")
		}
	}
	seeded := e.seedLocked(seed)
	token := newToken("public", e.opts.Environment)
	e.issued.add("a public token the emulator issued", token)
	e.publicTokens[token] = &publicToken{itemID: seeded.ItemID, expiresAt: e.now().Add(e.opts.PublicTokenTTL)}
	r.call.ItemID = seeded.ItemID
	return map[string]any{"public_token": token}, nil
}

func (e *Emulator) itemPublicTokenExchange(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		PublicToken string `json:"public_token"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	invalid := invalidInput(plaid.CodeInvalidPublicToken, "provided public token is expired. Public tokens expire 30 minutes after creation at which point they can no longer be exchanged")
	env, err := plaid.ParseToken(plaid.PublicToken, body.PublicToken)
	if err != nil || env != e.opts.Environment {
		invalid.message = "provided public token is in an invalid format. expected format: public-<environment>-<identifier>"
		return nil, invalid
	}
	pt, ok := e.publicTokens[body.PublicToken]
	if !ok || pt.used || e.now().After(pt.expiresAt) {
		return nil, invalid
	}
	pt.used = true
	it := e.items[pt.itemID]
	r.call.ItemID = it.id
	return map[string]any{"access_token": it.currentToken, "item_id": it.id}, nil
}

func (e *Emulator) sandboxItemResetLogin(r *request) (map[string]any, *apiError) {
	it, apiErr := e.liveItemOfTokenBody(r)
	if apiErr != nil {
		return nil, apiErr
	}
	it.loginRequired = true
	return map[string]any{"reset_login": true}, nil
}

func (e *Emulator) sandboxItemFireWebhook(r *request) (map[string]any, *apiError) {
	var body struct {
		accessTokenBody
		WebhookType *string `json:"webhook_type"`
		WebhookCode string  `json:"webhook_code"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	hook, apiErr := sandboxWebhook(body.WebhookType, body.WebhookCode)
	if apiErr != nil {
		return nil, apiErr
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	if it.webhook == nil {
		return nil, &apiError{status: 400, errType: plaid.TypeSandboxError, code: plaid.CodeSandboxWebhookInvalid, message: "the Item has no webhook URL to fire to"}
	}
	if apiErr := checkWebhookProduct(it, hook); apiErr != nil {
		return nil, apiErr
	}
	if hook.Code == plaid.WebhookCodeLoginRepaired {
		// The webhook announces a repair: an Item that
		// /sandbox/item/reset_login put in ITEM_LOGIN_REQUIRED works
		// again.
		it.loginRequired = false
	}
	e.sendWebhookLocked(it, hook.Type, hook.Code, nil)
	return map[string]any{"webhook_fired": true}, nil
}
