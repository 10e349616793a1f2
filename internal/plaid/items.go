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
// empty id would lose it), and one whose values cannot be stored as they
// are (see stored.go). Nothing of the Item is rewritten; what is only shown
// (the request_id, the Item error's message) passes ShowServerText.
func (r *ItemResponse) check(path string) error {
	var st shownStats
	r.RequestID = st.showStrict(r.RequestID, requestIDShape)
	it := &r.Item
	if it.ItemID == "" {
		return &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the JSON answer of " + path + " has no item.item_id"}
	}
	if problem := itemIDProblem(it.ItemID); problem != "" {
		return &UnexpectedResponseError{HTTPStatus: 200, ContentType: "application/json", Problem: "the item.item_id of the answer of " + path + " " + problem}
	}
	var c storedField
	if it.InstitutionID != nil {
		c.shaped("item.institution_id", *it.InstitutionID, institutionIDShape, "an institution id (ins_ and digits)")
	}
	for field, p := range map[string]*string{"item.institution_name": it.InstitutionName, "item.webhook": it.Webhook} {
		if p != nil {
			c.text(field, *p)
		}
	}
	if p := it.ConsentExpirationTime; p != nil {
		c.timestamp("item.consent_expiration_time", *p)
	}
	if it.UpdateType != "" {
		c.shaped("item.update_type", it.UpdateType, enumShape, "a Plaid update type")
	}
	for field, list := range map[string][]string{"item.available_products": it.AvailableProducts, "item.billed_products": it.BilledProducts, "item.products": it.Products, "item.consented_products": it.ConsentedProducts} {
		c.list(field, list, enumShape, "a list of Plaid product names")
	}
	if e := it.Error; e != nil {
		if e.ErrorCode != "" {
			c.shaped("item.error.error_code", e.ErrorCode, codeShape, "a Plaid error code")
		}
		// The rest of the Item's error is only ever shown.
		e.sanitize(&st)
	}
	if status := r.Status; status != nil {
		if tx := status.Transactions; tx != nil {
			for field, p := range map[string]*string{"status.transactions.last_successful_update": tx.LastSuccessfulUpdate, "status.transactions.last_failed_update": tx.LastFailedUpdate} {
				if p != nil {
					c.timestamp(field, *p)
				}
			}
		}
		if wh := status.LastWebhook; wh != nil {
			if wh.SentAt != nil {
				c.timestamp("status.last_webhook.sent_at", *wh.SentAt)
			}
			if wh.CodeSent != nil {
				c.shaped("status.last_webhook.code_sent", *wh.CodeSent, codeShape, "a webhook code")
			}
		}
	}
	return c.err(path)
}

// itemIDProblem says what makes id unfit to be a resource id, or "". The id
// is shown in every plan, in "Creation complete [id=…]" and in diagnostics,
// unfiltered: it must be letters and digits, as Plaid's are, and hold no
// token or secret.
func itemIDProblem(id string) string {
	if !itemIDShape.MatchString(id) {
		return "has characters no Plaid item_id has (only letters and digits)"
	}
	if holdsSecret(id) {
		return "carries a token or the secret"
	}
	return ""
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
	out.RequestID = showRequestID(out.RequestID)
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
