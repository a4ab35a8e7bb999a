package settings_test

import (
	"bytes"
	"flag"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/httpserver"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/settings"
)

// TestQueueSettings: the queue's bounds from the env and flags, the flag winning,
// and the values refused.
func TestQueueSettings(t *testing.T) {
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want settings.Queue
		err  string
	}{
		{name: "defaults", want: settings.Queue{MaxQueue: httpserver.DefaultMaxQueue, QueueWait: httpserver.DefaultQueueWait}},
		{name: "from env", env: map[string]string{"GITSCRUM_MAX_QUEUE": " 32 ", "GITSCRUM_QUEUE_WAIT": "2s"},
			want: settings.Queue{MaxQueue: 32, QueueWait: 2 * time.Second}},
		{name: "flags win", env: map[string]string{"GITSCRUM_MAX_QUEUE": "32", "GITSCRUM_QUEUE_WAIT": "2s"}, args: []string{"--max-queue", "1", "--queue-wait", "1m30s"},
			want: settings.Queue{MaxQueue: 1, QueueWait: 90 * time.Second}},
		{name: "queue zero", env: map[string]string{"GITSCRUM_MAX_QUEUE": "0"}, err: `GITSCRUM_MAX_QUEUE="0": want a whole number from 1 to 1048576`},
		{name: "queue flag words", args: []string{"--max-queue", "lots"}, err: `invalid value "lots" for flag -max-queue`},
		{name: "wait without unit", env: map[string]string{"GITSCRUM_QUEUE_WAIT": "10"}, err: `GITSCRUM_QUEUE_WAIT="10": want a duration from 1ms to 5m0s, such as 10s`},
		{name: "wait zero", env: map[string]string{"GITSCRUM_QUEUE_WAIT": "0s"}, err: `GITSCRUM_QUEUE_WAIT="0s": want a duration from 1ms to 5m0s`},
		{name: "wait negative flag", args: []string{"--queue-wait", "-1s"}, err: `invalid value "-1s" for flag -queue-wait: want a duration from 1ms to 5m0s`},
		{name: "wait too long", args: []string{"--queue-wait", "6m"}, err: `invalid value "6m" for flag -queue-wait`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parse(t, tc.env, tc.args...)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got.Queue)
		})
	}
}

// TestQueueFlagHelp: both flags name their env variable and their defaults.
func TestQueueFlagHelp(t *testing.T) {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	s, err := settings.FromEnv(env(nil))
	require.NoError(t, err)
	s.RegisterFlags(fs, "refuse writes")
	fs.PrintDefaults()
	for _, want := range []string{"-max-queue n", "GITSCRUM_MAX_QUEUE", "(default 256)", "-queue-wait", "GITSCRUM_QUEUE_WAIT", "(default 10s)"} {
		assert.Contains(t, out.String(), want)
	}
}
