package emulator

import (
	"fmt"

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
	inst := institutions[it.institutionID]
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

func itemStatusJSON(it *item) any {
	if it.lastWebhook == nil {
		return nil
	}
	return map[string]any{"last_webhook": map[string]any{"sent_at": it.lastWebhook.at.Format("2006-01-02T15:04:05Z"), "code_sent": it.lastWebhook.code}}
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
		e.sendItemWebhookLocked(it, "WEBHOOK_UPDATE_ACKNOWLEDGED", map[string]any{"new_webhook_url": *it.webhook})
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
