package emulator

import (
	"fmt"
	"strings"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// DemoWorkspace is the slug of the workspace that [Server.SeedDemo] fills.
const DemoWorkspace = "demo"

// DemoAcmeUUID is the UUID of the demo client "Acme Corp" (billing@acme.co), the
// example of the GitScrum documentation.
const DemoAcmeUUID = "5b1e7c9a-3d2f-4a6b-8c1d-0e9f8a7b6c51"

// SeedDemo fills [DemoWorkspace] with a dozen clients that exercise what adapters must
// get right: two clients matching "acme", text that Slack or HTML would interpret
// (<!channel>, <script>, *bold*), an ampersand, Japanese, Cyrillic and accented names,
// empty fields, a multi-line address and notes of about 2,000 characters. UUIDs and
// creation times are fixed, so docs and tests may name them. Seeding again restores
// the demo clients to their seeded state and keeps clients created since.
func (s *Server) SeedDemo() {
	s.AddClients(DemoWorkspace, demoClients()...)
}

// demoClients returns the demo clients, freshly built.
func demoClients() []gitscrum.ClientCompany {
	at := func(s string) gitscrum.Timestamp {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return gitscrum.Timestamp{Time: t}
	}
	return []gitscrum.ClientCompany{
		{
			UUID: DemoAcmeUUID, Name: "Acme Corp",
			Email: "billing@acme.co", Phone: "+1-555-0100", Website: "https://acme.co",
			Address: "123 Main St, San Francisco, CA", Notes: "Enterprise client since 2024",
			ProjectsCount: 5, InvoicesTotal: 125000, CreatedAt: at("2025-06-15T10:00:00Z"),
		},
		{
			UUID: "0c4d2e8f-6a1b-4c3d-9e5f-7a8b9c0d1e22", Name: "Acme Logistics",
			Email: "dispatch@acme-logistics.example", Phone: "+1-555-0142",
			Website: "https://acme-logistics.example", Address: "88 Harbor Way, Oakland, CA",
			Notes:         "Freight partner. Not the same company as Acme Corp.",
			ProjectsCount: 2, InvoicesTotal: 18450.5, CreatedAt: at("2025-07-02T14:30:00Z"),
		},
		{
			UUID: "9a3f6b2c-1e4d-4f7a-a8b9-c0d1e2f3a433", Name: "Globex Corporation",
			Email: "contact@globex.com", Phone: "+1-555-0200", Website: "https://globex.com",
			CreatedAt: at("2026-02-07T12:00:00Z"),
		},
		{
			UUID: "e7b2c4d6-8f0a-4b1c-b2d3-e4f5a6b7c844", Name: "Initech",
			Email: "info@initech.example", Phone: "+1-555-0199",
			Address: "4120 Freidrich Ln, Austin, TX", Notes: "TPS reports due every Friday.",
			ProjectsCount: 3, InvoicesTotal: 42000, CreatedAt: at("2024-11-04T08:15:00Z"),
		},
		{
			UUID: "3c8e1a5f-2b6d-4e9a-8f0b-1c2d3e4f5a55", Name: "Smith & Sons",
			Email: "office@smithandsons.example", Phone: "+44 20 7946 0018",
			Website:       "https://smithandsons.example",
			Address:       "12 High Street, Leeds LS1 4HT, United Kingdom",
			Notes:         "Family-run. Invoices go to accounts@, not office@.",
			ProjectsCount: 1, InvoicesTotal: 7800, CreatedAt: at("2025-01-20T16:45:00Z"),
		},
		{
			UUID: "b5d9f1a3-7c2e-4a8b-9d0e-2f3a4b5c6d66", Name: "Zürich Versicherungen AG",
			Email: "kontakt@zuerich-versicherungen.example", Phone: "+41 44 000 12 34",
			Website:       "https://zuerich-versicherungen.example",
			Address:       "Bahnhofstrasse 1, 8001 Zürich, Schweiz",
			Notes:         "Correspondence in German; contracts signed by Frau Müller.",
			ProjectsCount: 4, InvoicesTotal: 98000.75, CreatedAt: at("2025-03-11T09:00:00Z"),
		},
		{
			UUID: "6f0a2b4c-9d1e-4f3a-b5c6-d7e8f9a0b177", Name: "株式会社サクラ",
			Email: "info@sakura.example", Phone: "+81 3-0000-1234", Website: "https://sakura.example",
			Address: "東京都千代田区丸の内1-1-1", Notes: "請求書は月末締め。",
			ProjectsCount: 2, InvoicesTotal: 3500000, CreatedAt: at("2025-04-01T01:00:00Z"),
		},
		{
			UUID: "d2e4f6a8-0b1c-4d3e-8a5b-6c7d8e9f0a88", Name: "ООО «Ромашка»",
			Email: "info@romashka.example", Phone: "+7 495 000-00-00",
			Address:   "Москва, ул. Тверская, д. 1",
			CreatedAt: at("2025-05-19T07:20:00Z"),
		},
		{
			UUID: "a1b3c5d7-e9f0-4a2b-9c4d-5e6f7a8b9c99", Name: "<!channel> Alerts Ltd",
			Email: "alerts@channel-alerts.example", Website: "https://channel-alerts.example",
			Notes:     "<!here> call back <@U024BE7LH> before noon",
			CreatedAt: at("2025-08-08T08:08:00Z"),
		},
		{
			UUID: "f8e6d4c2-b0a9-4e7d-a5c3-b1a9f8e7d6aa", Name: "<script>alert(1)</script> Labs",
			Email: "security@labs.example", Website: "https://labs.example/?q=<script>",
			Notes:         `<img src=x onerror="alert(2)"> & "quotes" 'too'`,
			ProjectsCount: 1, InvoicesTotal: 1200, CreatedAt: at("2025-09-01T12:00:00Z"),
		},
		{
			UUID: "4d6f8a0c-2e3b-4c5d-bf7a-9b0c1d2e3fbb", Name: "*Bold* _Italic_ ~Strike~ Studio",
			Email: "hello@bold-studio.example", Website: "https://bold-studio.example",
			Notes:         "`code`, > quote and <https://bold-studio.example|a link>",
			ProjectsCount: 2, InvoicesTotal: 5600, CreatedAt: at("2025-10-10T10:10:00Z"),
		},
		{
			UUID: "8b0d2f4a-6c7e-4a9b-8d1f-3a5b7c9d1ecc", Name: "Northwind Traders",
			Email: "ap@northwind.example", Phone: "+1-555-0177", Website: "https://northwind.example",
			Address:       "Attn: Accounts Payable\n2 Dock Road, Suite 400\nSeattle, WA 98101\nUSA",
			Notes:         demoLongNotes(),
			ProjectsCount: 7, InvoicesTotal: 231900, CreatedAt: at("2024-06-03T13:00:00Z"),
		},
	}
}

// demoLongNotes returns account notes of about 2,000 characters, one line a quarter.
func demoLongNotes() string {
	var b strings.Builder
	topics := []string{
		"renewed the support plan and asked for a dedicated contact",
		"raised two invoice disputes, both settled within the month",
		"moved warehouse systems to the new API; onboarding call went well",
		"requested quarterly usage reports by email rather than by post",
	}
	for i := range 28 {
		year, quarter := 2019+i/4, i%4+1
		fmt.Fprintf(&b, "Q%d %d: %s.\n", quarter, year, topics[i%len(topics)])
	}
	return strings.TrimSuffix(b.String(), "\n")
}
