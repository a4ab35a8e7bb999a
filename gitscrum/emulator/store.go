package emulator

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// seedBase is the created_at of the first client added without one by AddClients;
// each later one is a minute younger.
var seedBase = time.Date(2025, time.January, 6, 9, 0, 0, 0, time.UTC)

// workspace holds the clients of one workspace in creation order. Clients are never
// removed, so positions in index stay valid.
type workspace struct {
	clients []gitscrum.ClientCompany
	index   map[string]int
}

func newWorkspace() *workspace {
	return &workspace{index: make(map[string]int)}
}

// put stores c, replacing in place a client with the same UUID, and returns its
// position.
func (ws *workspace) put(c gitscrum.ClientCompany) int {
	if i, ok := ws.index[c.UUID]; ok {
		ws.clients[i] = c
		return i
	}
	ws.clients = append(ws.clients, c)
	i := len(ws.clients) - 1
	ws.index[c.UUID] = i
	return i
}

// AddWorkspace creates an empty workspace named slug, if there is none yet.
func (s *Server) AddWorkspace(slug string) {
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	s.workspaceLocked(slug)
}

// workspaceLocked returns the workspace named slug, creating it; s.dataMu must be held
// for writing.
func (s *Server) workspaceLocked(slug string) *workspace {
	ws := s.workspaces[slug]
	if ws == nil {
		ws = newWorkspace()
		s.workspaces[slug] = ws
	}
	return ws
}

// AddClients stores clients in workspace slug, creating the workspace if needed, and
// returns the stored copies in the same order. A client with an empty UUID gets a
// random version 4 UUID; one with a zero CreatedAt gets a fixed base time (6 January
// 2025, 09:00 UTC) plus one minute per client already in the workspace. A client whose
// UUID is already stored in the workspace replaces it in place.
func (s *Server) AddClients(slug string, clients ...gitscrum.ClientCompany) []gitscrum.ClientCompany {
	out := make([]gitscrum.ClientCompany, len(clients))
	s.dataMu.Lock()
	defer s.dataMu.Unlock()
	ws := s.workspaceLocked(slug)
	for i, c := range clients {
		if c.UUID == "" {
			c.UUID = ws.freshUUID()
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt.Time = seedBase.Add(time.Duration(len(ws.clients)) * time.Minute)
		}
		ws.put(c)
		out[i] = c
	}
	return out
}

// Clients returns a copy of the clients of workspace slug in creation order, or nil
// when there is no such workspace.
func (s *Server) Clients(slug string) []gitscrum.ClientCompany {
	s.dataMu.RLock()
	defer s.dataMu.RUnlock()
	ws := s.workspaces[slug]
	if ws == nil {
		return nil
	}
	return append(make([]gitscrum.ClientCompany, 0, len(ws.clients)), ws.clients...)
}

// Client returns the client with uuid in workspace slug, and whether there is one.
func (s *Server) Client(slug, uuid string) (gitscrum.ClientCompany, bool) {
	s.dataMu.RLock()
	defer s.dataMu.RUnlock()
	ws := s.workspaces[slug]
	if ws == nil {
		return gitscrum.ClientCompany{}, false
	}
	i, ok := ws.index[uuid]
	if !ok {
		return gitscrum.ClientCompany{}, false
	}
	return ws.clients[i], true
}

// freshUUID returns a random UUID not yet used in ws.
func (ws *workspace) freshUUID() string {
	for {
		id := newUUID()
		if _, taken := ws.index[id]; !taken {
			return id
		}
	}
}

// newUUID returns a random version 4 UUID in lower case.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}
