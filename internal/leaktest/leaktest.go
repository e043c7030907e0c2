// Package leaktest checks that nothing private escapes a sessionkit app,
// whatever fails. Store error text, session IDs, store keys, cookies and
// secrets never appear in a response, beyond the session's own Set-Cookie
// and, for an API client that uses the token header, that header; and session
// IDs, cookies, secrets and a store's credentials never appear in a log
// line, of the manager's Config.Logger or of the framework's request log.
// Store error text does reach the log: it is what the operator needs.
//
// Run drives every scenario (a healthy session's whole life, and each
// store method failing in turn) under every adapter given (Apps by default) and every
// client (a browser, an API client using the token header, and a browser
// whose page script adds that header) against one backend. A store package runs it with its live
// store and a broken one that fails for real, a client pointed at a closed
// port for example:
//
//	leaktest.Run(t, leaktest.Backend{Name: "redis", Live: live, Broken: down, FailureText: addr})
package leaktest

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Backend is the store under test.
type Backend struct {
	Name string
	// Live is the working store. Every scenario makes sessions of its
	// own, so one Live store serves them all.
	Live core.Store
	// Broken is a store of the same kind, with at least Live's
	// capabilities, whose every call fails the way that store really
	// fails: a client pointed at a closed port, say, or Failing{}.
	// Scenarios send the calls they make fail to it.
	Broken core.Store
	// FailureText is text every error of Broken carries, such as the
	// closed port's address: each failure's log record must carry it,
	// which shows the failure was real, and no response may.
	FailureText string
	// Private are further strings that neither a response nor a log line
	// may carry, such as the store's password.
	Private []string
}

// step is one request.
type step struct{ method, path string }

func (s step) String() string { return s.method + " " + s.path }

// scenario is a session's history (setup, with the store healthy), then
// one request during which the methods in fail fail.
type scenario struct {
	name   string
	setup  []step
	idle   bool // let the TouchInterval pass before the step
	fail   Op
	step   step
	status int
	// logged is what the error of the step's one "sessionkit: session
	// error" record wraps; nil means there is no such record.
	logged error
	// warned means the step logs one "sessionkit: idle touch failed"
	// warning instead: a throttled touch is best effort.
	warned bool
}

var (
	setK  = step{http.MethodPost, "/set/k/v"}
	getK  = step{http.MethodGet, "/get/k"}
	login = step{http.MethodPost, "/login/alice"}
	flash = step{http.MethodPost, "/flash/hello"}
)

var scenarios = []scenario{
	{name: "Healthy", setup: []step{setK, getK, login, {http.MethodPost, "/touch"}, flash, {http.MethodGet, "/flash"}},
		step: step{http.MethodPost, "/logout"}, status: http.StatusOK},
	{name: "LoadFails", setup: []step{setK}, fail: OpLoad, step: getK, status: http.StatusInternalServerError, logged: core.ErrLoad},
	{name: "NewSessionSaveFails", fail: OpSave, step: setK, status: http.StatusInternalServerError, logged: core.ErrSave},
	{name: "PatchFails", setup: []step{setK}, fail: OpPatch | OpSave, step: step{http.MethodPost, "/set/k/w"},
		status: http.StatusInternalServerError, logged: core.ErrSave},
	{name: "LoginSaveFails", setup: []step{setK}, fail: OpSave, step: login, status: http.StatusInternalServerError, logged: core.ErrSave},
	{name: "LogoutDeleteFails", setup: []step{setK}, fail: OpDelete, step: step{http.MethodPost, "/logout"},
		status: http.StatusInternalServerError, logged: core.ErrSave},
	{name: "ExplicitTouchFails", setup: []step{setK}, fail: OpTouch | OpSave, step: step{http.MethodPost, "/touch"},
		status: http.StatusInternalServerError, logged: core.ErrSave},
	{name: "IdleTouchFails", setup: []step{setK}, idle: true, fail: OpTouch | OpSave, step: getK, status: http.StatusOK, warned: true},
	{name: "FlashPopFails", setup: []step{flash}, fail: OpPop | OpPatch | OpSave, step: step{http.MethodGet, "/flash"},
		status: http.StatusInternalServerError, logged: core.ErrSave},
	{name: "ValueTooLarge", setup: []step{setK}, step: step{http.MethodPost, "/big"},
		status: http.StatusInternalServerError, logged: core.ErrTooLarge},
}

// Run runs every scenario under every app and every transport against b,
// in parallel subtests named app/transport/scenario. With no apps given it
// uses Apps.
func Run(t *testing.T, b Backend, apps ...App) {
	if len(apps) == 0 {
		apps = Apps
	}
	for _, app := range apps {
		for _, tr := range []Transport{Cookies, Header, Script} {
			for _, sc := range scenarios {
				t.Run(app.Name+"/"+tr.String()+"/"+sc.name, func(t *testing.T) {
					t.Parallel()
					for _, finding := range runScenario(b, app, tr, sc) {
						t.Error(finding)
					}
				})
			}
		}
	}
}

// ids is an IDGenerator that draws 256 random bits, as core's default
// does, and remembers every ID.
type ids struct {
	mu   sync.Mutex
	list []string
}

