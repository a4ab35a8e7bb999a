package main

import (
	"fmt"
	"os"
	"testing"
)

// TestMain keeps the default state store (under XDG_STATE_HOME) out of the home
// directory of whoever runs the tests, for run in-process and for the binaries
// the tests start with this environment.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "gitscrum-slack-state")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_ = os.Setenv("XDG_STATE_HOME", dir)
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}
