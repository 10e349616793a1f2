package plaid

import "context"

// Institution is what /institutions/get_by_id says about an institution.
type Institution struct {
	InstitutionID string   `json:"institution_id"`
	Name          string   `json:"name"`
	Products      []string `json:"products"`
	CountryCodes  []string `json:"country_codes"`
	OAuth         bool     `json:"oauth"`
	URL           *string  `json:"url"`
	Status        *struct {
		ItemLogins *struct {
			Status string `json:"status"`
		} `json:"item_logins"`
	} `json:"status"`
}

type institutionRequest struct {
	InstitutionID string              `json:"institution_id"`
	CountryCodes  []string            `json:"country_codes"`
	Options       *institutionOptions `json:"options,omitempty"`
}

type institutionOptions struct {
	IncludeStatus bool `json:"include_status,omitempty"`
}

type institutionResponse struct {
	Institution Institution `json:"institution"`
	RequestID   string      `json:"request_id"`
}

// GetInstitution calls /institutions/get_by_id, asking for its status.
func (c *Client) GetInstitution(ctx context.Context, institutionID string, countryCodes []string) (*Institution, error) {
	var out institutionResponse
	req := institutionRequest{InstitutionID: institutionID, CountryCodes: countryCodes, Options: &institutionOptions{IncludeStatus: true}}
	if err := c.call(ctx, PathInstitutionsGetByID, req, &out); err != nil {
		return nil, err
	}
	// Like an Item's answer, it becomes state: checked, never rewritten.
	inst := &out.Institution
	out.RequestID = showRequestID(out.RequestID)
	var check storedField
	check.shaped("institution.institution_id", inst.InstitutionID, institutionIDShape, "an institution id (ins_ and digits)")
	check.text("institution.name", inst.Name)
	if inst.URL != nil {
		check.text("institution.url", *inst.URL)
	}
	check.list("institution.products", inst.Products, enumShape, "a list of Plaid product names")
	check.list("institution.country_codes", inst.CountryCodes, countryCodeShape, "a list of country codes")
	if inst.Status != nil && inst.Status.ItemLogins != nil {
		check.shaped("institution.status.item_logins.status", inst.Status.ItemLogins.Status, codeShape, "a status such as HEALTHY")
	}
	if err := check.err(PathInstitutionsGetByID); err != nil {
		return nil, err
	}
	return inst, nil
}
