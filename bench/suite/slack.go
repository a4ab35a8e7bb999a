package main

import (
	"fmt"
	"time"

	"github.com/gitscrum-bridge/gitscrum-bridge/bench/internal/slackbench"
	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot"
)

// slowUpstream is the GitScrum latency of the slow scenario.
const slowUpstream = 5 * time.Second

// command is the measured slash command: one GitScrum call (the list), then a search.
const command = "list acme"

// slack runs the Slack scenarios over one rig: acknowledgements at 0 ms upstream
// against help, then at 5 s upstream against the deadline, the budget and the
// upstream latency; then Events API mentions at 5 s upstream.
func (s *suite) slack() error {
	rig, err := slackbench.NewRig(gitscrum.WithCacheTTL(0)) // every command reaches GitScrum
	if err != nil {
		return err
	}
	defer rig.Close()
	rig.Run(10, 1, slackbench.Scenario{Text: "help"})
	rig.Run(10, 1, slackbench.Scenario{Text: command})

	const fast = "Slack, upstream 0 ms"
	for _, c := range []int{1, 50, 200} {
		rounds := max(1, s.cfg.slackSamples/c)
		s.logf("slack: %d × %d concurrent help, then %s", rounds, c, command)
		help := rig.Run(c, rounds, slackbench.Scenario{Text: "help"})
		list := rig.Run(c, rounds, slackbench.Scenario{Text: command})
		if err := failed(help); err != nil {
			return err
		}
		if err := failed(list); err != nil {
			return err
		}
		helpNote := func(p string) string {
			return fmt.Sprintf("`help` (no GitScrum call) ack %s, n=%d", p, len(help.Acks))
		}
		s.addTime(fast, fmt.Sprintf("`%s` ack p50, %d concurrent (n=%d)", command, c, len(list.Acks)),
			p50(list.Acks), p50(help.Acks), helpNote("p50"))
		s.addTime(fast, fmt.Sprintf("`%s` ack p99, %d concurrent (n=%d)", command, c, len(list.Acks)),
			p99(list.Acks), p99(help.Acks), helpNote("p99"))
	}

	const slow = "Slack, upstream 5 s"
	budget := slackbot.DefaultInlineBudget
	for _, b := range []struct{ c, rounds int }{{1, s.cfg.slowRoundsC1}, {50, 1}, {200, 1}} {
		s.logf("slack: %d × %d concurrent %s with GitScrum at %s", b.rounds, b.c, command, slowUpstream)
		r := rig.Run(b.c, b.rounds, slackbench.Scenario{Text: command, Latency: slowUpstream})
		if len(r.Acks) == 0 {
			return fmt.Errorf("%s at %s: no acknowledgement", command, slowUpstream)
		}
		n := len(r.Acks)
		who := fmt.Sprintf("%d concurrent", b.c)
		if b.c == 1 {
			who = "1 at a time"
		}
		tally := fmt.Sprintf("n=%d; %d deferred, %d ≥ 3 s, %d failed", n, r.Deferred, r.Over3s, r.Failed)
		s.addTime(slow, fmt.Sprintf("`%s` ack p50, %s (%s)", command, who, tally),
			p50(r.Acks), slackbench.SlackLimit, "Slack's 3 s deadline")
		s.addTime(slow, fmt.Sprintf("`%s` ack p99, %s", command, who),
			p99(r.Acks), slackbench.SlackLimit, "Slack's 3 s deadline")
		s.addTime(slow, fmt.Sprintf("`%s` ack p50, %s", command, who),
			p50(r.Acks), budget, "inline budget")
		s.addTime(slow, fmt.Sprintf("`%s` ack p99, %s", command, who),
			p99(r.Acks), budget, "inline budget")
		s.addTime(slow, fmt.Sprintf("response_url post p50, %s (n=%d)", who, len(r.Finals)),
			p50(r.Finals), slowUpstream, "upstream latency")
		s.addTime(slow, fmt.Sprintf("response_url post p99, %s (n=%d)", who, len(r.Finals)),
			p99(r.Finals), slowUpstream, "upstream latency")
	}
	if err := s.slackEvents(rig); err != nil {
		return err
	}
	return s.slackInteractivity(rig)
}

