package main

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/contract"
)

// browserStepTimeout bounds each step of the browser test.
const browserStepTimeout = 20 * time.Second

// chromium returns the path of a Chromium or Chrome binary. Without one the
// test is skipped, or fails under CI=true, where a missing browser means a
// broken CI image.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "no Chromium found (looked for chromium, chromium-browser, google-chrome): install it with apt-get install chromium; .ci/run installs it"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// pageState is what the HTML page shows, read in the browser.
type pageState struct {
	Views string `json:"views"`
	User  string `json:"user"`
	Flash string `json:"flash"`
	Error string `json:"error"`
	URL   string `json:"url"`
}

const readPage = `(() => {
	const text = id => document.getElementById(id)?.textContent ?? "";
	return {views: text("views"), user: text("user"), flash: text("flash"), error: text("error"), url: text("url")};
})()`

// TestBrowser drives headless Chromium through the HTML page: log in with
// the form, count, reload, check the cookie is out of reach of scripts,
// leave a flash message and log out.
func TestBrowser(t *testing.T) {
	t.Parallel()
	execPath := chromium(t)

	url := contract.Serve(t, app)
	b := startBrowser(t, execPath, url)
	b.navigate("open the page", chromedp.Navigate(url))
	b.expect("a new visitor", pageState{Views: "0", URL: url})

	// A blank name passes the input's required attribute; the server
	// refuses it, and the page shows why.
	b.land("log in as a blank name", 400, "/api/login", chromedp.SetValue(chromedp.CSS(`input[name="user"]`), "   "), chromedp.Click(chromedp.ID("login")))
	b.expect("after a refused login", pageState{Views: "0", URL: url, Error: "user must be 1 to 256 bytes"})

	b.navigate("log in", chromedp.SetValue(chromedp.CSS(`input[name="user"]`), "alice"), chromedp.Click(chromedp.ID("login")))
	b.expect("after login", pageState{Views: "0", User: "alice", URL: url})
	b.navigate("count", chromedp.Click(chromedp.ID("count")))
	b.navigate("count again", chromedp.Click(chromedp.ID("count")))
	b.expect("after counting twice", pageState{Views: "2", User: "alice", URL: url})
	b.navigate("reload", chromedp.Reload())
	b.expect("after a reload", pageState{Views: "2", User: "alice", URL: url})

	ck := b.sessionCookie()
	if ck == nil {
		t.Fatalf("the browser holds no %q cookie after login", core.DefaultCookieName)
	}
	if !ck.HTTPOnly || ck.SameSite != network.CookieSameSiteLax {
		t.Errorf("session cookie: HttpOnly %v, SameSite %q; want HttpOnly, Lax", ck.HTTPOnly, ck.SameSite)
	}
	if js := b.eval("document.cookie"); strings.Contains(js, core.DefaultCookieName+"=") {
		t.Errorf("document.cookie = %q; the HttpOnly session cookie must not be visible to scripts", js)
	}

	b.navigate("leave a flash message", chromedp.SetValue(chromedp.CSS(`input[name="msg"]`), "<b>saved</b>"), chromedp.Click(chromedp.ID("send-flash")))
	b.expect("with a flash message", pageState{Views: "2", User: "alice", Flash: "<b>saved</b>", URL: url})
	if n := b.eval(`String(document.querySelectorAll("#flash b").length)`); n != "0" {
		t.Errorf("the flash message was rendered as HTML (%s <b> elements); want it escaped", n)
	}
	b.navigate("reload", chromedp.Reload())
	b.expect("after a reload, the flash message is gone", pageState{Views: "2", User: "alice", URL: url})

	b.navigate("log out", chromedp.Click(chromedp.ID("logout")))
	b.expect("after logout", pageState{Views: "0", URL: url})
	if ck := b.sessionCookie(); ck != nil {
		t.Errorf("the browser still holds session cookie %q after logout", ck.Value)
	}
	b.navigate("reload", chromedp.Reload())
	b.expect("after logout and a reload", pageState{Views: "0", URL: url})
}

