package slackbot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/slack-go/slack"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
)

// Defaults of [Config].
const (
	// DefaultCommand is the slash command.
	DefaultCommand = "/gitscrum"
	// DefaultInlineBudget is how long a command may take to be answered inline.
	// Slack shows an error when no answer comes within 3 s; a slower command is
	// acknowledged at this point and answered through its response_url.
	DefaultInlineBudget = 2 * time.Second
	// DefaultJobTimeout bounds one command's work with GitScrum.
	DefaultJobTimeout = 60 * time.Second
	// DefaultPostTimeout bounds one post to a response_url.
	DefaultPostTimeout = 10 * time.Second
	// DefaultDeliveryTimeout bounds the delivery of one answer to its response_url,
	// every attempt and Retry-After wait included.
	DefaultDeliveryTimeout = 2 * time.Minute
	// MaxResponsePosts is the most posts made to one response_url: Slack accepts 5.
	MaxResponsePosts = 5
	// ShutdownPostTimeout is how long an answer still being posted to its
	// response_url may take once [Bot.Close] stopped waiting: the post under way
	// (or the first) completes within it, without retries, so that the answer to a
	// write GitScrum applied is not lost to a shutdown. Close returns at most this
	// much after its context ends.
	ShutdownPostTimeout = 5 * time.Second
)

// Config configures a [Bot]. Only Client is required.
type Config struct {
	// Client talks to GitScrum.
	Client *gitscrum.Client
	// Workspace is the default GitScrum workspace slug (GITSCRUM_COMPANY_SLUG);
	// workspace=<slug> on a command overrides it.
	Workspace string
	// SigningSecret verifies HTTP requests (SLACK_SIGNING_SECRET). Required by
	// [Bot.Handler]; unused in Socket Mode.
	SigningSecret string
	// WriteUsers are the Slack user IDs allowed to create and update clients
	// (SLACK_WRITE_USERS). With none, nobody may.
	WriteUsers []string
	// ReadOnly refuses creates and updates for everyone.
	ReadOnly bool
	// Command is the slash command as shown in help and usage; default
	// [DefaultCommand].
	Command string
	// InlineBudget is how long to wait for an answer before acknowledging and
	// posting the answer to the response_url; default [DefaultInlineBudget].
	InlineBudget time.Duration
	// JobTimeout bounds one command's work; default [DefaultJobTimeout].
	JobTimeout time.Duration
	// PostTimeout bounds one post to a response_url; default [DefaultPostTimeout].
	PostTimeout time.Duration
	// DeliveryTimeout bounds all the posts of one answer; default
	// [DefaultDeliveryTimeout].
	DeliveryTimeout time.Duration
	// ReplayStore remembers the signed requests accepted over HTTP (and the Socket
	// Mode envelopes), to refuse them a second time; default
	// NewMemoryReplayStore(DefaultReplayCapacity). Replicas must share one.
	ReplayStore ReplayStore
	// ResponseURLPrefixes are the URL prefixes a command's response_url must start
	// with to be posted to (compared on the parsed URL: scheme, host, port, then
	// path); default [DefaultResponseURLPrefixes]. See [ParseResponseURLPrefixes].
	ResponseURLPrefixes []string
	// BotToken (SLACK_BOT_TOKEN, xoxb-…) lets the bot call Slack's Web API in both
	// transports: open and update modals, post messages. Without it the slash
	// command works as before and the interactive parts say what is missing.
	BotToken string
	// APIURL is Slack's Web API base URL (SLACK_API_URL); default [DefaultAPIURL].
	APIURL string
	// MaxEventJobs bounds the Events API events (mentions, DMs) answered at once;
	// default [DefaultMaxEventJobs]. One more is refused (503 over HTTP, not
	// acknowledged over Socket Mode) and Slack sends it again later.
	MaxEventJobs int
	// HTTPClient posts to response_urls; default a client of its own. Redirects
	// are never followed, whatever its CheckRedirect.
	HTTPClient *http.Client
	// Logger receives one record per command (user ID, subcommand, latency,
	// outcome) and transport events; default discards.
	Logger *slog.Logger
	// OnOutcome, when set, is told how every command ended, e.g. for metrics, and
	// every interaction (Subcommand "action:<action_id>", "view:<callback_id>",
	// "options:<action_id>") and answered event ("event:<type>"). It must be safe
	// for concurrent use and fast.
	OnOutcome func(Outcome)
}

