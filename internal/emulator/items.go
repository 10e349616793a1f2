package emulator

import (
	"fmt"
	"slices"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// The Item endpoints, as the client's items.go calls them: /item/get,
// /item/remove, /item/webhook/update, and /item/access_token/invalidate,
// which the client never calls but tests use to rotate a token.

// liveItemLocked resolves an access token to its live Item, answering as
// Plaid does for tokens that are malformed, of another environment,
// rotated, or whose Item was removed. It also applies the per-Item limit.
func (e *Emulator) liveItemLocked(r *request, token string) (*item, *apiError) {
	env, err := plaid.ParseToken(plaid.AccessToken, token)
	if err != nil {
		return nil, errInvalidAccessToken("provided access token is in an invalid format. expected format: access-<environment>-<identifier>")
	}
	if env != e.opts.Environment {
		return nil, errInvalidAccessToken(fmt.Sprintf("provided access token is for the %s environment, but this request was sent to %s", env, e.opts.Environment))
	}
	t, ok := e.accessTokens[token]
	if !ok || t.rotated {
		return nil, errInvalidAccessToken("could not find matching access token")
	}
	it := e.items[t.itemID]
	r.call.ItemID = it.id
	if it.removed {
		if e.opts.RemovedAnswersInvalidToken {
			return nil, errInvalidAccessToken("could not find matching access token")
		}
		return nil, errItemNotFound()
	}
	if !e.limiter.allow("item|"+r.http.URL.Path+"|"+it.id, e.limiter.limit(r.http.URL.Path).PerItem) {
		return nil, errRateLimit(plaid.RateLimitCode(r.http.URL.Path))
	}
	return it, nil
}

// liveItemOfTokenBody decodes a body that carries only an access token and
// resolves the token to its live Item.
func (e *Emulator) liveItemOfTokenBody(r *request) (*item, *apiError) {
	var body accessTokenBody
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	return e.liveItemLocked(r, body.AccessToken)
}

func (e *Emulator) itemGet(r *request) (map[string]any, *apiError) {
	it, apiErr := e.liveItemOfTokenBody(r)
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"item": e.itemJSON(it), "status": itemStatusJSON(it)}, nil
}

func (e *Emulator) itemJSON(it *item) map[string]any {
	var itemErr any
	if it.loginRequired {
		itemErr = itemErrorObject(errItemLoginRequired())
	}
	inst := e.institutions[it.institutionID]
	var instName any
	if inst != nil {
		instName = inst.Name
	}
	return map[string]any{
		"item_id":                 it.id,
		"institution_id":          it.institutionID,
		"institution_name":        instName,
		"webhook":                 it.webhook,
		"error":                   itemErr,
		"available_products":      nonNil(it.available),
		"billed_products":         nonNil(it.billed),
		"products":                nonNil(it.products),
		"consented_products":      nonNil(it.consented),
		"consent_expiration_time": it.consentExpires,
		"update_type":             "background",
		"auth_method":             nil,
		"created_at":              it.createdAt.Format("2006-01-02T15:04:05Z"),
	}
}

// itemStatusJSON is the status object Plaid answers for an Item: for each
// product the spec gives a status (transactions, investments) the last
// update, the emulator's Items having last updated when they were made,
// or null when the Item lacks the product; and the last webhook sent, null
// until one is.
func itemStatusJSON(it *item) map[string]any {
	productStatus := func(product string) any {
		if !slices.Contains(it.products, product) {
			return nil
		}
		return map[string]any{"last_successful_update": it.createdAt.Format(time.RFC3339), "last_failed_update": nil}
	}
	var lastWebhook any
	if it.lastWebhook != nil {
		lastWebhook = map[string]any{"sent_at": it.lastWebhook.at.Format(time.RFC3339), "code_sent": it.lastWebhook.code}
	}
	return map[string]any{"transactions": productStatus("transactions"), "investments": productStatus("investments"), "last_webhook": lastWebhook}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (e *Emulator) itemRemove(r *request) (map[string]any, *apiError) {
	return e.endItem(r, plaid.PathItemRemove, plaid.RemoveReasonCodes())
}

func (e *Emulator) itemWebhookUpdate(r *request) (map[string]any, *apiError) {
	var body struct {
		accessTokenBody
		Webhook *string `json:"webhook"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	if body.Webhook != nil && !validURL(*body.Webhook) {
		return nil, invalidRequest(plaid.CodeInvalidField, "webhook must be a valid URL")
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	it.webhook = body.Webhook
	if it.webhook != nil {
		e.sendItemWebhookLocked(it, plaid.WebhookCodeWebhookUpdateAcknowledged, map[string]any{"new_webhook_url": *it.webhook})
	}
	return map[string]any{"item": e.itemJSON(it), "status": itemStatusJSON(it)}, nil
}

func (e *Emulator) itemAccessTokenInvalidate(r *request) (map[string]any, *apiError) {
	it, apiErr := e.liveItemOfTokenBody(r)
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"new_access_token": e.rotateLocked(it)}, nil
}

// itemImport answers /item/import: Plaid Exchange's way to make an Item
// from the user's own credentials at the institution (user_auth), which
// the emulator takes as given. It answers the new Item's access token.
func (e *Emulator) itemImport(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		InstitutionID *string  `json:"institution_id"`
		Products      []string `json:"products"`
		UserAuth      struct {
			UserID    *string `json:"user_id"`
			AuthToken *string `json:"auth_token"`
		} `json:"user_auth"`
		Options *struct {
			Webhook *string `json:"webhook"`
		} `json:"options"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	if body.UserAuth.UserID == nil || body.UserAuth.AuthToken == nil {
		return nil, invalidRequest(plaid.CodeMissingFields, "the following required fields are missing: user_auth.user_id, user_auth.auth_token")
	}
	if *body.UserAuth.UserID == "" || *body.UserAuth.AuthToken == "" {
		return nil, invalidRequest(plaid.CodeInvalidField, "user_auth.user_id and user_auth.auth_token must not be empty")
	}
	if len(body.Products) == 0 {
		return nil, invalidRequest(plaid.CodeInvalidField, "products must contain at least one product")
	}
	institutionID := plaid.DefaultSandboxInstitutionID
	if body.InstitutionID != nil {
		institutionID = *body.InstitutionID
	}
	inst, ok := e.institutions[institutionID]
	if !ok {
		return nil, invalidInput(plaid.CodeInvalidInstitution, "invalid institution_id provided")
	}
	for _, p := range body.Products {
		if !slices.Contains(inst.Products, p) {
			return nil, invalidInput(plaid.CodeInvalidProduct, "the institution does not support the product "+p)
		}
	}
	seed := SeedOptions{InstitutionID: inst.ID, Products: body.Products}
	if o := body.Options; o != nil && o.Webhook != nil {
		if !validURL(*o.Webhook) {
			return nil, invalidRequest(plaid.CodeInvalidField, "options.webhook must be a valid URL")
		}
		seed.Webhook = *o.Webhook
	}
	seeded := e.seedLocked(seed)
	r.call.ItemID = seeded.ItemID
	return map[string]any{"access_token": seeded.AccessToken}, nil
}
