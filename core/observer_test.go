package core_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// eventLog is an Observer that records every event, in the short form
// line gives it, with the phase and the request whose context it came
// with.
type eventLog struct {
	mu      sync.Mutex
	records []observed
}

type observed struct {
	event   core.Event // zero for a phase's start or end
	line    string
	phase   core.Phase // the phase whose context it came with
	request string     // the marker requestKey holds in its context
}

type (
	phaseKey   struct{}
	requestKey struct{}
)

func phaseOf(ctx context.Context) core.Phase {
	p, _ := ctx.Value(phaseKey{}).(core.Phase)
	return p
}

func requestOf(ctx context.Context) string {
	r, _ := ctx.Value(requestKey{}).(string)
	return r
}

func (l *eventLog) Observe(ctx context.Context, e core.Event) {
	l.add(observed{event: e, line: short(e), phase: phaseOf(ctx), request: requestOf(ctx)})
}

func (l *eventLog) add(o observed) {
	l.mu.Lock()
	l.records = append(l.records, o)
	l.mu.Unlock()
}

// take returns the records so far and forgets them.
func (l *eventLog) take() []observed {
	l.mu.Lock()
	defer l.mu.Unlock()
	r := l.records
	l.records = nil
	return r
}

// lines renders records one a line; an event inside a phase is prefixed
// with the phase's name.
func lines(rs []observed) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		if r.phase != 0 && r.event.Kind != 0 {
			out = append(out, r.phase.String()+": "+r.line)
			continue
		}
		out = append(out, r.line)
	}
	return out
}

// events returns the events of rs, without the phases.
func events(rs []observed) []core.Event {
	var out []core.Event
	for _, r := range rs {
		if r.event.Kind != 0 {
			out = append(out, r.event)
		}
	}
	return out
}

// short renders what the tests compare of an event.
func short(e core.Event) string {
	switch e.Kind {
	case core.EventCookieRejected, core.EventExpired:
		return fmt.Sprintf("%v(%v)", e.Kind, e.Reason)
	case core.EventVerified:
		return fmt.Sprintf("%v(%d)", e.Kind, e.Secret)
	case core.EventTouched:
		return fmt.Sprintf("%v(%v)", e.Kind, e.Outcome)
	case core.EventStoreOp:
		return fmt.Sprintf("%v(%v %v)", e.Kind, e.Op, e.Outcome)
	}
	return e.Kind.String()
}

// phasedLog is an eventLog that also observes phases: StartPhase marks
// the context it returns with the phase.
type phasedLog struct{ *eventLog }

func (l phasedLog) StartPhase(ctx context.Context, p core.Phase) context.Context {
	l.add(observed{line: "start " + p.String(), phase: phaseOf(ctx), request: requestOf(ctx)})
	return context.WithValue(ctx, phaseKey{}, p)
}

func (l phasedLog) EndPhase(ctx context.Context, p core.Phase, err error) {
	line := "end " + p.String()
	if err != nil {
		line += " (error)"
	}
	l.add(observed{line: line, phase: phaseOf(ctx), request: requestOf(ctx)})
}

var user = core.Key[string]("user")

// observedApp is the app the event tests drive: each route one session
// operation. Every request's context is marked with "METHOD /path", as a
// tracing middleware would put the request's span there.
func observedApp(m *core.Manager) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /set/{v}", func(w http.ResponseWriter, r *http.Request) {
		keyK.Set(core.FromRequest(r), r.PathValue("v"))
		io.WriteString(w, "ok") // the commit runs here, and again after the handler
	})
	mux.HandleFunc("GET /get", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, keyK.Get(core.FromRequest(r)))
	})
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		s.Regenerate()
		user.Set(s, "ann")
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Destroy()
	})
	mux.HandleFunc("GET /none", func(w http.ResponseWriter, r *http.Request) {})
	mux.HandleFunc("GET /pop", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, keyK.Pop(core.FromRequest(r)))
	})
	mux.HandleFunc("GET /id", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, core.FromRequest(r).ID())
	})
	return marked(m.Handler(mux))
}

func marked(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestKey{}, r.Method+" "+r.URL.Path)))
	})
}

var site = &url.URL{Scheme: "http", Host: "example.com", Path: "/"}

