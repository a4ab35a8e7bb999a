package slackbottest_test

import (
	"context"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/slackbot/slackbottest"
)

// TestWebAPI drives the fake with slack-go's own client: JSON and form calls are
// both recorded, with the token and their arguments.
func TestWebAPI(t *testing.T) {
	api := slackbottest.NewWebAPI(t)
	c := slack.New("xoxb-test", slack.OptionAPIURL(api.URL))
	ctx := context.Background()

	_, err := c.OpenViewContext(ctx, "trigger-1", slack.ModalViewRequest{
		Type: slack.VTModal, CallbackID: "cb", Title: slack.NewTextBlockObject(slack.PlainTextType, "T", false, false)})
	require.NoError(t, err)
	ch, ts, err := c.PostMessageContext(ctx, "C0CHAN", slack.MsgOptionText("hello", false))
	require.NoError(t, err)
	assert.Equal(t, "C0CHAN", ch)
	assert.NotEmpty(t, ts)

	opens := api.Wait(t, "views.open", 1, time.Second)
	assert.Equal(t, "xoxb-test", opens[0].Token)
	assert.Equal(t, "trigger-1", opens[0].Arg("trigger_id"))
	assert.Contains(t, opens[0].Arg("view"), `"callback_id":"cb"`)
	posts := api.Calls("chat.postMessage")
	require.Len(t, posts, 1)
	assert.Equal(t, "hello", posts[0].Arg("text"))
	assert.Len(t, api.Calls(""), 2)

	api.SetResponse("chat.postMessage", map[string]any{"ok": false, "error": "channel_not_found"})
	_, _, err = c.PostMessageContext(ctx, "C0NONE", slack.MsgOptionText("x", false))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "channel_not_found")
}
