// Package browser starts a headless Chromium for tests, driven with
// github.com/chromedp/chromedp, and holds the few page checks tests share.
//
// [New] skips the test, with a message, when no Chromium is installed and the
// environment variable CI is not set; with CI set it fails the test instead, so
// CI never passes without running the browser tests.
package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Executables are the names a Chromium is looked for under, on PATH, in order
// (Debian's package chromium installs the first).
var Executables = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// Timeout bounds what a test does with the browser [New] returns, from the
// moment it is started.
const Timeout = 60 * time.Second

// flags are Chromium's command-line flags besides chromedp's defaults (headless
// among them): no sandbox (tests run as root in containers), no GPU, and none
// of the background connections a closed network refuses.
var flags = map[string]any{
	"no-sandbox":                    true,
	"disable-gpu":                   true,
	"disable-quic":                  true,
	"no-first-run":                  true,
	"disable-background-networking": true,
	"disable-component-update":      true,
	"disable-sync":                  true,
}

// Find returns the path of an installed Chromium, or an error saying where it
// looked.
func Find() (string, error) {
	for _, name := range Executables {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("no Chromium found on PATH (looked for %v)", Executables)
}

// New starts a headless Chromium with a fresh profile, at a window of 1280×800,
// and returns the context of its one tab, bounded by [Timeout]. The browser is
// stopped when the test ends. Without a Chromium, New skips the test (or fails
// it when CI is set).
func New(t testing.TB) context.Context {
	t.Helper()
	path, err := Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v, and CI is set: browser tests never skip in CI (Debian: apt-get install chromium)", err)
		}
		t.Skipf("%v: skipping the browser test (Debian: apt-get install chromium; with CI set it fails instead)", err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	)
	for name, value := range flags {
		opts = append(opts, chromedp.Flag(name, value))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
	})
	// The first Do starts the browser and binds its life to tab, which has no
	// deadline; the deadline is on the context handed out.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(tab) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting %s: %v", path, err)
		}
	case <-time.After(Timeout):
		t.Fatalf("%s did not start within %s", path, Timeout)
	}
	ctx, cancel := context.WithTimeout(tab, Timeout)
	t.Cleanup(cancel)
	return ctx
}

// ByLabel is a selector of the form control that the <label> with exactly this
// text (white space trimmed) labels, as a person finds it.
func ByLabel(label string) chromedp.JSPath {
	quoted, _ := json.Marshal(label)
	return chromedp.JSPath(`[...document.querySelectorAll("label")].find(l => l.textContent.trim() === ` +
		string(quoted) + `)?.control ?? null`)
}

// ByText is a selector of the buttons and links whose text is exactly text (white
// space trimmed).
func ByText(text string) chromedp.JSPath {
	quoted, _ := json.Marshal(text)
	return chromedp.JSPath(`[...document.querySelectorAll("button, a, input[type=submit]")].find(e => ` +
		`(e.textContent || e.value).trim() === ` + string(quoted) + `) ?? null`)
}

// ErrHorizontalScroll is the error of [CheckNoHorizontalScroll] when the page is
// wider than the window.
var ErrHorizontalScroll = errors.New("the page scrolls horizontally")

// CheckNoHorizontalScroll is an action that fails with [ErrHorizontalScroll]
// when the page of the tab is wider than its window
// (document.documentElement.scrollWidth > window.innerWidth).
func CheckNoHorizontalScroll() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		sizes, err := chromedp.Evaluate[[2]int](`[document.documentElement.scrollWidth, window.innerWidth]`)(ctx, t)
		if err != nil {
			return fmt.Errorf("reading the page's width: %w", err)
		}
		if sizes[0] > sizes[1] {
			return fmt.Errorf("%w: %d px wide in a window of %d px", ErrHorizontalScroll, sizes[0], sizes[1])
		}
		return nil
	})
}