// jarCookie returns the session cookie's value in c's jar, or "".
func jarCookie(c *http.Client) string {
	for _, ck := range c.Jar.Cookies(site) {
		if ck.Name == core.DefaultCookieName {
			return ck.Value
		}
	}
	return ""
}

func setJarCookie(c *http.Client, v string) {
	c.Jar.SetCookies(site, []*http.Cookie{{Name: core.DefaultCookieName, Value: v, Path: "/"}})
}

// resign signs the payload of token v with secret instead, as an older
// deployment whose secret is now second in Config.Secrets did.
func resign(t testing.TB, v string, secret []byte) string {
	t.Helper()
	raw := mustDecode(t, v)
	payload := raw[:len(raw)-sha256.Size]
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("sessionkit/v1\x00" + core.DefaultCookieName + "\x00"))
	mac.Write(payload)
	return base64.RawURLEncoding.EncodeToString(mac.Sum(append([]byte(nil), payload...)))
}

// step sends one request, "METHOD /path", and returns the response and
// its body.
func step(t testing.TB, c *http.Client, req string) (*http.Response, string) {
	t.Helper()
	method, path, _ := strings.Cut(req, " ")
	return fetch(t, c, method, path)
}

func TestObserverSeesLifecycleEvents(t *testing.T) {
	t.Parallel()
	loaded := []string{"verified(0)", "start load", "load: store_op(load ok)", "load: loaded", "end load"}
	tests := []struct {
		name   string
		before []string                            // requests whose events are not checked
		cookie func(t *testing.T, v string) string // rewrites the jar's cookie before req
		fail   []string                            // store methods that fail during req
		req    string
		status int
		want   []string
	}{
		{name: "new session", req: "POST /set/a", want: []string{
			"start commit", "commit: store_op(save ok)", "commit: created", "commit: saved", "end commit"}},
		{name: "read", before: []string{"POST /set/a"}, req: "GET /get", want: loaded},
		{name: "session not used", before: []string{"POST /set/a"}, req: "GET /none", want: []string{"verified(0)"}},
		{name: "no cookie, session not used", req: "GET /none", want: []string{}},
		{name: "modify", before: []string{"POST /set/a"}, req: "POST /set/b", want: append(slices.Clone(loaded),
			"start commit", "commit: store_op(patch ok)", "commit: saved", "end commit")},
		{name: "login with regenerate", before: []string{"POST /set/a"}, req: "POST /login", want: append(slices.Clone(loaded),
			"start commit", "commit: store_op(save ok)", "commit: store_op(delete ok)", "commit: regenerated", "commit: saved", "end commit")},
		{name: "login on a new session creates it", req: "POST /login", want: []string{
			"start commit", "commit: store_op(save ok)", "commit: created", "commit: saved", "end commit"}},
		{name: "logout", before: []string{"POST /set/a"}, req: "POST /logout", want: []string{
			"verified(0)", "start commit", "commit: store_op(delete ok)", "commit: destroyed", "end commit"}},
		{name: "logout without a session destroys nothing", req: "POST /logout", want: []string{}},
		{name: "forged cookie", before: []string{"POST /set/a"}, req: "GET /get",
			cookie: func(t *testing.T, v string) string { return flipChar(v, len(v)-3) },
			want:   []string{"cookie_rejected(bad_signature)"}},
		{name: "malformed cookie", req: "GET /get",
			cookie: func(*testing.T, string) string { return "not-a-token" },
			want:   []string{"cookie_rejected(malformed)"}},
		{name: "unknown ID", req: "GET /get",
			cookie: func(t *testing.T, _ string) string { return validToken(newID(t), time.Now(), time.Now()) },
			want:   []string{"verified(0)", "start load", "load: store_op(load not_found)", "load: cookie_rejected(unknown_id)", "end load"}},
		{name: "old-secret cookie", before: []string{"POST /set/a"}, req: "GET /get",
			cookie: func(t *testing.T, v string) string { return resign(t, v, secretB) },
			want:   append([]string{"verified(1)"}, loaded[1:]...)},
		{name: "store outage on load", before: []string{"POST /set/a"}, fail: []string{"Load"}, req: "GET /get", status: 500,
			want: []string{"verified(0)", "start load", "load: store_op(load error)", "end load (error)", "commit_failed"}},
		{name: "store outage on patch", before: []string{"POST /set/a"}, fail: []string{"Patch"}, req: "POST /set/b", status: 500,
			want: append(slices.Clone(loaded), "start commit", "commit: store_op(patch error)", "end commit (error)", "commit_failed")},
		{name: "store outage on a new session", fail: []string{"Save"}, req: "POST /set/a", status: 500,
			want: []string{"start commit", "commit: store_op(save error)", "end commit (error)", "commit_failed"}},
		{name: "store outage on logout", before: []string{"POST /set/a"}, fail: []string{"Delete"}, req: "POST /logout", status: 500,
			want: []string{"verified(0)", "start commit", "commit: store_op(delete error)", "end commit (error)", "commit_failed"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			log := &eventLog{}
			st := newFailingStore(t)
			m := newManager(t, core.Config{Store: st, Secrets: [][]byte{secretA, secretB}, Observer: phasedLog{log}})
			c := newClient(t, observedApp(m))
			for _, r := range tc.before {
				if resp, _ := step(t, c, r); resp.StatusCode != http.StatusOK {
					t.Fatalf("%s = %d; want 200", r, resp.StatusCode)
				}
			}
			if tc.cookie != nil {
				setJarCookie(c, tc.cookie(t, jarCookie(c)))
			}
			st.Fail(true, tc.fail...)
			log.take()
			resp, _ := step(t, c, tc.req)
			want := tc.status
			if want == 0 {
				want = http.StatusOK
			}
			if resp.StatusCode != want {
				t.Errorf("%s = %d; want %d", tc.req, resp.StatusCode, want)
			}
			got := log.take()
			if l := lines(got); !slices.Equal(l, tc.want) {
				t.Errorf("%s observed:\n\t%s\nwant:\n\t%s", tc.req, strings.Join(l, "\n\t"), strings.Join(tc.want, "\n\t"))
			}
			for _, r := range got {
				if r.request != tc.req {
					t.Errorf("%q came with the context of request %q; want %q's", r.line, r.request, tc.req)
				}
				if r.event.Store != "core_test.failingStore" && r.event.Kind != 0 {
					t.Errorf("%q: Store = %q; want core_test.failingStore", r.line, r.event.Store)
				}
			}
		})
	}
}