func (g *ids) next(*http.Request) (string, error) {
	b := make([]byte, 32)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	g.mu.Lock()
	g.list = append(g.list, id)
	g.mu.Unlock()
	return id, nil
}

func (g *ids) all() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.list...)
}

// touchInterval is short, so an idle touch is due after a few
// milliseconds.
const touchInterval = time.Millisecond

// runScenario runs sc and returns what went wrong.
func runScenario(b Backend, app App, tr Transport, sc scenario) []string {
	secret := make([]byte, 32)
	rand.Read(secret)
	logs, gen, sp := &Logs{}, &ids{}, newSplice(b)
	m, err := core.New(core.Config{
		Secrets:       [][]byte{secret},
		Store:         sp,
		Header:        TokenHeader,
		IdleTimeout:   time.Hour,
		TouchInterval: touchInterval,
		StoreTimeout:  5 * time.Second,
		IDGenerator:   gen.next,
		Logger:        logs.Logger(),
		ErrorHandler:  app.ErrorHandler,
	})
	if err != nil {
		return []string{fmt.Sprintf("core.New: %v", err)}
	}
	defer m.Close()
	c := &client{h: app.New(m, logs), transport: tr, cookie: core.DefaultCookieName}
	var findings []string
	for _, st := range sc.setup {
		if r := c.do(st.method, st.path); r.status != http.StatusOK {
			findings = append(findings, fmt.Sprintf("setup %v = %d %q; want 200", st, r.status, r.body))
		}
	}
	if len(sc.setup) > 0 && c.token == "" {
		findings = append(findings, "no session token after the setup; the step would test nothing")
	}
	if sc.idle {
		// Tokens record their last touch to the millisecond: sleeping a
		// few TouchIntervals makes the next request's touch due.
		time.Sleep(3 * touchInterval)
	}
	before := len(logs.Records())
	sp.fail(sc.fail)
	r := c.do(sc.step.method, sc.step.path)
	sp.fail(0)
	if r.status != sc.status {
		findings = append(findings, fmt.Sprintf("%v with %s failing = %d %q; want %d", sc.step, opNames(sc.fail), r.status, r.body, sc.status))
	}
	findings = append(findings, checkLogged(sc, logs.Records()[before:], b.FailureText)...)
	findings = append(findings, checkUnexpected(logs.Records()[:before], "setup")...)
	p := privates{secret: secret, ids: gen.all(), tokens: c.tokens, extra: b.Private}
	findings = append(findings, checkLogs(logs, p)...)
	return append(findings, checkResponses(c.responses, tr, p, m, errorTexts(logs.Records(), b.FailureText))...)
}

// The messages core logs.
const (
	sessionErrorMsg = "sessionkit: session error"
	touchFailedMsg  = "sessionkit: idle touch failed"
)

// checkLogged checks the records of the step: the one session error or
// idle-touch warning the scenario expects, carrying the store's real
// failure, and nothing else at Warn or above.
func checkLogged(sc scenario, recs []Entry, failureText string) []string {
	var findings []string
	var errs, warns, rest []Entry
	for _, e := range recs {
		switch {
		case e.Message == sessionErrorMsg:
			errs = append(errs, e)
		case e.Message == touchFailedMsg:
			warns = append(warns, e)
		default:
			rest = append(rest, e)
		}
	}
	expect := func(what string, got []Entry, want bool, wraps error) {
		n := 0
		if want {
			n = 1
		}
		if len(got) != n {
			findings = append(findings, fmt.Sprintf("%v logged %d %q records; want %d: %q", sc.step, len(got), what, n, texts(got)))
			return
		}
		if !want {
			return
		}
		if wraps != nil && (len(got[0].Errors) == 0 || !errors.Is(got[0].Errors[0], wraps)) {
			findings = append(findings, fmt.Sprintf("%v logged %q; want its error to wrap %v", sc.step, got[0].Text, wraps))
		}
		if sc.fail != 0 && failureText != "" && containsAny(got[0].Text, failureText) == "" {
			findings = append(findings, fmt.Sprintf("%v logged %q; want the store's own error, which carries %q", sc.step, got[0].Text, failureText))
		}
	}
	expect(sessionErrorMsg, errs, sc.logged != nil, sc.logged)
	expect(touchFailedMsg, warns, sc.warned, nil)
	return append(findings, checkUnexpected(rest, sc.step.String())...)
}

// checkUnexpected reports records at Warn or above.
func checkUnexpected(recs []Entry, when string) []string {
	var findings []string
	for _, e := range recs {
		if e.Level >= slog.LevelWarn {
			findings = append(findings, fmt.Sprintf("%s logged %q at %v; want nothing at Warn or above", when, e.Text, e.Level))
		}
	}
	return findings
}

func texts(es []Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Text)
	}
	return out
}

func opNames(o Op) string {
	if o == 0 {
		return "nothing"
	}
	var s string
	for i, n := range []string{"Load", "Save", "Delete", "Patch", "Touch", "Pop"} {
		if o&(1<<i) != 0 {
			if s != "" {
				s += "|"
			}
			s += n
		}
	}
	return s
}
