package web_test

// TEMPORARY: a stand-in for *accounts.Service until branch h18-data lands; the
// tests switch to the real service (store.MemoryURL, the emulator) then, and this
// file goes.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/accounts"
)

type fakeLink struct {
	link     accounts.Link
	used     bool
	failures int
}

type fakeService struct {
	clock *clock
	mu    sync.Mutex
	links map[[32]byte]*fakeLink
	down  bool
	calls int
}

func newFakeService(_ *testing.T, c *clock) *fakeService {
	return &fakeService{clock: c, links: map[[32]byte]*fakeLink{}}
}

func (f *fakeService) NewLink(_ context.Context, id accounts.Identity, r accounts.LinkRequest) (string, time.Time, error) {
	var raw [32]byte
	_, _ = rand.Read(raw[:])
	secret := base64.RawURLEncoding.EncodeToString(raw[:])
	f.mu.Lock()
	defer f.mu.Unlock()
	exp := f.clock.Now().Add(10 * time.Minute)
	f.links[sha256.Sum256([]byte(secret))] = &fakeLink{link: accounts.Link{Identity: id, UserName: r.UserName,
		ChannelID: r.ChannelID, Workspace: r.Workspace, Expires: exp}}
	return secret, exp, nil
}

func (f *fakeService) find(secret string) (*fakeLink, error) {
	l := f.links[sha256.Sum256([]byte(secret))]
	switch {
	case l == nil:
		return nil, accounts.ErrLinkUnknown
	case l.used:
		return nil, accounts.ErrLinkUsed
	case !f.clock.Now().Before(l.link.Expires):
		return nil, accounts.ErrLinkExpired
	}
	return l, nil
}

func (f *fakeService) Link(_ context.Context, secret string) (accounts.Link, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	l, err := f.find(secret)
	if err != nil {
		return accounts.Link{}, err
	}
	return l.link, nil
}

func (f *fakeService) CompleteLink(_ context.Context, secret, token, workspace string) (accounts.Link, accounts.Account, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	l, err := f.find(secret)
	if err != nil {
		return accounts.Link{}, accounts.Account{}, err
	}
	token = strings.Join(strings.Fields(token), "")
	fail := func(field, msg string) (accounts.Link, accounts.Account, error) {
		l.failures++
		if l.failures >= 5 {
			l.used = true
		}
		return accounts.Link{}, accounts.Account{}, &accounts.FormError{Field: field, Message: msg}
	}
	switch {
	case f.down:
		return accounts.Link{}, accounts.Account{}, errors.New("gitscrum: GET /contact-companies/clients: 503 Service Unavailable")
	case token == "":
		return fail("token", "Paste your GitScrum API token.")
	case token != goodToken:
		return fail("token", "GitScrum refused this token: check that you copied all of it.")
	case workspace != acme:
		return fail("workspace", "This token does not see a workspace named \""+workspace+"\".")
	}
	l.used = true
	return l.link, accounts.Account{ID: "acct-1", Workspace: workspace, Since: f.clock.Now()}, nil
}