// TestBrowserRevokesAnotherDevice drives two headless Chromiums, each
// with a profile of its own (its own cookies), as two devices of one
// user: the first lists both sessions on the page and revokes the
// other's, which is logged out at its next page load.
func TestBrowserRevokesAnotherDevice(t *testing.T) {
	t.Parallel()
	execPath := chromium(t)
	url := contract.Serve(t, app)
	laptop, phone := startBrowser(t, execPath, url), startBrowser(t, execPath, url)
	for _, b := range []*browser{laptop, phone} {
		b.navigate("open the page", chromedp.Navigate(url))
		b.navigate("log in", chromedp.SetValue(chromedp.CSS(`input[name="user"]`), "alice"), chromedp.Click(chromedp.ID("login")))
		b.expect("after login", pageState{Views: "0", User: "alice", URL: url})
	}
	laptop.navigate("reload", chromedp.Reload())
	if n := laptop.eval(`String(document.querySelectorAll("#sessions li.device").length)`); n != "2" {
		t.Fatalf("the page lists %s devices; want 2, one per browser", n)
	}
	if got := laptop.eval(`document.querySelector("#sessions li.device.current .this-device")?.textContent ?? ""`); got != "This device" {
		t.Errorf("the current device's marker reads %q; want %q", got, "This device")
	}
	laptop.navigate("revoke the other device", chromedp.Click(chromedp.CSS(`#sessions li.device:not(.current) button.revoke`)))
	if got := laptop.eval(`document.getElementById("flash")?.textContent ?? ""`); !strings.HasPrefix(got, "Signed out ") {
		t.Errorf("after revoking, the flash message reads %q; want one saying which device was signed out", got)
	}
	if n := laptop.eval(`String(document.querySelectorAll("#sessions li.device").length)`); n != "1" {
		t.Errorf("after revoking, the page lists %s devices; want 1", n)
	}
	phone.navigate("reload the revoked device", chromedp.Reload())
	phone.expect("the revoked device", pageState{Views: "0", URL: url})
	laptop.navigate("reload", chromedp.Reload())
	laptop.expect("the device that revoked", pageState{Views: "0", User: "alice", URL: url})
}

// startBrowser starts a headless Chromium with a profile of its own,
// stopped by t's cleanup, ready to run the steps against the app at url.
func startBrowser(t *testing.T, execPath, url string) *browser {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(execPath),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	t.Cleanup(cancelAlloc)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel) // before cancelAlloc

	// The first Do starts the browser, which lives as long as the context of
	// that call, so it gets no timeout; a timer bounds the start instead.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(ctx) }()
	select {
	case err := <-started:
		if err != nil {
			t.Fatalf("starting Chromium at %s: %v", execPath, err)
		}
	case <-time.After(time.Minute):
		cancel()
		t.Fatalf("Chromium at %s did not start within a minute", execPath)
	}
	return &browser{t: t, ctx: ctx, url: url}
}

// browser runs the steps of a browser test, each bounded by
// browserStepTimeout.
type browser struct {
	t   *testing.T
	ctx context.Context
	url string
}

func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, browserStepTimeout)
}

// navigate runs actions that load a page (a navigation, a reload or a
// form submission, whose redirect it follows) and checks that the browser
// lands on the example's page.
func (b *browser) navigate(name string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.land(name, 200, "/", actions...)
}

// land runs actions that load a page and checks that the browser lands on
// path with the status.
func (b *browser) land(name string, status int64, path string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.t.Fatalf("%s: %v", name, err)
	}
	if resp.Status != status || resp.URL != b.url+path {
		b.t.Fatalf("%s: landed on %s with status %d; want %s, %d", name, resp.URL, resp.Status, b.url+path, status)
	}
}

func (b *browser) expect(name string, want pageState) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[pageState](readPage))
	if err != nil {
		b.t.Fatalf("%s: reading the page: %v", name, err)
	}
	if got != want {
		b.t.Errorf("%s: page shows %+v; want %+v", name, got, want)
	}
}

func (b *browser) eval(expr string) string {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// sessionCookie returns the session cookie the browser holds for the page,
// or nil.
func (b *browser) sessionCookie() *network.Cookie {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.url + "/"}})
	if err != nil {
		b.t.Fatalf("reading the browser's cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == core.DefaultCookieName {
			return c
		}
	}
	return nil
}