// Outcome is how one slash command ended. The Bot logs it and hands it to
// Config.OnOutcome; it is the one place where every command's outcome is known.
type Outcome struct {
	// Transport is "http" or "socket".
	Transport string
	// UserID and TeamID identify who ran the command.
	UserID, TeamID string
	// Subcommand is the command's name ("list", "show", …), or "" when the command
	// line could not be read.
	Subcommand string
	// Result is one of the Result… constants: a word of the outcome vocabulary
	// that logs and metrics share.
	Result string
	// CommandResult, when Result is ResultReplyLost, is how the command itself
	// ended (ResultOK for a write that was applied) though its answer never
	// reached Slack.
	CommandResult string
	// Latency is the time from the command's arrival until its answer was ready.
	Latency time.Duration
	// Deferred reports an answer posted to the response_url after an
	// acknowledgement.
	Deferred bool
	// DeliveryErr is why a deferred answer could not be posted, or nil.
	DeliveryErr error
	// Err is the error the command failed with, or nil. It never holds a token.
	Err error
}

// Bot answers the slash command. It is safe for concurrent use. Create one with
// [New]; serve it over HTTP with [Bot.Handler] or over Socket Mode with
// [Bot.RunSocketMode]; stop it with [Bot.Close].
type Bot struct {
	cfg          Config
	responseURLs responseURLPolicy
	access       access
	log          *slog.Logger
	web          *slack.Client // nil without Config.BotToken
	eventSlots   chan struct{} // one token per event being answered

	// ctx bounds all the work of the bot; Close cancels it when draining takes too
	// long.
	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex // guards closed and jobs.Add
	closed bool
	jobs   sync.WaitGroup
}

// New returns a Bot for cfg with the defaults filled in.
func New(cfg Config) (*Bot, error) {
	if cfg.Client == nil {
		return nil, errors.New("slackbot: Config.Client is required")
	}
	if cfg.Command == "" {
		cfg.Command = DefaultCommand
	}
	if err := CheckCommand(cfg.Command); err != nil {
		return nil, fmt.Errorf("slackbot: %w", err)
	}
	for _, id := range cfg.WriteUsers {
		if !userIDPattern.MatchString(id) {
			return nil, fmt.Errorf("slackbot: write user %q is not a Slack user ID", id)
		}
	}
	cfg.InlineBudget = positive(cfg.InlineBudget, DefaultInlineBudget)
	cfg.JobTimeout = positive(cfg.JobTimeout, DefaultJobTimeout)
	cfg.PostTimeout = positive(cfg.PostTimeout, DefaultPostTimeout)
	cfg.DeliveryTimeout = positive(cfg.DeliveryTimeout, DefaultDeliveryTimeout)
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: cfg.PostTimeout}
	}
	hc := *cfg.HTTPClient
	hc.CheckRedirect = noRedirects
	cfg.HTTPClient = &hc
	responseURLs, err := newResponseURLPolicy(cfg.ResponseURLPrefixes)
	if err != nil {
		return nil, fmt.Errorf("slackbot: %w", err)
	}
	if cfg.BotToken != "" && !strings.HasPrefix(cfg.BotToken, "xoxb-") {
		return nil, errors.New("slackbot: the bot token must start with xoxb-")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ReplayStore == nil {
		cfg.ReplayStore = NewMemoryReplayStore(DefaultReplayCapacity)
	}
	if cfg.MaxEventJobs <= 0 {
		cfg.MaxEventJobs = DefaultMaxEventJobs
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Bot{
		cfg:          cfg,
		responseURLs: responseURLs,
		access:       newAccess(cfg.WriteUsers, cfg.ReadOnly),
		log:          cfg.Logger,
		web:          newWebAPI(cfg),
		eventSlots:   make(chan struct{}, cfg.MaxEventJobs),
		ctx:          ctx,
		cancel:       cancel,
	}, nil
}

func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// EnvCommand names the environment variable that sets the slash command.
const EnvCommand = "SLACK_COMMAND"

// commandPattern is the form Slack gives a slash command: a slash and at most 31
// lower-case letters, digits, dashes and underscores (the Slack app settings also
// allow other scripts' letters).
var commandPattern = regexp.MustCompile(`^/[\p{Ll}\p{Lo}\p{Nd}_-]{1,31}$`)

// CheckCommand reports whether s is a slash command as Slack names them, such as
// "/gitscrum": a slash and at most 31 lower-case letters, digits, - or _.
func CheckCommand(s string) error {
	if !commandPattern.MatchString(s) {
		return fmt.Errorf("command %q must be a slash and 1 to 31 lower-case letters, digits, - or _, like %s", clipRunes(s, 40), DefaultCommand)
	}
	return nil
}

// clipRunes cuts s to at most n characters, for an error message.
func clipRunes(s string, n int) string {
	if cut, dropped := truncateRunes(s, n); dropped > 0 {
		return cut + "…"
	}
	return s
}

// Close stops taking commands and waits for those in flight (their answers
// included) until ctx is done; then it cancels their work with GitScrum, lets the
// answers already on their way be posted (at most [ShutdownPostTimeout] more; a
// command cut short answers that it was, ending as canceled) and returns ctx's
// error.
func (b *Bot) Close(ctx context.Context) error {
	b.mu.Lock()
	b.closed = true
	b.mu.Unlock()
	done := make(chan struct{})
	go func() {
		b.jobs.Wait()
		close(done)
	}()
	select {
	case <-done:
		b.cancel()
		return nil
	case <-ctx.Done():
		b.cancel() // everything in flight is bound to b.ctx and ends promptly
		<-done
		return fmt.Errorf("slackbot: draining in-flight commands: %w", ctx.Err())
	}
}

// startJob registers a goroutine of work, unless the bot is closed.
func (b *Bot) startJob() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false
	}
	b.jobs.Add(1)
	return true
}

