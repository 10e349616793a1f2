package main

import (
	"maps"
	"testing"
)

func TestLogLevelOverrides(t *testing.T) {
	off := map[string]string{"TF_LOG_SDK": "OFF", "TF_LOG_PROVIDER_PLAID": "OFF"}
	tests := []struct {
		name    string
		environ []string
		want    map[string]string
	}{
		{"no logging asked: SDK and provider off", []string{"HOME=/root", "PLAID_SECRET=x", "XTF_LOG=1"}, off},
		{"TF_LOG keeps everything", []string{"TF_LOG=TRACE"}, nil},
		{"TF_LOG_PROVIDER keeps everything", []string{"TF_LOG_PROVIDER=DEBUG"}, nil},
		{"an SDK subsystem level keeps everything", []string{"TF_LOG_SDK_FRAMEWORK=TRACE"}, nil},
		{"TF_LOG_PATH keeps everything", []string{"TF_LOG_PATH=/tmp/tf.log"}, nil},
		{"lower case still counts", []string{"tf_log=trace"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := logLevelOverrides(tt.environ, "plaid"); !maps.Equal(got, tt.want) {
				t.Errorf("logLevelOverrides = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestProviderLoggerName(t *testing.T) {
	// terraform-plugin-go reads TF_LOG_PROVIDER_<type>, "-" as "_".
	for address, want := range map[string]string{
		"registry.terraform.io/ledgerline/plaid":      "plaid",
		"registry.terraform.io/hashicorp/google-beta": "google_beta",
	} {
		if got := providerLoggerName(address); got != want {
			t.Errorf("providerLoggerName(%q) = %q, want %q", address, got, want)
		}
	}
}

func TestQuietLogsUnlessAsked_setsOnlyWhenNotAsked(t *testing.T) {
	set := map[string]string{}
	setenv := func(k, v string) error { set[k] = v; return nil }
	if err := quietLogsUnlessAsked([]string{"TF_LOG=DEBUG"}, "plaid", setenv); err != nil || len(set) != 0 {
		t.Fatalf("with TF_LOG set: set %v, err %v; want nothing set", set, err)
	}
	if err := quietLogsUnlessAsked(nil, "plaid", setenv); err != nil || set["TF_LOG_SDK"] != "OFF" || set["TF_LOG_PROVIDER_PLAID"] != "OFF" {
		t.Fatalf("without logging: set %v, err %v", set, err)
	}
}
