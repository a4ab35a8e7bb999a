package emulator_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

func addNumbered(e *env, slug string, n int) []gitscrum.ClientCompany {
	cs := make([]gitscrum.ClientCompany, n)
	for i := range cs {
		cs[i].Name = fmt.Sprintf("Client %03d", i)
	}
	return e.srv.AddClients(slug, cs...)
}

func TestPaginationOverThreePages(t *testing.T) {
	e := newEnv(t)
	stored := addNumbered(e, "ws", 25)
	e.srv.SetPageSize(10)

	tests := []struct {
		page      string
		current   int
		first     int // index of the first client on the page
		count     int
		prev, nxt bool
	}{
		{"", 1, 0, 10, false, true},
		{"&page=1", 1, 0, 10, false, true},
		{"&page=2", 2, 10, 10, true, true},
		{"&page=3", 3, 20, 5, true, false},
		{"&page=4", 4, 0, 0, true, false},
		{"&page=0", 1, 0, 10, false, true},
		{"&page=abc", 1, 0, 10, false, true},
	}
	for _, tt := range tests {
		t.Run("page"+tt.page, func(t *testing.T) {
			r := e.do(http.MethodGet, "/contact-companies/clients?company_slug=ws"+tt.page, nil)
			require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
			assert.Equal(t, map[string]any{
				"total": float64(25), "per_page": float64(10),
				"current_page": float64(tt.current), "last_page": float64(3),
			}, r.Body["meta"])
			items := r.list(t)
			require.Len(t, items, tt.count)
			for i, it := range items {
				assert.Equal(t, stored[tt.first+i].UUID, it.(map[string]any)["uuid"])
			}
			links := r.Body["links"].(map[string]any)
			assert.Equal(t, e.ts.URL+"/contact-companies/clients?company_slug=ws&page=1", links["first"])
			assert.Equal(t, e.ts.URL+"/contact-companies/clients?company_slug=ws&page=3", links["last"])
			assert.Equal(t, tt.prev, links["prev"] != nil)
			if tt.nxt {
				assert.Equal(t, fmt.Sprintf("%s/contact-companies/clients?company_slug=ws&page=%d", e.ts.URL, tt.current+1), links["next"])
			} else {
				assert.Nil(t, links["next"])
			}
		})
	}
}

func TestPaginationWalkCollectsEveryClient(t *testing.T) {
	e := newEnv(t)
	stored := addNumbered(e, "ws", 30)
	e.srv.SetPageSize(10)
	var seen []string
	for page := 1; ; page++ {
		r := e.do(http.MethodGet, fmt.Sprintf("/contact-companies/clients?company_slug=ws&page=%d", page), nil)
		require.Equal(t, http.StatusOK, r.Status)
		for _, it := range r.list(t) {
			seen = append(seen, it.(map[string]any)["uuid"].(string))
		}
		meta := r.Body["meta"].(map[string]any)
		if float64(page) >= meta["last_page"].(float64) {
			break
		}
	}
	require.Len(t, seen, 30)
	for i, c := range stored {
		assert.Equal(t, c.UUID, seen[i])
	}
}

