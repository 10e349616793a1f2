package main

import (
	"strings"
)

// quietLogsUnlessAsked turns off the log output of the plugin SDK and of
// this provider when the user asked Terraform for no logs, which is every
// ordinary run.
//
// terraform-plugin-go starts its loggers at TRACE unless TF_LOG_SDK or
// TF_LOG_PROVIDER_<NAME> says otherwise, and leaves the filtering to
// Terraform. So every RPC JSON-encodes dozens of framework trace lines
// (one per attribute and plan modifier, among others) onto stderr, and
// Terraform parses each line only to drop it when TF_LOG is unset. Measured
// with the benchmark's CPU profiles (issue 14): at N = 100 that logging was
// 28% of the provider's CPU, and not producing it took about a third off
// terraform's own CPU for the same apply.
//
// Any TF_LOG* variable (TF_LOG, TF_LOG_PROVIDER, TF_LOG_SDK_FRAMEWORK,
// TF_LOG_PATH, ...) means the user wants logs: then nothing changes and
// every line is produced as before.
func quietLogsUnlessAsked(environ []string, providerName string, setenv func(key, value string) error) error {
	for key, value := range logLevelOverrides(environ, providerName) {
		if err := setenv(key, value); err != nil {
			return err
		}
	}
	return nil
}

// logLevelOverrides is what quietLogsUnlessAsked sets: nothing when any
// TF_LOG* variable is set, else the SDK's root level (which its
// subsystems inherit) and this provider's own level, off.
func logLevelOverrides(environ []string, providerName string) map[string]string {
	for _, kv := range environ {
		if strings.HasPrefix(strings.ToUpper(kv), "TF_LOG") {
			return nil
		}
	}
	return map[string]string{
		"TF_LOG_SDK": "OFF",
		"TF_LOG_PROVIDER_" + strings.ToUpper(providerName): "OFF",
	}
}

// providerLoggerName is the <NAME> of TF_LOG_PROVIDER_<NAME> that
// terraform-plugin-go reads for a registry address: its type, "-" as "_".
func providerLoggerName(address string) string {
	return strings.ReplaceAll(address[strings.LastIndexByte(address, '/')+1:], "-", "_")
}
