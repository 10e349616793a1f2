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
	// Like an Item's answer, it becomes state: redacted.
	inst := &out.Institution
	inst.InstitutionID, inst.Name = Redact(inst.InstitutionID), Redact(inst.Name)
	redactPtr(inst.URL)
	for _, list := range [][]string{inst.Products, inst.CountryCodes} {
		for i := range list {
			list[i] = Redact(list[i])
		}
	}
	if inst.Status != nil && inst.Status.ItemLogins != nil {
		inst.Status.ItemLogins.Status = Redact(inst.Status.ItemLogins.Status)
	}
	return inst, nil
}
