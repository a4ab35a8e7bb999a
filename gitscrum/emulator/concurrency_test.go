package emulator_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func TestConcurrentUse(t *testing.T) {
	e := newEnv(t, emulator.WithDemoData())
	seeded := len(e.srv.Clients(emulator.DemoWorkspace))
	e.srv.SetPageSize(7)
	const workers, perWorker = 8, 10

	// send is safe to call from any goroutine: it reports failures instead of
	// stopping the test.
	client := e.ts.Client()
	send := func(method, path string, body any) (int, map[string]any, error) {
		req, err := http.NewRequest(method, e.ts.URL+path, bytes.NewReader(mustJSONNoT(body)))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
		res, err := client.Do(req)
		if err != nil {
			return 0, nil, err
		}
		defer res.Body.Close()
		var out map[string]any
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil {
			return res.StatusCode, nil, err
		}
		return res.StatusCode, out, nil
	}

	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker*3)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				name := fmt.Sprintf("Worker %d client %d", w, i)
				status, body, err := send(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "demo", "name": name})
				if err != nil || status != http.StatusCreated {
					errs <- fmt.Errorf("create: %d %v %v", status, body, err)
					continue
				}
				data, _ := body["data"].(map[string]any)
				id, _ := data["uuid"].(string)
				status, body, err = send(http.MethodPut, "/contact-companies/"+id, map[string]any{"company_slug": "demo", "notes": name})
				if err != nil || status != http.StatusOK {
					errs <- fmt.Errorf("update: %d %v %v", status, body, err)
				}
				status, body, err = send(http.MethodGet, fmt.Sprintf("%s&page=%d", listDemo, i+1), nil)
				if err != nil || status != http.StatusOK {
					errs <- fmt.Errorf("list: %d %v %v", status, body, err)
				}
			}
		})
		// Configuration and inspection race with the requests too.
		wg.Go(func() {
			e.srv.SetCreatedAtObject(w%2 == 0)
			e.srv.AddClients("side", gitscrum.ClientCompany{Name: "Side"})
			_ = e.srv.Clients(emulator.DemoWorkspace)
			_, _ = e.srv.Client(emulator.DemoWorkspace, emulator.DemoAcmeUUID)
			_ = e.srv.Requests()
		})
	}
	awaitGroup(t, &wg, "the concurrent requests did not end")
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	clients := e.srv.Clients(emulator.DemoWorkspace)
	require.Len(t, clients, seeded+workers*perWorker)
	uuids := map[string]bool{}
	for _, c := range clients[seeded:] {
		assert.False(t, uuids[c.UUID], "duplicate uuid %s", c.UUID)
		uuids[c.UUID] = true
		assert.Equal(t, c.Name, c.Notes, "each update landed on its own client")
	}
	assert.Len(t, e.srv.Clients("side"), workers)
	assert.Len(t, e.srv.Requests(), workers*perWorker*3)
}

// mustJSONNoT encodes v, or returns nil for a nil v.
func mustJSONNoT(v any) []byte {
	if v == nil {
		return nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return raw
}