// answer is a command's reply and how it ended.
type answer struct {
	msg    *slack.WebhookMessage
	result string
	err    error
}

// result is what a command's run returns: a reply, or an error that [failure]
// renders. code overrides ResultOK for a reply that is itself a failure; a reply
// with an error is sent as it is, the error kept for the outcome. No reply and no
// error means the command answered another way (a modal opened).
type result struct {
	msg  *slack.WebhookMessage
	code string
	err  error
}

func reply(msg *slack.WebhookMessage) result { return result{msg: msg} }
func fail(err error) result                  { return result{err: err} }

// Reply runs a slash command to its end and returns the reply, however long it
// takes, or nil when the command answers another way (a modal opened); it does
// not record an [Outcome]. The HTTP and Socket Mode transports
// instead answer within Config.InlineBudget and post slower replies to the
// response_url; Reply suits other transports and tests.
func (b *Bot) Reply(ctx context.Context, sc slack.SlashCommand) *slack.WebhookMessage {
	inv, _, a := b.prepare(ctx, sc)
	if inv == nil {
		return a.msg
	}
	return b.execute(ctx, inv).msg
}

// prepare reads and checks a command line. It returns the invocation to run, or nil
// and the answer when nothing is needed from GitScrum: help, usage errors, refused
// writes. The command is nil when the line could not be read.
func (b *Bot) prepare(ctx context.Context, sc slack.SlashCommand) (*invocation, *command, answer) {
	slash := b.cfg.Command
	if sc.Command != slash {
		// Another slash command of the same Slack app, pointed at this bot by
		// mistake (or a request forged to look like one): refused, nothing run.
		err := fmt.Errorf("slash command %q is not the configured %s (--command, %s)", clipRunes(sc.Command, 40), slash, EnvCommand)
		return nil, nil, answer{msg: wrongCommandMessage(slash, sc.Command), result: ResultInvalid, err: err}
	}
	text := unescapeSlack(sc.Text)
	toks, err := Tokenize(text)
	if err != nil {
		var cmd *command
		if f := strings.Fields(text); len(f) > 0 {
			cmd = lookupCommand(f[0])
		}
		return nil, cmd, answer{msg: errorMessage(slash, shown(clip(capitalize(err.Error()), 1000)), line{}, cmd), result: ResultInvalid, err: err}
	}
	var cmd *command
	rest, verb := toks, ""
	if len(toks) == 0 {
		cmd = lookupCommand("help")
	} else if first := toks[0]; !first.Quoted && !first.IsField() {
		if cmd = lookupCommand(first.Text); cmd != nil {
			rest = toks[1:]
		} else {
			verb = first.Text
		}
	}
	if cmd == nil {
		cmd = bareCommand()
	}
	if cmd.write {
		if r := b.access.canWrite(sc.UserID); r != writeAllowed {
			return nil, cmd, answer{msg: refusalMessage(slash, sc.UserID, r), result: ResultForbidden}
		}
	}
	inv, err := bind(cmd, rest, b.cfg.Workspace)
	if err != nil && verb != "" && !errors.Is(err, gitscrum.ErrValidation) {
		// "upd acme phone=1": options that finding a client does not take mean the
		// first word was meant as a subcommand.
		return nil, cmd, answer{msg: unknownSubcommandMessage(slash, verb, ""), result: ResultInvalid, err: err}
	}
	if err != nil {
		msg, code := failure(slash, &invocation{cmd: cmd, userID: sc.UserID}, err)
		return nil, cmd, answer{msg: msg, result: code, err: err}
	}
	inv.userID, inv.teamID, inv.channelID, inv.triggerID, inv.verb = sc.UserID, sc.TeamID, sc.ChannelID, sc.TriggerID, verb
	if !cmd.workspace { // local commands (help) need no GitScrum
		return nil, cmd, b.execute(ctx, inv)
	}
	if strings.TrimSpace(inv.workspace) == "" {
		return nil, cmd, answer{msg: noWorkspaceMessage(slash, cmd), result: ResultInvalid}
	}
	return inv, cmd, answer{}
}

