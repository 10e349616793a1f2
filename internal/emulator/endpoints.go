package emulator

import (
	"fmt"
	"net/url"
	"slices"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// endpoint is one Plaid API path: the top-level fields it accepts besides
// client_id and secret, those it requires, and what it does.
type endpoint struct {
	fields      []string
	required    []string
	sandboxOnly bool
	handle      func(e *Emulator, r *request) (map[string]any, *apiError)
}

var endpoints map[string]*endpoint

func init() {
	endpoints = map[string]*endpoint{
		"/item/get":                     {fields: []string{"access_token"}, required: []string{"access_token"}, handle: (*Emulator).itemGet},
		"/item/remove":                  {fields: []string{"access_token", "reason_code", "reason_note"}, required: []string{"access_token"}, handle: (*Emulator).itemRemove},
		"/item/products/terminate":      {fields: []string{"access_token", "reason_code", "reason_note"}, required: []string{"access_token", "reason_code"}, handle: (*Emulator).itemProductsTerminate},
		"/item/webhook/update":          {fields: []string{"access_token", "webhook"}, required: []string{"access_token"}, handle: (*Emulator).itemWebhookUpdate},
		"/item/access_token/invalidate": {fields: []string{"access_token"}, required: []string{"access_token"}, handle: (*Emulator).itemAccessTokenInvalidate},
		"/item/public_token/exchange":   {fields: []string{"public_token"}, required: []string{"public_token"}, handle: (*Emulator).itemPublicTokenExchange},
		"/institutions/get_by_id":       {fields: []string{"institution_id", "country_codes", "options"}, required: []string{"institution_id", "country_codes"}, handle: (*Emulator).institutionsGetByID},
		"/sandbox/public_token/create":  {fields: []string{"institution_id", "initial_products", "options", "user_token", "user_id"}, required: []string{"institution_id", "initial_products"}, sandboxOnly: true, handle: (*Emulator).sandboxPublicTokenCreate},
		"/sandbox/item/reset_login":     {fields: []string{"access_token"}, required: []string{"access_token"}, sandboxOnly: true, handle: (*Emulator).sandboxItemResetLogin},
		"/sandbox/item/fire_webhook":    {fields: []string{"access_token", "webhook_type", "webhook_code"}, required: []string{"access_token", "webhook_code"}, sandboxOnly: true, handle: (*Emulator).sandboxItemFireWebhook},
	}
}

// credentialFields are part of every request body: Plaid accepts the
// credentials there as well as in headers (see credentials).
type credentialFields struct {
	ClientID string `json:"client_id"`
	Secret   string `json:"secret"`
}

type accessTokenBody struct {
	credentialFields
	AccessToken string `json:"access_token"`
}

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
		return nil, errRateLimit(rateLimitCode(r.http.URL.Path))
	}
	return it, nil
}