// mention is the measured mention: "@GitScrum acme corp", one GitScrum call, then
// the card posted in a thread.
const mention = "acme corp"

// slackEvents runs the Events API scenario: concurrent app_mention payloads with
// GitScrum at 5 s, acknowledged at once and answered in a thread in the background.
func (s *suite) slackEvents(rig *slackbench.Rig) error {
	const slow = "Slack events, upstream 5 s"
	for _, c := range []int{50, 200} {
		s.logf("slack: %d concurrent mentions with GitScrum at %s", c, slowUpstream)
		r := rig.RunEvents(c, 1, slackbench.Scenario{Text: mention, Latency: slowUpstream})
		if err := failed(r); err != nil {
			return err
		}
		who := fmt.Sprintf("%d concurrent", c)
		tally := fmt.Sprintf("n=%d; %d ≥ 3 s, %d failed", len(r.Acks), r.Over3s, r.Failed)
		s.addTime(slow, fmt.Sprintf("mention ack p50, %s (%s)", who, tally),
			p50(r.Acks), slackbench.SlackLimit, "Slack's 3 s deadline")
		s.addTime(slow, fmt.Sprintf("mention ack p99, %s", who),
			p99(r.Acks), slackbench.SlackLimit, "Slack's 3 s deadline")
		s.addTime(slow, fmt.Sprintf("thread reply (chat.postMessage) p50, %s (n=%d)", who, len(r.Finals)),
			p50(r.Finals), slowUpstream, "upstream latency")
		s.addTime(slow, fmt.Sprintf("thread reply (chat.postMessage) p99, %s (n=%d)", who, len(r.Finals)),
			p99(r.Finals), slowUpstream, "upstream latency")
	}
	return nil
}

// slackInteractivity measures the interactivity endpoint at 200 concurrent
// payloads with GitScrum at 5 s: Share clicks (acknowledged at once, the card
// posted with chat.postMessage after a fresh GET) and "New client" submissions
// (answered within the inline budget, "Saving…" beyond it, the card sent with
// chat.postEphemeral after the duplicate check and the create).
func (s *suite) slackInteractivity(rig *slackbench.Rig) error {
	const slow = "Slack interactivity, upstream 5 s"
	for _, kind := range []struct{ name, what string }{
		{slackbench.InteractShare, "block_actions Share"},
		{slackbench.InteractCreate, "view_submission New client"},
	} {
		s.logf("slack: 200 concurrent %s with GitScrum at %s", kind.what, slowUpstream)
		r := rig.Run(200, 1, slackbench.Scenario{Interaction: kind.name, Latency: slowUpstream})
		if err := failed(r); err != nil {
			return fmt.Errorf("%s: %w", kind.what, err)
		}
		tally := fmt.Sprintf("n=%d; %d ≥ 3 s, %d failed", len(r.Acks), r.Over3s, r.Failed)
		s.addTime(slow, fmt.Sprintf("%s ack p50, 200 concurrent (%s)", kind.what, tally),
			p50(r.Acks), slackbench.SlackLimit, "Slack's 3 s deadline")
		s.addTime(slow, fmt.Sprintf("%s ack p99, 200 concurrent", kind.what),
			p99(r.Acks), slackbench.SlackLimit, "Slack's 3 s deadline")
		s.addTime(slow, fmt.Sprintf("%s answer via Web API p99, 200 concurrent (n=%d)", kind.what, len(r.Finals)),
			p99(r.Finals), slowUpstream, "upstream latency")
	}
	return nil
}

// failed reports a run in which some commands failed.
func failed(r slackbench.Result) error {
	if r.Failed > 0 {
		return fmt.Errorf("%q: %d of %d commands failed", r.Text, r.Failed, len(r.Acks))
	}
	return nil
}
