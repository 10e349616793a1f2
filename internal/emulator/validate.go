package emulator

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ledgerline/terraform-provider-plaid/internal/plaid"
)

// FieldError is a value the control API refuses, naming the field.
type FieldError struct {
	Field   string
	Problem string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Problem }

// Bounds on faults: past them a fault outlasts any client's patience and
// only makes a test hang.
const (
	maxLatencyMS          = 600_000
	maxMaintenanceSeconds = 3600
	maxSeedCount          = 10000
)

// Validate checks the faults as the control API takes them: each rate
// between 0 and 1 and together at most 1 (a call draws one fault at most),
// durations non-negative and bounded, paths among the emulated endpoints.
func (f Faults) Validate() error {
	sum := 0.0
	fields := make([]string, 0, len(rateFaults))
	for _, ft := range rateFaults {
		rate := ft.rate(f)
		if !(rate >= 0 && rate <= 1) {
			return &FieldError{ft.field, fmt.Sprintf("must be between 0 and 1 (a share of calls), got %v", rate)}
		}
		sum += rate
		fields = append(fields, ft.field)
	}
	if sum > 1+1e-9 {
		return &FieldError{strings.Join(fields, "+"), fmt.Sprintf("the rates add up to %v; together they must be at most 1, since each call draws one fault at most", sum)}
	}
	if f.LatencyMS < 0 || f.LatencyMS > maxLatencyMS {
		return &FieldError{"latency_ms", fmt.Sprintf("must be between 0 and %d, got %d", maxLatencyMS, f.LatencyMS)}
	}
	if !(f.MaintenanceSeconds >= 0 && f.MaintenanceSeconds <= maxMaintenanceSeconds) {
		return &FieldError{"maintenance_seconds", fmt.Sprintf("must be between 0 and %d, got %v", maxMaintenanceSeconds, f.MaintenanceSeconds)}
	}
	if f.MaxFaults < 0 {
		return &FieldError{"max_faults", fmt.Sprintf("must be 0 (no limit) or more, got %d", f.MaxFaults)}
	}
	for _, p := range f.Paths {
		if _, ok := endpoints[p]; !ok {
			return &FieldError{"paths", fmt.Sprintf("%q is not an endpoint the emulator serves; known: %s", p, knownPaths())}
		}
	}
	return nil
}

// ValidateRateLimits checks limits as the control API takes them: known
// endpoints, counts of zero (no limit) or more.
func ValidateRateLimits(limits map[string]RateLimit) error {
	paths := make([]string, 0, len(limits))
	for p := range limits {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if _, ok := endpoints[p]; !ok {
			return &FieldError{p, fmt.Sprintf("is not an endpoint the emulator serves; known: %s", knownPaths())}
		}
		if l := limits[p]; l.PerItem < 0 || l.PerClient < 0 {
			return &FieldError{p, fmt.Sprintf("per_item and per_client must be 0 (no limit) or more, got %d and %d", l.PerItem, l.PerClient)}
		}
	}
	return nil
}

// validateSeed checks a control API request to create Items.
func (e *Emulator) validateSeed(count int, o SeedOptions) error {
	if count < 1 || count > maxSeedCount {
		return &FieldError{"count", fmt.Sprintf("must be between 1 and %d, got %d", maxSeedCount, count)}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return validateItemLocked(e.institutions, o)
}

// validateItemLocked checks an Item's institution, products and webhook
// against the institutions the emulator knows.
func validateItemLocked(institutions map[string]*Institution, o SeedOptions) error {
	inst := institutions[plaid.DefaultSandboxInstitutionID]
	if o.InstitutionID != "" {
		var ok bool
		if inst, ok = institutions[o.InstitutionID]; !ok {
			ids := make([]string, 0, len(institutions))
			for id := range institutions {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			return &FieldError{"institution_id", fmt.Sprintf("%q is not a sandbox institution the emulator knows; known: %s", o.InstitutionID, strings.Join(ids, ", "))}
		}
	}
	for _, p := range o.Products {
		if !slices.Contains(inst.Products, p) {
			return &FieldError{"products", fmt.Sprintf("%q is not a product %s (%s) offers; it offers: %s", p, inst.Name, inst.ID, strings.Join(inst.Products, ", "))}
		}
	}
	if o.Webhook != "" && !validURL(o.Webhook) {
		return &FieldError{"webhook", "must be an http or https URL"}
	}
	if o.ConsentExpirationTime != "" {
		if _, err := time.Parse(time.RFC3339, o.ConsentExpirationTime); err != nil {
			return &FieldError{"consent_expiration_time", "must be an RFC 3339 time such as 2027-01-31T00:00:00Z"}
		}
	}
	return nil
}

func knownPaths() string {
	paths := make([]string, 0, len(endpoints))
	for p := range endpoints {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	return strings.Join(paths, ", ")
}
