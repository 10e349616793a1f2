package acctest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/ledgerline/terraform-provider-plaid/internal/emulator"
)

// CheckWebhook validates a webhook body the emulator made against the
// spec's schema for its webhook_type and webhook_code (WebhookSchema), and
// counts it in the contract report.
func (c *Contract) CheckWebhook(w emulator.Webhook) error {
	WebhooksChecked.Add(1)
	err := c.checkWebhook(w)
	if err != nil {
		Violations.Add(1)
	}
	return err
}

func (c *Contract) checkWebhook(w emulator.Webhook) error {
	name, schema, err := c.WebhookSchema(w.Type, w.Code)
	if err != nil {
		return err
	}
	var body map[string]any
	if err := json.Unmarshal(w.Body, &body); err != nil {
		return fmt.Errorf("webhook %s %s: the body is not a JSON object: %w", w.Type, w.Code, err)
	}
	if body["webhook_type"] != w.Type || body["webhook_code"] != w.Code {
		return fmt.Errorf("webhook %s %s: the body says %v %v", w.Type, w.Code, body["webhook_type"], body["webhook_code"])
	}
	var value any = body
	if err := schema.VisitJSON(value, openapi3.MultiErrors()); err != nil {
		return fmt.Errorf("webhook %s %s violates %s in Plaid's spec: %w", w.Type, w.Code, name, err)
	}
	return nil
}

type webhookSchema struct {
	name   string
	schema *openapi3.Schema
	err    error
}

// WebhookSchema finds the spec's schema for a webhook: the one whose
// webhook_type and webhook_code properties are described as that type and
// code (the spec describes them as "`ITEM`", "`ERROR`"), leaving out the
// Processor* copies sent to processors rather than to an Item's webhook.
// It fails when the spec has none, or more than one.
func (c *Contract) WebhookSchema(webhookType, code string) (string, *openapi3.Schema, error) {
	key := webhookType + " " + code
	if found, ok := c.webhookSchemas.Load(key); ok {
		s, _ := found.(webhookSchema)
		return s.name, s.schema, s.err
	}
	var names []string
	for name, ref := range c.doc.Components.Schemas {
		if strings.HasPrefix(name, "Processor") || ref.Value == nil {
			continue
		}
		if describedAs(ref.Value, "webhook_type", webhookType) && describedAs(ref.Value, "webhook_code", code) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var s webhookSchema
	switch len(names) {
	case 0:
		s.err = fmt.Errorf("webhook %s %s: Plaid's spec has no schema for it", webhookType, code)
	case 1:
		s.name, s.schema = names[0], c.doc.Components.Schemas[names[0]].Value
	default:
		s.err = fmt.Errorf("webhook %s %s: Plaid's spec has several schemas for it: %s", webhookType, code, strings.Join(names, ", "))
	}
	c.webhookSchemas.Store(key, s)
	return s.name, s.schema, s.err
}

func describedAs(schema *openapi3.Schema, property, value string) bool {
	p := schema.Properties[property]
	return p != nil && p.Value != nil && strings.TrimSpace(p.Value.Description) == "`"+value+"`"
}