// capitalize upper-cases the first letter of an ASCII sentence.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}

// execute runs inv and renders its reply or failure. A reply outside Slack's limits
// is replaced by its fallback text, and a panic becomes an internal error.
func (b *Bot) execute(ctx context.Context, inv *invocation) (a answer) {
	defer func() {
		if p := recover(); p != nil {
			b.log.Error("slash command panicked", "subcommand", inv.cmd.name, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			err := fmt.Errorf("slackbot: %s panicked: %v", inv.cmd.name, p)
			a = answer{msg: errorMessage(b.cfg.Command, ours("Something went wrong inside gitscrum-slack."), ours("Try again; if it keeps failing, tell the admin."), nil), result: ResultInternal, err: err}
		}
	}()
	res := inv.cmd.run(b, ctx, inv)
	if res.err != nil && res.msg == nil {
		msg, code := failure(b.cfg.Command, inv, res.err)
		a = answer{msg: msg, result: code, err: res.err}
	} else {
		a = answer{msg: res.msg, result: res.code, err: res.err}
		if a.result == "" {
			a.result = ResultOK
		}
	}
	if a.msg == nil { // answered another way, such as a modal opened
		return a
	}
	if err := CheckLimits(a.msg); err != nil {
		b.log.Error("reply outside Slack's limits; sending its text only", "subcommand", inv.cmd.name, "error", err)
		a.msg = &slack.WebhookMessage{ResponseType: a.msg.ResponseType, Text: fitText(a.msg.Text, maxFallbackLen)}
	}
	return a
}

// view returns the rendering context of inv.
func (b *Bot) view(inv *invocation) view {
	return view{slash: b.cfg.Command, workspace: inv.workspace, userID: inv.userID, share: inv.share,
		buttons: true, canWrite: b.access.canWrite(inv.userID) == writeAllowed}
}

// runHelp answers help and help <subcommand>.
func (b *Bot) runHelp(_ context.Context, inv *invocation) result {
	var topic *command
	if len(inv.words) > 0 {
		if topic = lookupCommand(inv.words[0]); topic == nil {
			return fail(errUsage(nil, "There is no subcommand %q.", gitscrum.Excerpt(inv.words[0])))
		}
	}
	return reply(helpMessage(b.cfg.Command, b.cfg.Workspace, b.access.canWrite(inv.userID), topic))
}

// runList answers list [query]: the matching clients, best first; all clients by
// name without a query.
func (b *Bot) runList(ctx context.Context, inv *invocation) result {
	if err := gitscrum.ValidateQuery(inv.arg); err != nil {
		return fail(err)
	}
	query := strings.TrimSpace(inv.arg)
	clients, all, err := b.matching(ctx, inv.workspace, query)
	if err != nil {
		return fail(err)
	}
	v := b.view(inv)
	switch {
	case len(clients) == 0 && query == "":
		return reply(message(v.responseType(), "No clients yet in workspace "+clip(inv.workspace, 100)+".",
			plainSection("Workspace "+quote(inv.workspace, 100)+" has no clients yet."), v.footer(ours("Add one with "+code(v.slash+" create <name>", 100)))))
	case len(clients) == 0:
		return b.notFound(ctx, v, all, query)
	}
	pager := actionValue{Workspace: inv.workspace, Query: query, Kind: kindList}
	return reply(listPage(v, listTitle(inv.workspace, query, len(clients)), clients, "", 0, &pager, false))
}

// listTitle is the title of a list of n clients of workspace ws matching query.
func listTitle(ws, query string, n int) line {
	switch {
	case query == "":
		return shown(fmt.Sprintf("%s in workspace %s:", plural(n, "client"), quote(ws, 100)))
	case n == 1:
		return shown(fmt.Sprintf("1 client matches %s:", quote(query, 200)))
	}
	return shown(fmt.Sprintf("%s match %s:", plural(n, "client"), quote(query, 200)))
}

// findTitle is the title of the n clients a bare /gitscrum <ref> matches.
func findTitle(ref string, n int) line {
	return shown(fmt.Sprintf("%s matches %s:", quote(ref, 200), plural(n, "client")))
}

// sortKey orders names alphabetically, ignoring case, accents, punctuation and
// leading symbols: "<!channel> Alerts" sorts under C.
func sortKey(name string) string {
	return strings.TrimLeftFunc(gitscrum.Normalize(name), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// runShow answers show <name|uuid> with the client's card.
func (b *Bot) runShow(ctx context.Context, inv *invocation) result {
	if strings.TrimSpace(inv.arg) == "" {
		msg, err := pickerMessage(b.view(inv))
		if err != nil {
			return fail(errUsage(inv.cmd, "show needs <name|uuid> here: %s.", err.Error()))
		}
		return reply(msg)
	}
	c, err := b.cfg.Client.ResolveClient(ctx, inv.workspace, inv.arg)
	if err != nil {
		return fail(err)
	}
	return reply(cardMessage(*c, b.view(inv), ""))
}

// runFind answers a bare /gitscrum <text>: one match shows the card, several the
// list. A UUID is looked up directly.
func (b *Bot) runFind(ctx context.Context, inv *invocation) result {
	ref := strings.TrimSpace(inv.arg)
	if gitscrum.LooksLikeUUID(ref) {
		return b.runShow(ctx, inv)
	}
	if err := gitscrum.ValidateQuery(ref); err != nil {
		return fail(err)
	}
	snap, err := b.cfg.Client.Clients(ctx, inv.workspace)
	if err != nil {
		return fail(err)
	}
	all := snap.Clients()
	v := b.view(inv)
	ix := snap.Index()
	matches, err := ix.Search(ctx, ref)
	if err != nil {
		return fail(err)
	}
	switch {
	case len(matches) == 1:
		return b.freshCard(ctx, inv, *matches[0].Client)
	case len(matches) > 1:
		// A name matched better than all others (the exact name) is the one meant.
		if c, err := gitscrum.ResolveIn(ctx, all, ref); err == nil {
			return b.freshCard(ctx, inv, c)
		}
		clients := make([]gitscrum.ClientCompany, len(matches))
		for i, m := range matches {
			clients[i] = *m.Client
		}
		pager := actionValue{Workspace: inv.workspace, Query: ref, Kind: kindFind}
		return reply(listPage(v, findTitle(ref, len(clients)), clients, "", 0, &pager, true))
	}
	// Nothing matched. "delete acme" is more likely a mistyped subcommand than a
	// client's name when its first word matches no client at all.
	if words := strings.Fields(ref); inv.verb != "" && len(words) > 1 {
		first, err := ix.Search(ctx, words[0])
		if err != nil {
			return fail(err)
		}
		if first == nil {
			return result{msg: unknownSubcommandMessage(v.slash, inv.verb, ref), code: ResultInvalid}
		}
	}
	return b.notFound(ctx, v, all, ref)
}

// notFound answers that no client matches ref, with the closest names.
func (b *Bot) notFound(ctx context.Context, v view, all []gitscrum.ClientCompany, ref string) result {
	suggestions, err := gitscrum.Suggest(ctx, all, ref, 3)
	if err != nil {
		return fail(err)
	}
	return result{msg: notFoundMessage(v, ref, suggestions), code: ResultNotFound}
}

// freshCard answers with the card of a client found in the cached list, as GitScrum
// has it now.
func (b *Bot) freshCard(ctx context.Context, inv *invocation, found gitscrum.ClientCompany) result {
	c, err := b.cfg.Client.FreshRecord(ctx, inv.workspace, found)
	if err != nil {
		return fail(err)
	}
	return reply(cardMessage(*c, b.view(inv), ""))
}

// runCreate answers create <name> field=value …: the duplicate guard, the create,
// and the new client's card.
func (b *Bot) runCreate(ctx context.Context, inv *invocation) result {
	name := strings.TrimSpace(inv.arg)
	if v, given := inv.field(gitscrum.FieldName); given {
		if name != "" {
			return fail(errUsage(inv.cmd, "Give the name once: either after create or as name=, not both."))
		}
		name = v
	}
	if strings.TrimSpace(name) == "" && len(inv.fields) == 0 && !inv.force {
		return b.openCreateForm(ctx, inv)
	}
	if strings.TrimSpace(name) == "" {
		return fail(errUsage(inv.cmd, "create needs the new client's name."))
	}
	req := gitscrum.CreateClientRequest{CompanySlug: inv.workspace, Name: name}
	for _, fv := range inv.fields {
		if fv.field != gitscrum.FieldName {
			req.Set(fv.field, fv.value)
		}
	}
	c, err := b.cfg.Client.CreateClientIfNew(ctx, req, inv.force)
	if err != nil {
		return fail(err)
	}
	return reply(cardMessage(*c, b.view(inv), ":white_check_mark: Created by "+userMention(inv.userID)+"."))
}

// runUpdate answers update <name|uuid> field=value …: the partial update and its
// changes, before → after.
func (b *Bot) runUpdate(ctx context.Context, inv *invocation) result {
	if len(inv.fields) == 0 {
		return fail(errUsage(inv.cmd, "Name at least one field to change, like phone=+1-555-0101 (or phone= to clear it)."))
	}
	req := gitscrum.UpdateClientRequest{CompanySlug: inv.workspace}
	for _, fv := range inv.fields {
		req.Set(fv.field, fv.value)
	}
	res, err := b.cfg.Client.UpdateClientByRef(ctx, inv.arg, req)
	if err != nil {
		return fail(err)
	}
	return reply(changesMessage(b.view(inv), res))
}

// record logs how a command ended and tells Config.OnOutcome.
func (b *Bot) record(o Outcome) {
	level := slog.LevelInfo
	switch {
	case o.DeliveryErr != nil, o.Result == ResultInternal:
		level = slog.LevelError
	case o.Result == ResultUnavailable, o.Result == ResultRateLimited, o.Result == ResultReplayed,
		errors.Is(o.Err, gitscrum.ErrUnauthorized), errors.Is(o.Err, gitscrum.ErrForbidden):
		// GitScrum's trouble, a refused token (an admin must act) or a replay.
		level = slog.LevelWarn
	}
	attrs := []slog.Attr{
		slog.String("transport", o.Transport),
		slog.String("user_id", o.UserID),
		slog.String("team_id", o.TeamID),
		slog.String("subcommand", o.Subcommand),
		slog.String("outcome", o.Result),
		slog.Duration("latency", o.Latency),
		slog.Bool("deferred", o.Deferred),
	}
	if o.Err != nil && o.Result != ResultOK {
		attrs = append(attrs, slog.String("error", o.Err.Error()))
	}
	if o.CommandResult != "" {
		attrs = append(attrs, slog.String("command_outcome", o.CommandResult))
	}
	if o.DeliveryErr != nil {
		attrs = append(attrs, slog.String("delivery_error", o.DeliveryErr.Error()))
	}
	b.log.LogAttrs(context.Background(), level, "slash command", attrs...)
	if b.cfg.OnOutcome != nil {
		b.cfg.OnOutcome(o)
	}
}