func TestObserverSeesStoreErrors(t *testing.T) {
	t.Parallel()
	log := &eventLog{}
	st := newFailingStore(t)
	m := newManager(t, core.Config{Store: st, Observer: log})
	c := newClient(t, observedApp(m))
	step(t, c, "POST /set/a")
	st.Fail(true, "Load")
	log.take()
	step(t, c, "GET /get")
	var failed []core.Event
	for _, e := range events(log.take()) {
		if e.Outcome == core.OutcomeError || e.Kind == core.EventCommitFailed {
			failed = append(failed, e)
		}
	}
	if len(failed) != 2 {
		t.Fatalf("failures observed: %v; want the load and the commit", failed)
	}
	if e := failed[0]; e.Op != core.StoreLoad || !errors.Is(e.Err, errBackend) {
		t.Errorf("store event = %+v; want a load whose Err is the store's error", e)
	}
	if e := failed[1]; !errors.Is(e.Err, core.ErrLoad) || !errors.Is(e.Err, errBackend) {
		t.Errorf("commit_failed Err = %v; want ErrLoad wrapping the store's error", e.Err)
	}
}

// slowStore takes lag for every Load, or until the context ends.
type slowStore struct {
	core.StoreWrapper
	lag time.Duration
}

func (s slowStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	select {
	case <-time.After(s.lag):
	case <-ctx.Done():
		return core.Record{}, false, ctx.Err()
	}
	return s.StoreWrapper.Load(ctx, key)
}

