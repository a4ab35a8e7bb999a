package browser_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/gitscrum-bridge/gitscrum-bridge/internal/browser"
)

// recorder is a testing.TB that records a skip or a failure instead of acting
// on it, ending the goroutine as the real ones do.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// TestNewWithoutChromium: with no Chromium on PATH, New skips the test, or
// fails it when CI is set.
func TestNewWithoutChromium(t *testing.T) {
	tests := []struct {
		name       string
		ci         string
		wantSkip   bool
		wantInText string
	}{
		{name: "not in CI: skip", ci: "", wantSkip: true, wantInText: "skipping the browser test"},
		{name: "in CI: fail", ci: "1", wantInText: "CI is set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PATH", t.TempDir())
			t.Setenv("CI", tt.ci)
			rec := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				browser.New(rec)
			}()
			select {
			case <-done:
			case <-time.After(10 * time.Second):
				t.Fatal("New did not return within 10 s")
			}
			if tt.wantSkip {
				assert.Contains(t, rec.skipped, tt.wantInText)
				assert.Empty(t, rec.failed)
			} else {
				assert.Contains(t, rec.failed, tt.wantInText)
				assert.Empty(t, rec.skipped)
			}
			assert.Contains(t, rec.skipped+rec.failed, "no Chromium found on PATH")
		})
	}
}

// TestSelectorsAndScroll: ByLabel finds a field by its label's text, ByText a
// button by its text, and CheckNoHorizontalScroll tells a page that fits from
// one that does not.
func TestSelectorsAndScroll(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/fits", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><meta name="viewport" content="width=device-width">
<label for="a">  Name </label><input id="a"><label>Other <input id="b"></label>
<button>Save</button><p id="out"></p>`)
	})
	mux.HandleFunc("/wide", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><meta name="viewport" content="width=device-width"><div style="width:2000px">wide</div>`)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	ctx := browser.New(t)

	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(srv.URL+"/fits"),
		chromedp.SendKeys(browser.ByLabel("Name"), "ada"),
		chromedp.SendKeys(browser.ByLabel("Other"), "bob"),
		browser.CheckNoHorizontalScroll(),
	))
	for id, want := range map[string]string{"#a": "ada", "#b": "bob"} {
		got, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(id)))
		require.NoError(t, err)
		assert.Equal(t, want, got, id)
	}
	button, err := chromedp.Run(ctx, chromedp.Text(browser.ByText("Save")))
	require.NoError(t, err)
	assert.Equal(t, "Save", button)

	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/wide")))
	err = chromedp.Do(ctx, browser.CheckNoHorizontalScroll())
	require.ErrorIs(t, err, browser.ErrHorizontalScroll)
	assert.ErrorContains(t, err, "2")
}
