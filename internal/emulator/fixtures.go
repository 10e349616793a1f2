package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// Fixtures are the Items and institutions an emulator starts from, given
// with -fixtures FILE or POST /emulator/fixtures, and returned to by every
// reset. Items keep the item_id and access_token the file gives them, so
// that a test suite knows them before the emulator starts.
type Fixtures struct {
	// Institutions are added beside the sandbox institutions, or replace
	// the one with the same id.
	Institutions []Institution `json:"institutions"`
	Items        []FixtureItem `json:"items"`
}

// FixtureItem is one Item of a fixtures file.
type FixtureItem struct {
	ItemID      string `json:"item_id"`
	AccessToken string `json:"access_token"`
	// InstitutionID defaults to plaid.DefaultSandboxInstitutionID and
	// Products to transactions, as for POST /emulator/items.
	InstitutionID string   `json:"institution_id"`
	Products      []string `json:"products"`
	Webhook       string   `json:"webhook"`
	LoginRequired bool     `json:"login_required"`
}

// Bounds on a fixtures file: past them it is a mistake, not a test's
// starting state.
const (
	MaxFixturesBytes       = 8 << 20
	maxFixtureInstitutions = 1000
	maxFixtureIDLength     = 64
)

// ParseFixtures reads fixtures as JSON, refusing unknown fields and more
// than MaxFixturesBytes, and checks them (Fixtures.Validate).
func ParseFixtures(r io.Reader) (*Fixtures, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFixturesBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFixturesBytes {
		return nil, fmt.Errorf("fixtures are larger than %d bytes", MaxFixturesBytes)
	}
	var f Fixtures
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("fixtures are not valid JSON of the documented form: %w", err)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return &f, nil
}

// Validate checks the fixtures: institutions with ids, names, products and
// Plaid's country codes, each id once; Items with ids of letters and
// digits and Plaid access tokens, each once, at institutions that offer
// their products.
func (f *Fixtures) Validate() error {
	if len(f.Institutions) > maxFixtureInstitutions {
		return &FieldError{"institutions", fmt.Sprintf("at most %d, got %d", maxFixtureInstitutions, len(f.Institutions))}
	}
	if len(f.Items) > maxSeedCount {
		return &FieldError{"items", fmt.Sprintf("at most %d, got %d", maxSeedCount, len(f.Items))}
	}
	insts := f.institutions()
	seen := map[string]bool{}
	for i, inst := range f.Institutions {
		field := fmt.Sprintf("institutions[%d]", i)
		switch {
		case !plainID(inst.ID, "_"):
			return &FieldError{field + ".institution_id", fmt.Sprintf("must be 1 to %d letters, digits and underscores, got %q", maxFixtureIDLength, inst.ID)}
		case seen[inst.ID]:
			return &FieldError{field + ".institution_id", fmt.Sprintf("%q is given twice", inst.ID)}
		case inst.Name == "":
			return &FieldError{field + ".name", "must not be empty"}
		case len(inst.Products) == 0:
			return &FieldError{field + ".products", "must name at least one product"}
		}
		seen[inst.ID] = true
		if err := checkCountryCodes(inst.CountryCodes); err != nil {
			return &FieldError{field + ".country_codes", err.message}
		}
		if inst.URL != "" && !validURL(inst.URL) {
			return &FieldError{field + ".url", "must be an http or https URL"}
		}
	}
	ids, tokens := map[string]bool{}, map[string]bool{}
	for i, it := range f.Items {
		field := fmt.Sprintf("items[%d]", i)
		if !plainID(it.ItemID, "") {
			return &FieldError{field + ".item_id", fmt.Sprintf("must be 1 to %d letters and digits, got %q", maxFixtureIDLength, it.ItemID)}
		}
		if ids[it.ItemID] {
			return &FieldError{field + ".item_id", fmt.Sprintf("%q is given twice", it.ItemID)}
		}
		if _, err := plaid.ParseToken(plaid.AccessToken, it.AccessToken); err != nil {
			return &FieldError{field + ".access_token", err.Error()}
		}
		if tokens[it.AccessToken] {
			return &FieldError{field + ".access_token", "is given to two Items"}
		}
		ids[it.ItemID], tokens[it.AccessToken] = true, true
		if err := validateItemLocked(insts, SeedOptions{InstitutionID: it.InstitutionID, Products: it.Products, Webhook: it.Webhook}); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				fe.Field = field + "." + fe.Field
			}
			return err
		}
	}
	return nil
}