func TestObserverTimesStoreOperations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		lag     time.Duration
		timeout time.Duration
		want    time.Duration
		outcome core.Outcome
	}{
		{"within the timeout", 250 * time.Millisecond, time.Second, 250 * time.Millisecond, core.OutcomeOK},
		{"beyond the timeout", 3 * time.Second, time.Second, time.Second, core.OutcomeTimeout},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				log := &eventLog{}
				st := slowStore{core.WrapStore(newMeteredStore(t)), tc.lag}
				m := newManager(t, core.Config{Store: st, StoreTimeout: tc.timeout, Observer: log})
				c := newClient(t, observedApp(m))
				step(t, c, "POST /set/a")
				log.take()
				start := time.Now()
				step(t, c, "GET /get")
				var loads []core.Event
				for _, e := range events(log.take()) {
					if e.Kind == core.EventStoreOp {
						loads = append(loads, e)
					}
				}
				if len(loads) != 1 {
					t.Fatalf("store events %v; want one load", loads)
				}
				e := loads[0]
				if e.Op != core.StoreLoad || e.Outcome != tc.outcome || e.Duration != tc.want || !e.Start.Equal(start) {
					t.Errorf("load event: %v %v, started %v after the request, took %v; want load %v, at once, taking %v",
						e.Op, e.Outcome, e.Start.Sub(start), e.Duration, tc.outcome, tc.want)
				}
				if e.Store != "core_test.meteredStore" {
					t.Errorf("Store = %q; want the wrapped store's type, core_test.meteredStore, found through Unwrap", e.Store)
				}
			})
		})
	}
}

func TestObserverSeesIdleTouchesAndExpiry(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		cfg  core.Config
		wait time.Duration
		req  string
		want []string
	}{
		{"touch throttled", core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}, 30 * time.Second, "GET /none",
			[]string{"verified(0)", "touched(throttled)"}},
		{"touch throttled on read", core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}, 30 * time.Second, "GET /get",
			[]string{"verified(0)", "start load", "load: store_op(load ok)", "load: loaded", "end load", "touched(throttled)"}},
		{"touch written", core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}, 2 * time.Minute, "GET /none",
			[]string{"verified(0)", "start commit", "commit: store_op(touch ok)", "commit: touched(written)", "end commit"}},
		{"no touch to report after a write", core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}, 30 * time.Second, "POST /set/b",
			[]string{"verified(0)", "start load", "load: store_op(load ok)", "load: loaded", "end load", "start commit", "commit: store_op(patch ok)", "commit: saved", "end commit"}},
		{"no touches without idle expiry", core.Config{}, 2 * time.Minute, "GET /none", []string{"verified(0)"}},
		{"idle: the store has let the record go", core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}, 10*time.Minute + 30*time.Second, "GET /none",
			[]string{"verified(0)", "start commit", "commit: store_op(touch not_found)", "commit: cookie_rejected(expired)", "commit: expired(idle)", "end commit"}},
		{"idle: the store has let the record go, read", core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}, 10*time.Minute + 30*time.Second, "GET /get",
			[]string{"verified(0)", "start load", "load: store_op(load not_found)", "load: cookie_rejected(expired)", "load: expired(idle)", "end load"}},
		{"idle: the token says so", core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}, 11 * time.Minute, "GET /get",
			[]string{"cookie_rejected(expired)", "expired(idle)"}},
		{"absolute", core.Config{Lifetime: time.Hour}, time.Hour, "GET /get",
			[]string{"cookie_rejected(expired)", "expired(absolute)"}},
		{"absolute before idle", core.Config{Lifetime: time.Hour, IdleTimeout: 2 * time.Hour}, time.Hour, "GET /get",
			[]string{"cookie_rejected(expired)", "expired(absolute)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				log := &eventLog{}
				tc.cfg.Store, tc.cfg.Observer = newMeteredStore(t), phasedLog{log}
				// A browser-session cookie: the jar keeps sending it
				// whatever the session's deadline, as a browser does until
				// it closes.
				tc.cfg.Cookie.SessionOnly = true
				m := newManager(t, tc.cfg)
				c := newClient(t, observedApp(m))
				step(t, c, "POST /set/a")
				time.Sleep(tc.wait)
				log.take()
				step(t, c, tc.req)
				if got := lines(log.take()); !slices.Equal(got, tc.want) {
					t.Errorf("%s after %v observed:\n\t%s\nwant:\n\t%s", tc.req, tc.wait, strings.Join(got, "\n\t"), strings.Join(tc.want, "\n\t"))
				}
			})
		})
	}
}

// phaseStore records the phase whose context each store call gets.
type phaseStore struct {
	core.StoreWrapper
	mu    sync.Mutex
	calls []string
}

