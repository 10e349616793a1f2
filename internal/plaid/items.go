package plaid

import "context"

// Item is what /item/get says about an Item. Nullable fields are pointers;
// unknown fields are ignored, as Plaid may add them at any time.
type Item struct {
	ItemID                string   `json:"item_id"`
	InstitutionID         *string  `json:"institution_id"`
	InstitutionName       *string  `json:"institution_name"`
	Webhook               *string  `json:"webhook"`
	Error                 *Error   `json:"error"`
	AvailableProducts     []string `json:"available_products"`
	BilledProducts        []string `json:"billed_products"`
	Products              []string `json:"products"`
	ConsentedProducts     []string `json:"consented_products"`
	ConsentExpirationTime *string  `json:"consent_expiration_time"`
	UpdateType            string   `json:"update_type"`
}

// ItemStatus is the part of /item/get's status object that the provider
// shows: when the Item last received a webhook and last updated.
type ItemStatus struct {
	Transactions *struct {
		LastSuccessfulUpdate *string `json:"last_successful_update"`
		LastFailedUpdate     *string `json:"last_failed_update"`
	} `json:"transactions"`
	LastWebhook *struct {
		SentAt   *string `json:"sent_at"`
		CodeSent *string `json:"code_sent"`
	} `json:"last_webhook"`
}

// ItemResponse is the answer of /item/get and /item/webhook/update.
type ItemResponse struct {
	Item      Item        `json:"item"`
	Status    *ItemStatus `json:"status"`
	RequestID string      `json:"request_id"`
}

type accessTokenRequest struct {
	AccessToken string `json:"access_token"`
}

// GetItem calls /item/get.
func (c *Client) GetItem(ctx context.Context, accessToken string) (*ItemResponse, error) {
	var out ItemResponse
	if err := c.call(ctx, PathItemGet, accessTokenRequest{accessToken}, &out); err != nil {
		return nil, err
	}
	return &out, out.check(PathItemGet)
}

// check refuses an answer without the Item's id (recording an Item with an
// empty id would lose it) and passes what the server says about the Item's
// error through the redactor.
func (r *ItemResponse) check(path string) error {
	r.sanitize()
	if r.Item.ItemID == "" {
		return &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the JSON answer of " + path + " has no item.item_id"}
	}
	if problem := itemIDProblem(r.Item.ItemID); problem != "" {
		return &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the item.item_id of the answer of " + path + " " + problem}
	}
	return nil
}

// itemIDProblem says what makes id unfit to be a resource id, or "". The id
// is shown in every plan, in "Creation complete [id=…]" and in diagnostics,
// unredacted and unfiltered: it must not carry a token or the secret, nor
// characters that could rewrite the terminal (Plaid's are letters and
// digits).
func itemIDProblem(id string) string {
	for _, r := range id {
		if r <= ' ' || r > '~' {
			return "has characters no Plaid item_id has (whitespace, control or non-ASCII characters)"
		}
	}
	if Redact(id) != id {
		return "carries a token or the secret"
	}
	return ""
}

// sanitize passes every string of the answer through the redactor: they
// become state and plan output, which a hostile server could otherwise
// fill with a token it echoes. A real Plaid answer is left unchanged.
func (r *ItemResponse) sanitize() {
	r.RequestID = serverText(r.RequestID)
	it := &r.Item
	if it.Error != nil {
		it.Error.sanitize()
	}
	it.UpdateType = Redact(it.UpdateType)
	for _, p := range []*string{it.InstitutionID, it.InstitutionName, it.Webhook, it.ConsentExpirationTime} {
		redactPtr(p)
	}
	for _, list := range [][]string{it.AvailableProducts, it.BilledProducts, it.Products, it.ConsentedProducts} {
		for i := range list {
			list[i] = Redact(list[i])
		}
	}
	if st := r.Status; st != nil {
		if tx := st.Transactions; tx != nil {
			redactPtr(tx.LastSuccessfulUpdate)
			redactPtr(tx.LastFailedUpdate)
		}
		if wh := st.LastWebhook; wh != nil {
			redactPtr(wh.SentAt)
			redactPtr(wh.CodeSent)
		}
	}
}

func redactPtr(p *string) {
	if p != nil {
		*p = Redact(*p)
	}
}

// RemoveReason is the optional explanation sent with /item/remove. Empty
// fields are left out of the request.
type RemoveReason struct {
	Code string
	Note string
}

type itemRemoveRequest struct {
	AccessToken string `json:"access_token"`
	ReasonCode  string `json:"reason_code,omitempty"`
	ReasonNote  string `json:"reason_note,omitempty"`
}

// RequestIDResponse is the answer of endpoints that return nothing else.
type RequestIDResponse struct {
	RequestID string `json:"request_id"`
}

// RemoveItem calls /item/remove. A retried remove whose first attempt went
// through answers ITEM_NOT_FOUND; callers that want "removed" treat that as
// success (IsItemNotFound). A success status counts only with a real
// answer: a 2xx with an error body or without request_id is an
// *UnexpectedResponseError.
func (c *Client) RemoveItem(ctx context.Context, accessToken string, reason RemoveReason) (*RequestIDResponse, error) {
	var out RequestIDResponse
	req := itemRemoveRequest{AccessToken: accessToken, ReasonCode: reason.Code, ReasonNote: reason.Note}
	if err := c.call(ctx, PathItemRemove, req, &out); err != nil {
		return nil, err
	}
	out.RequestID = serverText(out.RequestID)
	return &out, nil
}

type webhookUpdateRequest struct {
	AccessToken string  `json:"access_token"`
	Webhook     *string `json:"webhook"`
}

// UpdateWebhook calls /item/webhook/update; a nil webhook clears it.
func (c *Client) UpdateWebhook(ctx context.Context, accessToken string, webhook *string) (*ItemResponse, error) {
	var out ItemResponse
	if err := c.call(ctx, PathItemWebhookUpdate, webhookUpdateRequest{accessToken, webhook}, &out); err != nil {
		return nil, err
	}
	return &out, out.check(PathItemWebhookUpdate)
}