func TestPaginationOfEmptyWorkspaceHasOnePage(t *testing.T) {
	e := newEnv(t)
	e.srv.AddWorkspace("ws")
	e.srv.SetPageSize(10)
	r := e.do(http.MethodGet, "/contact-companies/clients?company_slug=ws", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Empty(t, r.list(t))
	assert.Equal(t, float64(1), r.Body["meta"].(map[string]any)["last_page"])
	assert.Equal(t, float64(0), r.Body["meta"].(map[string]any)["total"])
}

func TestPageSizeZeroIgnoresPage(t *testing.T) {
	e := newEnv(t)
	addNumbered(e, "ws", 5)
	e.srv.SetPageSize(2)
	e.srv.SetPageSize(0)
	r := e.do(http.MethodGet, "/contact-companies/clients?company_slug=ws&page=3", nil)
	require.Equal(t, http.StatusOK, r.Status)
	assert.Len(t, r.list(t), 5)
	assert.NotContains(t, r.Body, "meta")
	assert.NotContains(t, r.Body, "links")
}

func TestPaginationHugePageIsEmpty(t *testing.T) {
	e := newEnv(t)
	addNumbered(e, "ws", 3)
	e.srv.SetPageSize(2)
	r := e.do(http.MethodGet, "/contact-companies/clients?company_slug=ws&page=9223372036854775807", nil)
	require.Equal(t, http.StatusOK, r.Status, "%s", r.Raw)
	assert.Empty(t, r.list(t))
	assert.Equal(t, float64(2), r.Body["meta"].(map[string]any)["last_page"])
}

// TestFailPage checks FailPage fails only list requests for its page, each page with
// its own count, whatever else arrives in between.
func TestFailPage(t *testing.T) {
	e := newEnv(t)
	stored := addNumbered(e, "ws", 25)
	e.srv.SetPageSize(10)
	e.srv.FailPage(2, 2, http.StatusServiceUnavailable, 1500*time.Millisecond)
	e.srv.FailPage(3, 1, http.StatusTooManyRequests, 0)
	e.srv.FailPage(4, 1, http.StatusBadGateway, 0)
	e.srv.FailPage(4, 0, 0, 0) // cancelled

	steps := []struct {
		path   string
		status int
	}{
		{"/contact-companies/clients?company_slug=ws", http.StatusOK},
		{"/contact-companies/" + stored[0].UUID + "?company_slug=ws", http.StatusOK},
		{"/contact-companies/clients?company_slug=ws&page=3", http.StatusTooManyRequests},
		{"/contact-companies/clients?company_slug=ws&page=2", http.StatusServiceUnavailable},
		{"/contact-companies/clients?company_slug=ws&page=4", http.StatusOK},
		{"/contact-companies/clients?company_slug=ws&page=3", http.StatusOK},
		{"/contact-companies/clients?company_slug=ws&page=2", http.StatusServiceUnavailable},
		{"/contact-companies/clients?company_slug=ws&page=2", http.StatusOK},
	}
	for i, st := range steps {
		r := e.do(http.MethodGet, st.path, nil)
		require.Equal(t, st.status, r.Status, "step %d: %s", i, st.path)
		if st.status == http.StatusServiceUnavailable {
			assert.Equal(t, "2", r.Header.Get("Retry-After"))
		}
	}

	e.srv.FailPage(1, 1, http.StatusInternalServerError, 0)
	assert.Equal(t, http.StatusInternalServerError, e.do(http.MethodGet, "/contact-companies/clients?company_slug=ws&page=0", nil).Status,
		"page=0 is page 1")
	e.srv.FailPage(1, 1, http.StatusInternalServerError, 0)
	assert.Equal(t, http.StatusCreated, e.do(http.MethodPost, "/contact-companies", map[string]any{"company_slug": "ws", "name": "New"}).Status,
		"a create is no list request")
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, "/contact-companies/"+stored[0].UUID+"?company_slug=ws&page=1", nil).Status,
		"a get is no list request")
	assert.Equal(t, http.StatusInternalServerError, e.do(http.MethodGet, "/contact-companies/clients?company_slug=ws", nil).Status)
	assert.Equal(t, http.StatusOK, e.do(http.MethodGet, "/contact-companies/clients?company_slug=ws", nil).Status)
}

// TestPageShift checks SetPageShift serves the overlap a client sees when clients are
// added ahead of the pages it has still to read: page 1 [a, b], page 2 [b, c].
func TestPageShift(t *testing.T) {
	tests := []struct {
		clients, pageSize, shift int
		want                     [][]int // indexes of the clients on each page
	}{
		{3, 2, 1, [][]int{{0, 1}, {1, 2}}},
		{7, 3, 1, [][]int{{0, 1, 2}, {2, 3, 4}, {5, 6}}},
		{7, 3, 2, [][]int{{0, 1, 2}, {1, 2, 3}, {4, 5, 6}}},
		{6, 3, 2, [][]int{{0, 1, 2}, {1, 2, 3}, {4, 5}}}, // one page more
		{5, 2, 9, [][]int{{0, 1}, {0, 1}, {2, 3}, {4}}},  // at most a page
		{5, 2, 0, [][]int{{0, 1}, {2, 3}, {4}}},
		{5, 2, -1, [][]int{{0, 1}, {2, 3}, {4}}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d clients, pages of %d, shift %d", tt.clients, tt.pageSize, tt.shift), func(t *testing.T) {
			e := newEnv(t)
			stored := addNumbered(e, "ws", tt.clients)
			e.srv.SetPageSize(tt.pageSize)
			e.srv.SetPageShift(tt.shift)
			for i, want := range tt.want {
				r := e.do(http.MethodGet, fmt.Sprintf("/contact-companies/clients?company_slug=ws&page=%d", i+1), nil)
				require.Equal(t, http.StatusOK, r.Status)
				var got []string
				for _, it := range r.list(t) {
					got = append(got, it.(map[string]any)["uuid"].(string))
				}
				var wantUUIDs []string
				for _, j := range want {
					wantUUIDs = append(wantUUIDs, stored[j].UUID)
				}
				assert.Equal(t, wantUUIDs, got, "page %d", i+1)
				meta := r.Body["meta"].(map[string]any)
				shift := min(max(tt.shift, 0), tt.pageSize)
				if i == 0 {
					assert.Equal(t, float64(tt.clients), meta["total"])
					assert.Equal(t, float64((tt.clients+tt.pageSize-1)/tt.pageSize), meta["last_page"])
				} else {
					assert.Equal(t, float64(tt.clients+shift), meta["total"], "the added clients count")
					assert.Equal(t, float64(len(tt.want)), meta["last_page"])
				}
			}
		})
	}
}