func (s *phaseStore) note(ctx context.Context, op string) {
	s.mu.Lock()
	s.calls = append(s.calls, fmt.Sprintf("%s under %v, request %q", op, phaseOf(ctx), requestOf(ctx)))
	s.mu.Unlock()
}

func (s *phaseStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	s.note(ctx, "load")
	return s.StoreWrapper.Load(ctx, key)
}

func (s *phaseStore) Save(ctx context.Context, key string, rec core.Record) error {
	s.note(ctx, "save")
	return s.StoreWrapper.Save(ctx, key, rec)
}

func (s *phaseStore) Delete(ctx context.Context, key string) error {
	s.note(ctx, "delete")
	return s.StoreWrapper.Delete(ctx, key)
}

func (s *phaseStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	s.note(ctx, "patch")
	return s.StoreWrapper.Patch(ctx, key, p)
}

func TestStoreCallsRunUnderThePhaseContext(t *testing.T) {
	t.Parallel()
	st := &phaseStore{StoreWrapper: core.WrapStore(newMeteredStore(t))}
	m := newManager(t, core.Config{Store: st, Observer: phasedLog{&eventLog{}}})
	c := newClient(t, observedApp(m))
	step(t, c, "POST /set/a")
	step(t, c, "POST /set/b")
	step(t, c, "POST /login")
	want := []string{
		`save under commit, request "POST /set/a"`,
		`load under load, request "POST /set/b"`, `patch under commit, request "POST /set/b"`,
		`load under load, request "POST /login"`, `save under commit, request "POST /login"`, `delete under commit, request "POST /login"`,
	}
	if !slices.Equal(st.calls, want) {
		t.Errorf("store calls:\n\t%s\nwant:\n\t%s", strings.Join(st.calls, "\n\t"), strings.Join(want, "\n\t"))
	}
}

func TestObserverFuncGetsEventsWithoutPhases(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var got []string
	obs := core.ObserverFunc(func(ctx context.Context, e core.Event) {
		mu.Lock()
		got = append(got, short(e))
		mu.Unlock()
	})
	m := newManager(t, core.Config{Observer: obs})
	c := newClient(t, observedApp(m))
	step(t, c, "POST /set/a")
	step(t, c, "GET /get")
	step(t, c, "GET /pop") // the memory store pops natively
	want := []string{"store_op(save ok)", "created", "saved", "verified(0)", "store_op(load ok)", "loaded",
		"verified(0)", "store_op(load ok)", "loaded", "store_op(pop ok)"}
	if !slices.Equal(got, want) {
		t.Errorf("observed %q; want %q", got, want)
	}
}

func TestSavedEventReportsSessionSize(t *testing.T) {
	t.Parallel()
	log := &eventLog{}
	m := newManager(t, core.Config{Observer: log})
	c := newClient(t, observedApp(m))
	var sizes []int
	for _, r := range []string{"POST /set/abc", "POST /set/abcdef", "POST /login"} {
		step(t, c, r)
		for _, e := range events(log.take()) {
			if e.Kind == core.EventSaved {
				sizes = append(sizes, e.Size)
			}
		}
	}
	// k + "abc" with its quotes; then "abcdef"; then user + "ann" too.
	want := []int{1 + 5, 1 + 8, 1 + 8 + 4 + 5}
	if !slices.Equal(sizes, want) {
		t.Errorf("saved sizes = %v; want %v", sizes, want)
	}
}

