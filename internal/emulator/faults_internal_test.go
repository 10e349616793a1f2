package emulator

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestFaultRowsReadTheirOwnField checks each row of the fault table against
// the control API's JSON: the rate a client sets under the row's field is
// the rate the row draws with, and no other row's. A row naming one field
// while reading another would validate one rate and inject another.
func TestFaultRowsReadTheirOwnField(t *testing.T) {
	for _, row := range rateFaults {
		var f Faults
		dec := json.NewDecoder(bytes.NewReader([]byte(`{"` + row.field + `":0.25}`)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: field %q is not a rate of Faults: %v", row.kind, row.field, err)
		}
		for _, other := range rateFaults {
			want := 0.0
			if other.kind == row.kind {
				want = 0.25
			}
			if got := other.rate(f); got != want {
				t.Errorf("with %s set, row %s reads %v, want %v", row.field, other.kind, got, want)
			}
		}
	}
}
