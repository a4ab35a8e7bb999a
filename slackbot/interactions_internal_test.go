package slackbot

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestLateErrorsText: the errors of a submission answered late read in the order
// of the form's fields, whatever the map's order, with "Not saved" said once.
func TestLateErrorsText(t *testing.T) {
	errs := map[string]string{"f_website": "Website must start with http.", "f_email": "Email must be valid.", "force": "Odd.", "f_name": "Name is required."}
	for range 20 {
		assert.Equal(t, "⚠️ Not saved: Name is required. Email must be valid. Website must start with http. Odd.", lateErrorsText(errs))
	}
	assert.Equal(t, "⚠️ Nothing saved: this bot is read-only.", lateErrorsText(map[string]string{"f_name": "Nothing saved: this bot is read-only."}))
	assert.Equal(t, "⚠️ Not created: “Acme” already exists.", lateErrorsText(map[string]string{"f_name": "Not created: “Acme” already exists."}))
}