// TestEventsCarryNoSecrets runs a real sequence of requests, rotation,
// forgery, outage and logout included, and checks that no field of any
// event holds a session ID, a token, a store key or a secret.
func TestEventsCarryNoSecrets(t *testing.T) {
	t.Parallel()
	log := &eventLog{}
	st := newFailingStore(t)
	old := newManager(t, core.Config{Store: st, Observer: phasedLog{log}, IdleTimeout: time.Hour})
	rotated := newManager(t, core.Config{Store: st, Secrets: [][]byte{secretB, secretA}, Observer: phasedLog{log}, IdleTimeout: time.Hour})
	c := newClient(t, observedApp(old))
	var ids, tokens []string
	run := func(reqs ...string) {
		for _, r := range reqs {
			_, b := step(t, c, r)
			if r == "GET /id" {
				ids = append(ids, b)
			}
			if v := jarCookie(c); v != "" {
				tokens = append(tokens, v)
			}
		}
	}
	run("POST /set/a", "GET /id", "GET /get", "POST /login", "GET /id")
	c.Transport = inProcess{observedApp(rotated)}
	run("GET /get", "POST /set/b", "GET /id")
	setJarCookie(c, flipChar(jarCookie(c), 50))
	run("GET /get")
	setJarCookie(c, tokens[len(tokens)-2])
	st.Fail(true, "Patch")
	run("POST /set/c")
	st.Fail(false, "Patch")
	run("POST /logout")

	private := append(slices.Clone(tokens), string(secretA), string(secretB))
	for _, id := range ids {
		if id != "" {
			private = append(private, id, old.StoreKey(id), rotated.StoreKey(id))
		}
	}
	if len(ids) < 3 || len(tokens) < 3 {
		t.Fatalf("captured %d IDs and %d tokens; the sequence did not run", len(ids), len(tokens))
	}
	evs := events(log.take())
	if len(evs) < 20 {
		t.Fatalf("only %d events observed; the sequence did not run", len(evs))
	}
	for _, e := range evs {
		for _, field := range eventFields(e) {
			for _, p := range private {
				if strings.Contains(field, p) {
					t.Errorf("event %+v carries a session ID, token, store key or secret: %q", e, p)
				}
			}
		}
	}
}

// eventFields renders every field of e, the error's chain included.
func eventFields(e core.Event) []string {
	out := []string{e.Kind.String(), e.Reason.String(), fmt.Sprint(e.Secret), e.Op.String(), e.Outcome.String(),
		e.Start.String(), e.Duration.String(), fmt.Sprint(e.Size), e.Store, fmt.Sprintf("%+v", e)}
	for err := e.Err; err != nil; err = errors.Unwrap(err) {
		out = append(out, err.Error(), fmt.Sprintf("%#v", err))
	}
	return out
}

func TestEventEnumsHaveStableNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		got, want string
	}{
		{core.EventCreated.String(), "created"},
		{core.EventLoaded.String(), "loaded"},
		{core.EventRegenerated.String(), "regenerated"},
		{core.EventDestroyed.String(), "destroyed"},
		{core.EventExpired.String(), "expired"},
		{core.EventCookieRejected.String(), "cookie_rejected"},
		{core.EventVerified.String(), "verified"},
		{core.EventTouched.String(), "touched"},
		{core.EventSaved.String(), "saved"},
		{core.EventStoreOp.String(), "store_op"},
		{core.EventCommitFailed.String(), "commit_failed"},
		{core.EventRevoked.String(), "revoked"},
		{core.EventKind(0).String(), "EventKind(0)"},
		{core.EventKind(200).String(), "EventKind(200)"},
		{core.ReasonMalformed.String(), "malformed"},
		{core.ReasonBadSignature.String(), "bad_signature"},
		{core.ReasonExpired.String(), "expired"},
		{core.ReasonUnknownID.String(), "unknown_id"},
		{core.ReasonIdle.String(), "idle"},
		{core.ReasonAbsolute.String(), "absolute"},
		{core.ReasonRevoked.String(), "revoked"},
		{core.ReasonEvicted.String(), "evicted"},
		{core.Reason(0).String(), "Reason(0)"},
		{core.StoreLoad.String(), "load"},
		{core.StoreSave.String(), "save"},
		{core.StoreDelete.String(), "delete"},
		{core.StorePatch.String(), "patch"},
		{core.StoreTouch.String(), "touch"},
		{core.StorePop.String(), "pop"},
		{core.StoreOwned.String(), "owned"},
		{core.StoreOp(8).String(), "StoreOp(8)"},
		{core.OutcomeOK.String(), "ok"},
		{core.OutcomeNotFound.String(), "not_found"},
		{core.OutcomeError.String(), "error"},
		{core.OutcomeTimeout.String(), "timeout"},
		{core.OutcomeWritten.String(), "written"},
		{core.OutcomeThrottled.String(), "throttled"},
		{core.Outcome(0).String(), "Outcome(0)"},
		{core.PhaseLoad.String(), "load"},
		{core.PhaseCommit.String(), "commit"},
		{core.Phase(3).String(), "Phase(3)"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("String() = %q; want %q", tc.got, tc.want)
		}
	}
}
