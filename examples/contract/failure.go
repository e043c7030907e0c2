package contract

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
)

// outage is a server over a store that is about to fail, with one client
// holding a session from before the outage.
type outage struct {
	srv   *server
	store *FailingStore
	c     *client
}

// startOutage starts a server whose store works until its mode is set,
// with the manager logging to logger (nil: discarded) and the settings
// env, and gives its client a session, logged in as alice.
func startOutage(t *testing.T, app App, logger *slog.Logger, env map[string]string) *outage {
	st := NewFailingStore(t)
	srv := start(t, app, setup{store: st, logger: logger, env: env})
	c := srv.client(t)
	step{req: post("/api/views"), status: 200, json: `{"views": 1}`, cookie: setsCookie}.run(t, c)
	step{req: post("/api/login", "user", "alice"), status: 200, cookie: setsCookie}.run(t, c)
	return &outage{srv: srv, store: st, c: c}
}

// clientStep is a step and the client that sends it.
type clientStep struct {
	c *client
	step
}

// failing returns the exchanges that fail while the store does, each
// answered with 500: every route for the client with a session, and the
// routes that save a new session for a fresh client, whose failure comes at
// commit.
func (o *outage) failing(t *testing.T) []clientStep {
	fresh := o.srv.client(t)
	var steps []clientStep
	for _, tt := range []struct {
		c   *client
		req request
	}{
		{o.c, get("/api/views")},
		{o.c, post("/api/views")},
		{o.c, get("/api/me")},
		{o.c, post("/api/login", "user", "alice")},
		{o.c, post("/api/flash", "msg", "hi")},
		{o.c, get("/api/flash")},
		{o.c, put("/api/kv/color", "blue")},
		{o.c, get("/api/kv/color")},
		{o.c, get("/api/kv")},
		{o.c, get("/api/sessions")},
		{o.c, send(http.MethodDelete, "/api/sessions/some-handle")},
		{o.c, post("/api/sessions/revoke-others")},
		{o.c, post("/api/logout")},
		{fresh, post("/api/views")},
		{fresh, put("/api/kv/color", "blue")},
	} {
		steps = append(steps, clientStep{tt.c, step{req: tt.req, status: 500, errMsg: msgInternal, cookie: noCookie}})
	}
	// The page, and form posts from it, answer with the page's error
	// state instead of JSON.
	for _, tt := range []struct {
		c   *client
		req request
	}{
		{o.c, get("/")},
		{o.c, submit("/api/views")},
		{o.c, submit("/api/logout")},
		{o.c, submit("/sessions/revoke", "id", "some-handle")},
		{o.c, submit("/sessions/revoke-others")},
		{fresh, submit("/api/login", "user", "alice")},
	} {
		steps = append(steps, clientStep{tt.c, step{req: tt.req, status: 500, page: failedPage, cookie: noCookie}})
	}
	return steps
}

// failingOwned returns the exchanges that fail while only the store's
// owner index does, for the logged-in client: the routes that list or
// revoke the user's sessions, and the page, which lists them.
func (o *outage) failingOwned() []clientStep {
	return []clientStep{
		{o.c, step{req: get("/api/sessions"), status: 500, errMsg: msgInternal, cookie: noCookie}},
		{o.c, step{req: send(http.MethodDelete, "/api/sessions/some-handle"), status: 500, errMsg: msgInternal, cookie: noCookie}},
		{o.c, step{req: post("/api/sessions/revoke-others"), status: 500, errMsg: msgInternal, cookie: noCookie}},
		{o.c, step{req: get("/"), status: 500, page: failedPage, cookie: noCookie}},
		{o.c, step{req: submit("/sessions/revoke", "id", "some-handle"), status: 500, page: failedPage, cookie: noCookie}},
		{o.c, step{req: submit("/sessions/revoke-others"), status: 500, page: failedPage, cookie: noCookie}},
	}
}

// failedPage is the page's error state after a failure.
var failedPage = &page{failed: true, error: msgInternal}

// panicking returns the exchanges that meet a panicking store, for the
// client with a session: each is answered with the generic 500 (the
// page's error state for a form post from the page), and no cookie.
func (o *outage) panicking() []clientStep {
	return []clientStep{
		{o.c, step{req: get("/api/views"), status: 500, errMsg: msgInternal, cookie: noCookie}},
		{o.c, step{req: put("/api/kv/color", "blue"), status: 500, errMsg: msgInternal, cookie: noCookie}},
		{o.c, step{req: submit("/api/views"), status: 500, page: failedPage, cookie: noCookie}},
	}
}

// restore ends the outage and checks the session survived it.
func (o *outage) restore(t *testing.T) {
	o.store.Set(Working)
	step{req: get("/api/views"), status: 200, json: `{"views": 1}`}.run(t, o.c)
}

// testStoreFailure: while the store fails, every route answers 500 with a
// generic message (JSON for the API), sets no cookie and leaks nothing of
// the store's error; the session survives the outage.
func testStoreFailure(t *testing.T, app App) {
	o := startOutage(t, app, nil, nil)
	o.store.Set(Failing)
	for _, s := range o.failing(t) {
		s.run(t, s.c)
	}
	o.restore(t)
}

