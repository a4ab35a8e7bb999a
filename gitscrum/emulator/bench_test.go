package emulator_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum/emulator"
)

func seeded(b *testing.B, n int) *emulator.Server {
	b.Helper()
	srv := emulator.New()
	cs := make([]gitscrum.ClientCompany, n)
	for i := range cs {
		cs[i] = gitscrum.ClientCompany{Name: fmt.Sprintf("Client %d", i), Email: fmt.Sprintf("c%d@example.com", i)}
	}
	srv.AddClients("ws", cs...)
	srv.SetLogLimit(100)
	return srv
}

// BenchmarkListPage measures one page of 100 out of many clients, in process: its
// cost must not grow with the size of the workspace.
func BenchmarkListPage(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			srv := seeded(b, n)
			srv.SetPageSize(100)
			req := httptest.NewRequest(http.MethodGet, "/contact-companies/clients?company_slug=ws&page=50", nil)
			req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

// BenchmarkListAll10k measures a whole unpaginated list of 10,000 clients.
func BenchmarkListAll10k(b *testing.B) {
	srv := seeded(b, 10_000)
	req := httptest.NewRequest(http.MethodGet, "/contact-companies/clients?company_slug=ws", nil)
	req.Header.Set("Authorization", "Bearer "+emulator.DefaultToken)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
	}
}
