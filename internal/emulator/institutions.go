package emulator

import (
	"maps"
	"slices"
	"strings"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Institution is one institution the emulator knows: Plaid's sandbox test
// institutions, and any a fixtures file adds (its JSON names are the
// fixtures file's).
type Institution struct {
	ID           string   `json:"institution_id"`
	Name         string   `json:"name"`
	Products     []string `json:"products"`
	CountryCodes []string `json:"country_codes"`
	OAuth        bool     `json:"oauth"`
	Routing      []string `json:"routing_numbers"`
	// The optional metadata, answered only when a request sets
	// options.include_optional_metadata; empty answers null then.
	URL          string `json:"url,omitempty"`
	PrimaryColor string `json:"primary_color,omitempty"`
	Logo         string `json:"logo,omitempty"`
}

var allSandboxProducts = []string{"assets", "auth", "balance", "identity", "investments", "liabilities", "transactions", "income_verification", "statements", "signal", "transfer"}

var countryCodes = []string{"US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV", "PT", "BE", "AT", "FI"}

// sandboxLogo is a 1x1 PNG, base64-encoded as Plaid sends logos.
const sandboxLogo = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

// sandboxInstitutions are Plaid's sandbox test institutions, by id: every
// emulator starts with them.
var sandboxInstitutions = byID([]*Institution{
	{ID: plaid.DefaultSandboxInstitutionID, Name: "First Platypus Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"011401533"}, URL: "https://plaid.com", PrimaryColor: "#1f1f1f", Logo: sandboxLogo},
	{ID: "ins_109509", Name: "First Gingham Credit Union", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"021200339"}, URL: "https://plaid.com", PrimaryColor: "#2e2e2e", Logo: sandboxLogo},
	{ID: "ins_109510", Name: "Tattersall Federal Credit Union", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"021000021"}, URL: "https://plaid.com", PrimaryColor: "#3d3d3d", Logo: sandboxLogo},
	{ID: "ins_109511", Name: "Tartan Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, Routing: []string{"011000028"}, URL: "https://plaid.com", PrimaryColor: "#4c4c4c", Logo: sandboxLogo},
	{ID: "ins_109512", Name: "Houndstooth Bank", Products: []string{"auth", "balance", "identity", "transactions"}, CountryCodes: []string{"US"}, Routing: []string{"011000138"}, URL: "https://plaid.com", PrimaryColor: "#5b5b5b", Logo: sandboxLogo},
	{ID: "ins_127287", Name: "Platypus OAuth Bank", Products: allSandboxProducts, CountryCodes: []string{"US"}, OAuth: true, Routing: []string{}, URL: "https://plaid.com", PrimaryColor: "#6a6a6a", Logo: sandboxLogo},
	{ID: "ins_117650", Name: "Royal Bank of Plaid", Products: []string{"assets", "auth", "balance", "identity", "transactions"}, CountryCodes: []string{"GB"}, OAuth: true, Routing: []string{}, URL: "https://plaid.com", PrimaryColor: "#797979", Logo: sandboxLogo},
})

func byID(list []*Institution) map[string]*Institution {
	out := make(map[string]*Institution, len(list))
	for _, inst := range list {
		out[inst.ID] = inst
	}
	return out
}

// institutionOptions are the options the three institution endpoints
// share in what they answer.
type institutionOptions struct {
	status           bool
	optionalMetadata bool
}

// json is the institution as Plaid answers it. The optional metadata
// (url, primary_color, logo) is in it only when asked for: absent, not
// null, otherwise.
func (i *Institution) json(o institutionOptions) map[string]any {
	out := map[string]any{
		"institution_id":  i.ID,
		"name":            i.Name,
		"products":        nonNil(i.Products),
		"country_codes":   nonNil(i.CountryCodes),
		"routing_numbers": nonNil(i.Routing),
		"dtc_numbers":     []string{},
		"oauth":           i.OAuth,
	}
	if o.optionalMetadata {
		out["url"], out["primary_color"], out["logo"] = nullIfEmpty(i.URL), nullIfEmpty(i.PrimaryColor), nullIfEmpty(i.Logo)
	}
	if o.status {
		healthy := map[string]any{"status": "HEALTHY", "last_status_change": "2026-01-01T00:00:00Z", "breakdown": map[string]any{"success": 0.99, "error_plaid": 0.01, "error_institution": 0, "refresh_interval": "NORMAL"}}
		out["status"] = map[string]any{"item_logins": healthy, "transactions_updates": healthy, "auth": healthy, "identity": healthy, "investments_updates": healthy, "liabilities_updates": healthy, "liabilities": healthy, "investments": healthy, "health_incidents": []any{}}
	}
	return out
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// availableProductsLocked are the institution's products an Item has not
// yet been billed for.
func (e *Emulator) availableProductsLocked(institutionID string, billed []string) []string {
	inst, ok := e.institutions[institutionID]
	if !ok {
		return []string{}
	}
	out := []string{}
	for _, p := range []string{"assets", "auth", "balance", "identity", "investments", "liabilities", "transactions"} {
		if slices.Contains(inst.Products, p) && !slices.Contains(billed, p) {
			out = append(out, p)
		}
	}
	return out
}

// checkCountryCodes refuses an empty list or a code Plaid does not serve.
func checkCountryCodes(codes []string) *apiError {
	if len(codes) == 0 {
		return invalidRequest(plaid.CodeInvalidField, "country_codes must contain at least one country code")
	}
	for _, cc := range codes {
		if !slices.Contains(countryCodes, cc) {
			return invalidRequest(plaid.CodeInvalidField, "country_codes contains an unsupported country code: "+cc)
		}
	}
	return nil
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
	if err := checkCountryCodes(body.CountryCodes); err != nil {
		return nil, err
	}
	inst, ok := e.institutions[body.InstitutionID]
	if !ok || !overlaps(inst.CountryCodes, body.CountryCodes) {
		return nil, invalidInput(plaid.CodeInvalidInstitution, "invalid institution_id provided")
	}
	var o institutionOptions
	if body.Options != nil {
		o = institutionOptions{status: body.Options.IncludeStatus, optionalMetadata: body.Options.IncludeOptionalMetadata}
	}
	return map[string]any{"institution": inst.json(o)}, nil
}

// Plaid's bounds on /institutions/get's page.
const (
	maxInstitutionsCount = 500
	maxSearchResults     = 10
)

// institutionsGet pages through the institutions in the given countries,
// in the order of their ids, filtered by the options' products (all of
// them), routing numbers (all of them) and OAuth.
func (e *Emulator) institutionsGet(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		Count        int      `json:"count"`
		Offset       int      `json:"offset"`
		CountryCodes []string `json:"country_codes"`
		Options      *struct {
			Products                         []string `json:"products"`
			RoutingNumbers                   []string `json:"routing_numbers"`
			OAuth                            *bool    `json:"oauth"`
			IncludeOptionalMetadata          bool     `json:"include_optional_metadata"`
			IncludeAuthMetadata              bool     `json:"include_auth_metadata"`
			IncludePaymentInitiationMetadata bool     `json:"include_payment_initiation_metadata"`
		} `json:"options"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	if body.Count < 1 || body.Count > maxInstitutionsCount {
		return nil, invalidRequest(plaid.CodeInvalidField, "count must be between 1 and 500")
	}
	if body.Offset < 0 {
		return nil, invalidRequest(plaid.CodeInvalidField, "offset must be at least 0")
	}
	if err := checkCountryCodes(body.CountryCodes); err != nil {
		return nil, err
	}
	var o institutionOptions
	match := func(inst *Institution) bool { return overlaps(inst.CountryCodes, body.CountryCodes) }
	if opts := body.Options; opts != nil {
		if opts.Products != nil && len(opts.Products) == 0 {
			return nil, invalidRequest(plaid.CodeInvalidField, "options.products must contain at least one product, or be null")
		}
		o.optionalMetadata = opts.IncludeOptionalMetadata
		match = func(inst *Institution) bool {
			return overlaps(inst.CountryCodes, body.CountryCodes) && containsAll(inst.Products, opts.Products) && containsAll(inst.Routing, opts.RoutingNumbers) && (opts.OAuth == nil || *opts.OAuth == inst.OAuth)
		}
	}
	found := e.institutionsWhereLocked(match)
	page := []map[string]any{}
	for i := body.Offset; i < len(found) && i < body.Offset+body.Count; i++ {
		page = append(page, found[i].json(o))
	}
	return map[string]any{"institutions": page, "total": len(found)}, nil
}

// institutionsSearch finds up to ten institutions in the given countries
// whose name holds every word of the query (any case), or whose id is the
// query, filtered by products (all of them) and OAuth.
func (e *Emulator) institutionsSearch(r *request) (map[string]any, *apiError) {
	var body struct {
		credentialFields
		Query        string   `json:"query"`
		Products     []string `json:"products"`
		CountryCodes []string `json:"country_codes"`
		Options      *struct {
			OAuth                            *bool `json:"oauth"`
			IncludeOptionalMetadata          bool  `json:"include_optional_metadata"`
			IncludeAuthMetadata              *bool `json:"include_auth_metadata"`
			IncludePaymentInitiationMetadata *bool `json:"include_payment_initiation_metadata"`
			PaymentInitiation                *struct {
				PaymentID *string `json:"payment_id"`
				ConsentID *string `json:"consent_id"`
			} `json:"payment_initiation"`
		} `json:"options"`
	}
	if err := r.decode(&body); err != nil {
		return nil, err
	}
	words := strings.Fields(strings.ToLower(body.Query))
	if len(words) == 0 {
		return nil, invalidRequest(plaid.CodeInvalidField, "query must not be empty")
	}
	if body.Products != nil && len(body.Products) == 0 {
		return nil, invalidRequest(plaid.CodeInvalidField, "products must contain at least one product, or be null")
	}
	if err := checkCountryCodes(body.CountryCodes); err != nil {
		return nil, err
	}
	var o institutionOptions
	var oauth *bool
	if body.Options != nil {
		o.optionalMetadata, oauth = body.Options.IncludeOptionalMetadata, body.Options.OAuth
	}
	found := e.institutionsWhereLocked(func(inst *Institution) bool {
		name := strings.ToLower(inst.Name)
		named := inst.ID == body.Query || !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(name, w) })
		return named && overlaps(inst.CountryCodes, body.CountryCodes) && containsAll(inst.Products, body.Products) && (oauth == nil || *oauth == inst.OAuth)
	})
	out := []map[string]any{}
	for _, inst := range found[:min(len(found), maxSearchResults)] {
		out = append(out, inst.json(o))
	}
	return map[string]any{"institutions": out}, nil
}

// institutionsWhereLocked lists the institutions match accepts, by id.
func (e *Emulator) institutionsWhereLocked(match func(*Institution) bool) []*Institution {
	var out []*Institution
	for _, id := range slices.Sorted(maps.Keys(e.institutions)) {
		if inst := e.institutions[id]; match(inst) {
			out = append(out, inst)
		}
	}
	return out
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
