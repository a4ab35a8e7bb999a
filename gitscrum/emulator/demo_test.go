package emulator_test

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestSeedDemo(t *testing.T) {
	srv := emulator.New(emulator.WithDemoData())
	cs := srv.Clients(emulator.DemoWorkspace)
	require.GreaterOrEqual(t, len(cs), 12)

	uuidV4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	names := map[string]bool{}
	seen := map[string]bool{}
	var long, multiline, someEmpty bool
	for _, c := range cs {
		assert.Regexp(t, uuidV4, c.UUID, c.Name)
		assert.False(t, seen[c.UUID], "duplicate %s", c.UUID)
		seen[c.UUID] = true
		assert.False(t, c.CreatedAt.IsZero(), c.Name)
		names[c.Name] = true
		n := utf8.RuneCountInString(c.Notes)
		long = long || (n >= 1800 && n <= 5000)
		multiline = multiline || strings.Count(c.Address, "\n") >= 2
		someEmpty = someEmpty || c.Website == "" || c.Phone == ""
	}
	for _, want := range []string{
		"<!channel> Alerts Ltd", "<script>alert(1)</script> Labs", "*Bold* _Italic_ ~Strike~ Studio",
		"Smith & Sons", "株式会社サクラ", "Zürich Versicherungen AG", "Acme Corp", "Acme Logistics",
		"Globex Corporation", "Initech",
	} {
		assert.True(t, names[want], "missing %q", want)
	}
	assert.True(t, long, "a client with notes of about 2,000 characters")
	assert.True(t, multiline, "a client with a multi-line address")
	assert.True(t, someEmpty, "a client with empty fields")

	acme, ok := srv.Client(emulator.DemoWorkspace, emulator.DemoAcmeUUID)
	require.True(t, ok)
	assert.Equal(t, "Acme Corp", acme.Name)
	assert.Equal(t, "billing@acme.co", acme.Email)

	var acmes int
	for name := range names {
		if strings.Contains(strings.ToLower(name), "acme") {
			acmes++
		}
	}
	assert.Equal(t, 2, acmes, `"acme" is ambiguous`)
}

func TestSeedDemoIsRepeatable(t *testing.T) {
	a := emulator.New(emulator.WithDemoData()).Clients(emulator.DemoWorkspace)
	srv := emulator.New()
	srv.SeedDemo()
	srv.SeedDemo()
	assert.Equal(t, a, srv.Clients(emulator.DemoWorkspace))
}
