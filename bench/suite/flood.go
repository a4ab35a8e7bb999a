package main

import (
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/floodbench"
)

// flood sends gitscrum-mcp --http a burst of legitimate calls, each figure beside
// the build before issue 16, then floods both binaries' HTTP listeners
// (bench/internal/floodbench) with every variant and the listener attacks (slow
// bodies, idle connections), and gitscrum-mcp with the pre-auth attacks too;
// each flood's figure stands beside the same process before its flood. Then
// gitscrum-slack gets a flood of Share clicks and the empty-query picker and
// Next clicks at 100,000 clients, beside the build before issue 16.
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
	}{{mcp, floodbench.Variants}, {mcp, floodbench.PreAuthVariants}, {mcp, floodbench.ListenerVariants},
		{floodbench.Slack(slackBin), floodbench.Variants}, {floodbench.Slack(slackBin), floodbench.ListenerVariants}} {
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
	clicks := floodbench.DefaultClickConfig
	clicks.Clicks, clicks.Spread = s.cfg.clicks, time.Duration(s.cfg.clicks)*floodbench.DefaultClickConfig.Spread/time.Duration(floodbench.DefaultClickConfig.Clicks)
	s.logf("clicks: %d signed Share clicks in %s to gitscrum-slack", clicks.Clicks, clicks.Spread)
	r, err := floodbench.ShareClicks(slackBin, clicks)
	for _, row := range floodbench.ClickRows(r) {
		s.table.Add(row)
	}
	if err != nil {
		return err
	}
	picker := floodbench.DefaultPicker
	picker.CPUPickers, picker.Duration = s.cfg.cpuPickers, s.cfg.floodLength
	s.logf("picker: the empty-query picker and %d Next clicks at %d cached clients", picker.NextClicks, picker.Clients)
	pr, err := floodbench.Pickers(slackBin, picker)
	for _, row := range floodbench.PickerRows(pr) {
		s.table.Add(row)
	}
	return err
}