// testOwnedFailure: while only the store's owner index fails, listing or
// revoking the user's sessions and the page that lists them answer the
// generic 500 and leak nothing of the store's error. A login under
// SESSION_MAX_PER_USER still succeeds, over the cap (its eviction failed),
// and the next login once the index works applies the cap again.
func testOwnedFailure(t *testing.T, app App) {
	o := startOutage(t, app, nil, map[string]string{"SESSION_MAX_PER_USER": "2"})
	o.store.Set(FailingOwned)
	for _, s := range o.failingOwned() {
		s.run(t, s.c)
	}
	late := []*client{o.srv.client(t), o.srv.client(t)}
	for _, c := range late {
		step{req: post("/api/login", "user", "alice"), status: 200, json: `{"user": "alice"}`, cookie: setsCookie}.run(t, c)
	}
	o.restore(t)
	step{req: get("/api/me"), status: 200, json: `{"user": "alice"}`}.run(t, o.c)
	if got := listSessions(t, o.c); len(got) != 3 {
		t.Errorf("GET /api/sessions after the outage lists %d sessions; want 3, one over the cap", len(got))
	}
	next := o.srv.client(t)
	step{req: post("/api/login", "user", "alice"), status: 200, cookie: setsCookie}.run(t, next)
	for _, tt := range []struct {
		name   string
		c      *client
		status int
	}{{"the first", o.c, 401}, {"the second", late[0], 401}, {"the third", late[1], 200}, {"the newest", next, 200}} {
		got := tt.c.do(get("/api/me"))
		if got.status != tt.status {
			t.Errorf("GET /api/me of %s login after the cap applied again = %d; want %d", tt.name, got.status, tt.status)
		}
	}
}

// testPanic: a handler that panics (here, in the store it calls) is
// answered with the generic 500, as JSON or the page's error state; the
// session is not committed, and survives.
func testPanic(t *testing.T, app App) {
	o := startOutage(t, app, nil, nil)
	o.store.Set(Panicking)
	for _, s := range o.panicking() {
		s.run(t, s.c)
	}
	o.restore(t)
}

// LogsEachFailureOnce checks that app logs every failed request of a
// store outage exactly once, at level Error and with the store's error,
// whether the session middleware reports the failure or a handler answers
// for it itself, and every panic once too; and that it logs nothing for
// requests that succeed. Records of both the manager's logger and slog's default logger
// (which the example apps log their own errors to) are counted.
//
// It replaces slog's default logger while it runs, so it must not run in
// parallel with other tests: call it from a test that does not call
// t.Parallel.
func LogsEachFailureOnce(t *testing.T, app App) {
	rec := &recorder{}
	logger := slog.New(rec)
	prev, prevOut, prevFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(logger)
	t.Cleanup(func() {
		slog.SetDefault(prev)
		log.SetOutput(prevOut) // SetDefault redirected the log package too
		log.SetFlags(prevFlags)
	})

	o := startOutage(t, app, logger, nil)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a working request logged %d records %v; want none", len(got), got)
	}
	for _, phase := range []struct {
		name  string
		mode  Mode
		steps []clientStep
	}{
		{"a store outage", Failing, o.failing(t)},
		{"a store panic", Panicking, o.panicking()},
		{"an owner index outage", FailingOwned, o.failingOwned()},
	} {
		o.store.Set(phase.mode)
		for _, s := range phase.steps {
			s.run(t, s.c)
			got := rec.take()
			if len(got) != 1 || got[0].level != slog.LevelError || !strings.Contains(got[0].error, storeDetail) {
				t.Errorf("%v during %s logged %d records %v; want 1 at level ERROR with the store's error", s.req, phase.name, len(got), got)
			}
		}
	}
	o.restore(t)
	if got := rec.take(); len(got) != 0 {
		t.Errorf("a request after the outage logged %d records %v; want none", len(got), got)
	}
}

// record is one log record, as LogsEachFailureOnce checks it.
type record struct {
	level   slog.Level
	message string
	error   string // the value of the record's error attribute
}

func (r record) String() string { return fmt.Sprintf("{%v %q error=%q}", r.level, r.message, r.error) }

// recorder is a slog.Handler that keeps the records it handles.
type recorder struct {
	mu      sync.Mutex
	records []record
}

func (*recorder) Enabled(context.Context, slog.Level) bool { return true }

func (h *recorder) Handle(_ context.Context, r slog.Record) error {
	rec := record{level: r.Level, message: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "error" {
			rec.error = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, rec)
	h.mu.Unlock()
	return nil
}

func (h *recorder) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recorder) WithGroup(string) slog.Handler      { return h }

// take returns the records handled since the last call.
func (h *recorder) take() []record {
	h.mu.Lock()
	defer h.mu.Unlock()
	got := h.records
	h.records = nil
	return got
}
