package main

import (
	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/floodbench"
)

// flood sends gitscrum-mcp --http a burst of legitimate calls, each figure beside
// the build before issue 14, then floods both binaries' HTTP listeners
// (bench/internal/floodbench) with every variant, and gitscrum-mcp with the
// pre-auth attacks too; each flood's figure stands
// beside the same process before its flood.
func (s *suite) flood(dir string) error {
	s.logf("building cmd/gitscrum-mcp and cmd/gitscrum-slack for the floods")
	mcpBin, slackBin, err := floodbench.Build(dir)
	if err != nil {
		return err
	}
	cfg := floodbench.DefaultConfig
	cfg.Duration = s.cfg.floodLength
	s.logf("burst: %d cold list_clients calls at once to gitscrum-mcp --http", floodbench.DefaultBurst.Calls)
	burst, err := floodbench.Burst(mcpBin, floodbench.DefaultBurst)
	for _, row := range floodbench.BurstRows(floodbench.DefaultBurst, burst) {
		s.table.Add(row)
	}
	if err != nil {
		return err
	}
	mcp := floodbench.MCP(mcpBin)
	for _, run := range []struct {
		t        floodbench.Target
		variants []floodbench.Variant
	}{{mcp, floodbench.Variants}, {mcp, floodbench.PreAuthVariants}, {floodbench.Slack(slackBin), floodbench.Variants}} {
		results, err := floodbench.Run(run.t, cfg, run.variants, s.logf)
		for _, r := range results {
			for _, row := range floodbench.Rows(r) {
				s.table.Add(row)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}
