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
		{"Acme-Corp", "acme corp"}, // punctuation separates words
		{"globex-europe", "globex europe"},
		{"Globex_Europe/GmbH", "globex europe gmbh"},
		{"Аcme Corp", "acme corp"},             // Cyrillic А
		{"ΑCΜΕ Corp", "acme corp"},             // Greek Α, Μ, Ε
		{"Ac\u200bme\ufeff Corp", "acme corp"}, // zero-width space, BOM
		{"Ac\u00adme Corp", "acme corp"},       // soft hyphen
		{"ООО «Ромашка»", "ooo pomaшka"},       // look-alikes only
		{"Smith’s Bakery", "smiths bakery"},    // apostrophes join
		{"O'Brien & Sons", "obrien sons"},      // & is punctuation too
		{"A+B Ltd", "a+b ltd"},                 // + is a symbol, kept
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
		6: recClient("u6", "Globex Europe", "", ""),
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
		{"punctuation separates words", "globex-europe", "", []string{"u6"}},
		{"punctuation separates words, any case", "Globex-Europe", "", []string{"u6"}},
		{"Cyrillic look-alike letter", "Аcme Corp", "", []string{"u0", "u2"}},
		{"Greek look-alike letters", "ΑCΜΕ CORP", "", []string{"u0", "u2"}},
		{"invisible characters inside", "Glo\u200bbex\ufeff Europe", "", []string{"u6"}},
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
