package main_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
	"github.com/gitscrum-bridge/gitscrum-bridge/tools"
)

// escapeAll renders s as a JSON string with every character escaped as \uXXXX, a
// character beyond the Basic Multilingual Plane as a surrogate pair (12 bytes):
// the longest encoding JSON allows.
func escapeAll(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r > 0xFFFF {
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			continue
		}
		fmt.Fprintf(&b, `\u%04x`, r)
	}
	b.WriteByte('"')
	return b.String()
}

// atCap returns prefix + fill repeated + suffix, exactly n characters long.
func atCap(prefix, fill, suffix string, n int) string {
	k := n - utf8.RuneCountInString(prefix) - utf8.RuneCountInString(suffix)
	return prefix + strings.Repeat(fill, k) + suffix
}

// TestLargestUpdateFitsTheBody: the largest legitimate message, an update_client
// with every field and the workspace slug at its length cap, each value made of
// the characters that cost most in JSON (an emoji: a surrogate pair of \uXXXX
// escapes, 12 bytes) where the field accepts them, and every character of the
// message escaped, keys included, still fits under tools.MaxRequestBody: the
// binary's HTTP listener accepts it (no 413) and GitScrum stores every value.
func TestLargestUpdateFitsTheBody(t *testing.T) {
	const emoji = "😀"
	emu, upstreamURL := startEmulator(t)
	slug := strings.Repeat(emoji, gitscrum.MaxCompanySlugLength)
	emu.AddWorkspace(slug)
	target := emu.AddClients(slug, gitscrum.ClientCompany{Name: "Worst Case Ltd"})[0]

	values := map[gitscrum.Field]string{
		gitscrum.FieldName:    strings.Repeat(emoji, gitscrum.MaxNameLength),
		gitscrum.FieldEmail:   atCap("", emoji, "@x.example", gitscrum.MaxEmailLength),
		gitscrum.FieldPhone:   strings.Repeat(emoji, gitscrum.MaxPhoneLength),
		gitscrum.FieldWebsite: atCap("https://x.example/", emoji, "", gitscrum.MaxWebsiteLength),
		gitscrum.FieldAddress: strings.Repeat(emoji, gitscrum.MaxAddressLength),
		gitscrum.FieldNotes:   strings.Repeat(emoji, gitscrum.MaxNotesLength),
	}
	require.Len(t, values, len(gitscrum.EditableFields), "every editable field has a value")
	var args []string
	for _, f := range gitscrum.EditableFields {
		limit, ok := gitscrum.MaxLength(string(f))
		require.True(t, ok)
		require.Equal(t, limit, utf8.RuneCountInString(values[f]), "%s at its cap", f)
		args = append(args, escapeAll(string(f))+":"+escapeAll(values[f]))
	}
	args = append(args, escapeAll("client")+":"+escapeAll(target.UUID), escapeAll("company_slug")+":"+escapeAll(slug))
	body := "{" + escapeAll("jsonrpc") + ":" + escapeAll("2.0") + "," + escapeAll("id") + ":1," +
		escapeAll("method") + ":" + escapeAll("tools/call") + "," + escapeAll("params") + ":{" +
		escapeAll("name") + ":" + escapeAll("update_client") + "," + escapeAll("arguments") + ":{" + strings.Join(args, ",") + "}}}"
	require.True(t, json.Valid([]byte(body)))
	t.Logf("the largest update_client message: %d bytes of %d allowed", len(body), tools.MaxRequestBody)
	require.LessOrEqual(t, len(body), tools.MaxRequestBody)

	_, port, stderr := startHTTP(t, baseEnv("GITSCRUM_API_URL="+upstreamURL, "GITSCRUM_TOKEN="+emulator.DefaultToken), "127.0.0.1:0")
	req, err := http.NewRequest(http.MethodPost, "http://127.0.0.1:"+port+"/mcp", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s\nserver log:\n%s", answer, stderr.String())
	assert.NotContains(t, string(answer), `"isError":true`, "%.2000s", answer)

	got := emu.Clients(slug)
	require.Len(t, got, 1)
	for _, f := range gitscrum.EditableFields {
		assert.Equal(t, values[f], got[0].Get(f), "%s stored as sent", f)
	}
}
