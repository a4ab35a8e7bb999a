package gitscrum_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"ACME, Corp.", "acme corp"},
		{"acme corp", "acme corp"},
		{"  Acme   Corp  ", "acme corp"},
		{"Acme - Corp", "acme corp"},
		{"Acme-Corp", "acmecorp"},
		{"O'Brien & Sons", "obrien sons"}, // & is punctuation too
		{"A+B Ltd", "a+b ltd"},            // + is a symbol, kept
		{"Zürich, AG", "zurich ag"},
		{"¿Qué? «Sí»", "que si"},
		{"...", ""},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, gitscrum.NormalizeName(tt.in), "%q", tt.in)
	}
}

func TestFindDuplicates(t *testing.T) {
	clients := []gitscrum.ClientCompany{
		0: recClient("u0", "ACME, Corp.", "billing@acme.co", ""),
		1: recClient("u1", "Globex", "", ""),
		2: recClient("u2", "Acme Corp", "", ""),
		3: recClient("u3", "Initech", " Peter@Initech.com ", ""),
		4: recClient("u4", "Zürich AG", "", ""),
		5: recClient("u5", "", "", ""),
	}
	tests := []struct {
		name      string
		newName   string
		newEmail  string
		wantUUIDs []string
	}{
		{"name with other punctuation and case", "acme corp", "", []string{"u0", "u2"}},
		{"name with accents removed", "zurich ag", "", []string{"u4"}},
		{"email case and spaces", "New Co", "peter@INITECH.com ", []string{"u3"}},
		{"name or email, each client once, input order", "Acme Corp", "BILLING@acme.co", []string{"u0", "u2"}},
		{"name of one, email of another", "Globex", "peter@initech.com", []string{"u1", "u3"}},
		{"no duplicate", "Umbrella", "info@umbrella.com", nil},
		{"prefix is not a duplicate", "Acme", "", nil},
		{"empty name and email never match", "", "", nil},
		{"punctuation-only name never matches", "...", "  ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := gitscrum.FindDuplicates(clients, tt.newName, tt.newEmail)
			var uuids []string
			for _, c := range got {
				uuids = append(uuids, c.UUID)
			}
			assert.Equal(t, tt.wantUUIDs, uuids)
		})
	}
	assert.Nil(t, gitscrum.FindDuplicates(nil, "Acme", "a@b.c"))
}