// institutions are the sandbox institutions with the fixtures' own.
func (f *Fixtures) institutions() map[string]*Institution {
	out := maps.Clone(sandboxInstitutions)
	for i := range f.Institutions {
		inst := f.Institutions[i]
		out[inst.ID] = &inst
	}
	return out
}

func plainID(s, extra string) bool {
	if s == "" || len(s) > maxFixtureIDLength {
		return false
	}
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') && !slices.Contains([]rune(extra), r) {
			return false
		}
	}
	return true
}

// LoadFixtures checks f, makes it the state every reset returns to, and
// resets the emulator to it.
func (e *Emulator) LoadFixtures(f *Fixtures) error {
	if f == nil {
		f = &Fixtures{}
	}
	if err := f.Validate(); err != nil {
		return err
	}
	e.WaitForWebhooks()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.fixtures = f
	e.resetLocked()
	return nil
}

// Reset returns the emulator to its start, so that each test of a suite
// can begin from a known state without restarting it: only the fixtures'
// Items (none without fixtures), no call log, no faults, no webhook
// deliveries, and rate limits counting afresh. What stays is the
// configuration (Options, the rate limits in force) and the webhook
// signing keys, which receivers cache. It waits for webhooks in flight.
func (e *Emulator) Reset() {
	e.WaitForWebhooks()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.resetLocked()
}

func (e *Emulator) resetLocked() {
	for t := range e.accessTokens {
		e.retiredTokens = append(e.retiredTokens, t)
	}
	for t := range e.publicTokens {
		e.retiredTokens = append(e.retiredTokens, t)
	}
	e.items = map[string]*item{}
	e.accessTokens = map[string]*accessToken{}
	e.publicTokens = map[string]*publicToken{}
	e.calls.reset()
	e.faults = faultState{}
	e.limiter.set(e.limiter.all())
	e.webhooks.mu.Lock()
	e.webhooks.deliveries = nil
	e.webhooks.mu.Unlock()
	f := e.fixtures
	if f == nil {
		e.institutions = maps.Clone(sandboxInstitutions)
		return
	}
	e.institutions = f.institutions()
	for _, fi := range f.Items {
		e.addFixtureItemLocked(fi)
	}
}

// FixtureItems returns the fixtures' Items as the emulator holds them.
func (e *Emulator) FixtureItems() []SeededItem {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := []SeededItem{}
	if e.fixtures != nil {
		for _, fi := range e.fixtures.Items {
			out = append(out, SeededItem{ItemID: fi.ItemID, AccessToken: fi.AccessToken})
		}
	}
	return out
}

func (e *Emulator) addFixtureItemLocked(fi FixtureItem) {
	seeded := e.seedLocked(SeedOptions{InstitutionID: fi.InstitutionID, Products: fi.Products, Webhook: fi.Webhook})
	// The Item and token get the names the fixtures give them.
	it := e.items[seeded.ItemID]
	delete(e.items, seeded.ItemID)
	delete(e.accessTokens, seeded.AccessToken)
	it.id, it.currentToken, it.loginRequired = fi.ItemID, fi.AccessToken, fi.LoginRequired
	e.items[it.id] = it
	e.accessTokens[fi.AccessToken] = &accessToken{itemID: it.id}
	e.issued.add("an access token of the emulator's fixtures", fi.AccessToken)
}
