package provider

import (
	"strings"
	"testing"
)

func TestParseImportID(t *testing.T) {
	const token = "access-sandbox-3b9e8f2a-1c1d-4e5f-9a0b-1c2d3e4f5a6b"
	env := map[string]string{"TOKEN": token, "SPACED": "  " + token + "\n", "EMPTY": ""}
	getenv := func(k string) string { return env[k] }
	for _, tc := range []struct {
		id, want, wantErr string
	}{
		{id: token, want: token},
		{id: " " + token + " ", want: token},
		{id: "env:TOKEN", want: token},
		{id: "env:SPACED", want: token},
		{id: "env:EMPTY", wantErr: "EMPTY named by the import ID is not set or empty"},
		{id: "env:MISSING", wantErr: "MISSING named by the import ID is not set"},
		{id: "env:" + token, wantErr: "name of an environment variable"},
		{id: "env:", wantErr: "name of an environment variable"},
		{id: "item-id-123", wantErr: "must be a Plaid access token"},
		{id: "access-development-3b9e8f2a", wantErr: "shut down"},
		{id: "public-sandbox-3b9e8f2a", wantErr: "must be a Plaid access token"},
	} {
		got, err := parseImportID(tc.id, getenv)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseImportID(%q) error = %v, want one containing %q", tc.id, err, tc.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "3b9e8f2a") {
				t.Errorf("parseImportID(%q) error repeats the token: %v", tc.id, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseImportID(%q) = %q, %v; want the token", tc.id, got, err)
		}
	}
}