func (e *Emulator) itemGet(r *request) (map[string]any, *apiError) {
	var body accessTokenBody
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
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
		"consent_expiration_time": nil,
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
		return nil, invalidRequest("INVALID_FIELD", "webhook must be a valid URL")
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
	var body accessTokenBody
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	return map[string]any{"new_access_token": e.rotateLocked(it)}, nil
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

func (e *Emulator) institutionsGetByID(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		InstitutionID string   `json:"institution_id"`
		CountryCodes  []string `json:"country_codes"`
		Options       *struct {
			IncludeOptionalMetadata          bool `json:"include_optional_metadata"`
			IncludeStatus                    bool `json:"include_status"`
			IncludeAuthMetadata              bool `json:"include_auth_metadata"`
			IncludePaymentInitiationMetadata bool `json:"include_payment_initiation_metadata"`
		} `json:"options"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	if len(body.CountryCodes) == 0 {
		return nil, invalidRequest("INVALID_FIELD", "country_codes must contain at least one country code")
	}
	for _, cc := range body.CountryCodes {
		if !slices.Contains(countryCodes, cc) {
			return nil, invalidRequest("INVALID_FIELD", "country_codes contains an unsupported country code: "+cc)
		}
	}
	inst, ok := institutions[body.InstitutionID]
	if !ok || !overlaps(inst.CountryCodes, body.CountryCodes) {
		return nil, invalidInput(plaid.CodeInvalidInstitution, "invalid institution_id provided")
	}
	includeStatus := body.Options != nil && body.Options.IncludeStatus
	return map[string]any{"institution": inst.json(includeStatus)}, nil
}

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
		return nil, invalidRequest("INVALID_FIELD", "initial_products must contain at least one product")
	}
	for _, p := range body.InitialProducts {
		if !slices.Contains(sandboxProducts, p) {
			return nil, invalidInput("INVALID_PRODUCT", "the following products are not valid: "+p)
		}
	}
	inst, ok := institutions[body.InstitutionID]
	if !ok {
		return nil, invalidInput(plaid.CodeInvalidInstitution, "invalid institution_id provided")
	}
	for _, p := range body.InitialProducts {
		if !slices.Contains(inst.Products, p) {
			return nil, invalidInput("INVALID_PRODUCT", "the institution does not support the product "+p)
		}
	}
	seed := SeedOptions{InstitutionID: inst.ID, Products: body.InitialProducts}
	if o := body.Options; o != nil {
		if o.Webhook != nil {
			if !validURL(*o.Webhook) {
				return nil, invalidRequest("INVALID_FIELD", "options.webhook must be a valid URL")
			}
			seed.Webhook = *o.Webhook
		}
		if o.Transactions != nil && o.Transactions.DaysRequested != nil {
			if d := *o.Transactions.DaysRequested; d < 1 || d > 730 {
				return nil, invalidRequest("INVALID_FIELD", "options.transactions.days_requested must be between 1 and 730")
			}
		}
		if o.OverrideUsername != nil && *o.OverrideUsername != "user_good" && *o.OverrideUsername != "user_custom" && *o.OverrideUsername != "user_transactions_dynamic" {
			return nil, invalidInput("INVALID_CREDENTIALS", "the provided credentials were not correct")
		}
	}
	seeded := e.seedLocked(seed)
	token := newToken("public", e.opts.Environment)
	e.issued.add("a public token the emulator issued", token)
	e.publicTokens[token] = &publicToken{itemID: seeded.ItemID, expiresAt: e.now().Add(e.opts.PublicTokenTTL)}
	r.call.ItemID = seeded.ItemID
	return map[string]any{"public_token": token}, nil
}

func (e *Emulator) sandboxItemResetLogin(r *request) (map[string]any, *apiError) {
	var body accessTokenBody
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	it.loginRequired = true
	return map[string]any{"reset_login": true}, nil
}

// fireableWebhookCodes are the codes /sandbox/item/fire_webhook accepts.
var fireableWebhookCodes = []string{"DEFAULT_UPDATE", "NEW_ACCOUNTS_AVAILABLE", "SMS_MICRODEPOSITS_VERIFICATION", "AUTHORIZATION_GRANTED", "USER_PERMISSION_REVOKED", "USER_ACCOUNT_REVOKED", "PENDING_DISCONNECT", "RECURRING_TRANSACTIONS_UPDATE", "LOGIN_REPAIRED", "SYNC_UPDATES_AVAILABLE", "PRODUCT_READY", "ERROR"}

func (e *Emulator) sandboxItemFireWebhook(r *request) (map[string]any, *apiError) {
	var body struct {
		accessTokenBody
		WebhookType *string `json:"webhook_type"`
		WebhookCode string  `json:"webhook_code"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	if !slices.Contains(fireableWebhookCodes, body.WebhookCode) {
		return nil, invalidRequest("INVALID_FIELD", "webhook_code must be one of "+fmt.Sprint(fireableWebhookCodes))
	}
	webhookType := "ITEM"
	if body.WebhookType != nil {
		webhookType = *body.WebhookType
	}
	it, apiErr := e.liveItemLocked(r, body.AccessToken)
	if apiErr != nil {
		return nil, apiErr
	}
	if it.webhook == nil {
		return nil, &apiError{status: 400, errType: "SANDBOX_ERROR", code: "SANDBOX_WEBHOOK_INVALID", message: "the Item has no webhook URL to fire to"}
	}
	e.sendWebhookLocked(it, webhookType, body.WebhookCode, nil)
	return map[string]any{"webhook_fired": true}, nil
}

func validURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func rateLimitCode(path string) string {
	switch path {
	case "/item/get":
		return "ITEM_GET_LIMIT"
	case "/institutions/get_by_id":
		return "INSTITUTIONS_GET_BY_ID_LIMIT"
	}
	return "RATE_LIMIT"
}
