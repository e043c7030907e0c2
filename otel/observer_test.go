package sessionotel_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"

	"github.com/sessionkit/sessionkit/core"
	sessionotel "github.com/sessionkit/sessionkit/otel"
)

var (
	keyOperation = attribute.Key("sessionkit.store.operation")
	keyOutcome   = attribute.Key("sessionkit.outcome")
	keyReason    = attribute.Key("sessionkit.reason")
	keySecret    = attribute.Key("sessionkit.secret.index")
	keyStoreKind = attribute.Key("sessionkit.store.kind")
)

// env is one scenario's world: telemetry and the adapter under test.
type env struct {
	t  *testing.T
	tm *telemetry
	ad adapter
}

// start returns a manager on cfg observed by a new Observer (unless cfg
// has one), and a client of its app under a request span.
func (e env) start(cfg core.Config, opts ...sessionotel.Option) (*core.Manager, *client) {
	e.t.Helper()
	if cfg.Observer == nil {
		cfg.Observer = e.tm.observer(opts...)
	}
	m := newManager(e.t, cfg)
	return m, newClient(e.t, traced(e.tm.tp, e.ad.app(m)))
}

func (e env) want(what string, got, want any) {
	e.t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		e.t.Errorf("%s = %v; want %v", what, got, want)
	}
}

// TestRequestSequences drives real request sequences over each adapter
// and checks the spans and metrics they leave.
func TestRequestSequences(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(e env)
	}{
		{"forged cookie", forgedCookie},
		{"login with regenerate", loginWithRegenerate},
		{"store outage on load", outageOnLoad},
		{"store outage on save", outageOnSave},
		{"old-secret cookie", oldSecretCookie},
		{"logout", logout},
		{"idle touches and expiry", idleTouchesAndExpiry},
		{"active sessions", activeSessions},
		{"filter", filtered},
		{"revoke others", revokeOthers},
	}
	for _, ad := range adapters {
		for _, sc := range scenarios {
			t.Run(ad.name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				synctest.Test(t, func(t *testing.T) {
					sc.run(env{t: t, tm: newTelemetry(t), ad: ad})
				})
			})
		}
	}
}

func revokeOthers(e env) {
	m, c := e.start(core.Config{})
	for range 2 {
		_, other := e.start(core.Config{Store: m.Store(), Observer: noObserver{}})
		other.do("POST /bind/ann")
	}
	c.do("POST /bind/ann")
	if status, body := c.do("POST /revoke-others"); body != "2" {
		e.t.Fatalf("POST /revoke-others = %d %q; want 2", status, body)
	}
	rm := e.tm.collect(e.t)
	e.want("sessions.revoked{revoked}", count(e.t, rm, "sessionkit.sessions.revoked", keyReason.String("revoked")), 2)
	e.want("store.duration{owned, ok}", count(e.t, rm, "sessionkit.store.duration", keyOperation.String("owned"), keyOutcome.String("ok")), 1)
	spans := e.tm.spans.Ended()
	req := requestSpan(e.t, spans, "POST /revoke-others")
	e.want("POST /revoke-others's span events", eventNames(req), []string{"session.verified", "session.revoked", "session.revoked"})
	e.want("its reason", eventAttr(req, "session.revoked", keyReason).Emit(), "revoked")
}

// noObserver observes nothing, for the other devices of a scenario.
type noObserver struct{}

func (noObserver) Observe(context.Context, core.Event) {}

func forgedCookie(e env) {
	_, c := e.start(core.Config{})
	c.do("POST /set/a")
	c.setCookie(forge(c.cookie()))
	status, body := c.do("GET /get")
	e.want("GET /get with a forged cookie", fmt.Sprint(status, " ", body), "200 ")
	rm := e.tm.collect(e.t)
	e.want("cookies.rejected{bad_signature}", count(e.t, rm, "sessionkit.cookies.rejected", keyReason.String("bad_signature")), 1)
	e.want("cookies.rejected", count(e.t, rm, "sessionkit.cookies.rejected"), 1)
	e.want("secret.verified", count(e.t, rm, "sessionkit.secret.verified"), 0)
	spans := e.tm.spans.Ended()
	req := requestSpan(e.t, spans, "GET /get")
	e.want("spans under GET /get", names(children(spans, req)), []string{})
	e.want("GET /get's span events", eventNames(req), []string{"session.cookie_rejected"})
	e.want("its reason", eventAttr(req, "session.cookie_rejected", keyReason).Emit(), "bad_signature")
}

func loginWithRegenerate(e env) {
	_, c := e.start(core.Config{})
	c.do("POST /set/a")
	if status, _ := c.do("POST /login"); status != http.StatusOK {
		e.t.Fatalf("POST /login = %d", status)
	}
	rm := e.tm.collect(e.t)
	e.want("sessions.created", count(e.t, rm, "sessionkit.sessions.created"), 1)
	e.want("sessions.regenerated", count(e.t, rm, "sessionkit.sessions.regenerated"), 1)
	e.want("sessions.destroyed", count(e.t, rm, "sessionkit.sessions.destroyed"), 0)
	e.want("session.size count", count(e.t, rm, "sessionkit.session.size"), 2)
	for _, tc := range []struct {
		op   string
		want int64
	}{{"save", 2}, {"load", 1}, {"delete", 1}, {"patch", 0}} {
		e.want("store.duration{"+tc.op+", ok}", count(e.t, rm, "sessionkit.store.duration", keyOperation.String(tc.op), keyOutcome.String("ok")), tc.want)
	}
	e.want("store.duration, all", count(e.t, rm, "sessionkit.store.duration"), 4)

	spans := e.tm.spans.Ended()
	req := requestSpan(e.t, spans, "POST /login")
	kids := children(spans, req)
	e.want("spans under POST /login", names(kids), []string{"session.load", "session.commit"})
	if len(kids) != 2 {
		return
	}
	load, commit := kids[0], kids[1]
	e.want("spans under session.load", names(children(spans, load)), []string{"session.store.load"})
	e.want("spans under session.commit", names(children(spans, commit)), []string{"session.store.save", "session.store.delete"})
	for _, s := range []sdktrace.ReadOnlySpan{load, commit} {
		e.want(s.Name()+" store kind", attr(s, keyStoreKind).Emit(), "core.MemoryStore")
		e.want(s.Name()+" outcome", attr(s, keyOutcome).Emit(), "ok")
	}
	for _, s := range append(children(spans, load), children(spans, commit)...) {
		op := strings.TrimPrefix(s.Name(), "session.store.")
		e.want(s.Name()+" attributes", []string{attr(s, keyStoreKind).Emit(), attr(s, keyOperation).Emit(), attr(s, keyOutcome).Emit()},
			[]string{"core.MemoryStore", op, "ok"})
	}
	e.want("POST /login's span events", eventNames(req), []string{"session.verified"})
	e.want("session.load's span events", eventNames(load), []string{"session.loaded"})
	e.want("session.commit's span events", eventNames(commit), []string{"session.regenerated", "session.saved"})
}

func outageOnLoad(e env) {
	st := &outage{StoreWrapper: core.WrapStore(newMemoryStore(e.t))}
	_, c := e.start(core.Config{Store: st})
	c.do("POST /set/a")
	st.down.Store(true)
	status, body := c.do("GET /get")
	e.want("GET /get in an outage", status, http.StatusInternalServerError)
	if strings.Contains(body, errDown.Error()) {
		e.t.Errorf("body %q carries the store's error", body)
	}
	rm := e.tm.collect(e.t)
	e.want("store.duration{load, error}", count(e.t, rm, "sessionkit.store.duration", keyOperation.String("load"), keyOutcome.String("error")), 1)
	e.want("store.duration{load, ok}", count(e.t, rm, "sessionkit.store.duration", keyOperation.String("load"), keyOutcome.String("ok")), 0)

	spans := e.tm.spans.Ended()
	req := requestSpan(e.t, spans, "GET /get")
	kids := children(spans, req)
	e.want("spans under GET /get", names(kids), []string{"session.load"})
	if len(kids) == 1 {
		load := kids[0]
		e.want("session.load status", load.Status().Code, codes.Error)
		e.want("session.load outcome", attr(load, keyOutcome).Emit(), "error")
		ops := children(spans, load)
		e.want("spans under session.load", names(ops), []string{"session.store.load"})
		if len(ops) == 1 {
			e.want("session.store.load status", ops[0].Status().Code, codes.Error)
			e.want("session.store.load outcome", attr(ops[0], keyOutcome).Emit(), "error")
		}
	}
	e.want("GET /get's span events", eventNames(req), []string{"session.verified", "session.commit_failed"})
}

func outageOnSave(e env) {
	st := &outage{StoreWrapper: core.WrapStore(newMemoryStore(e.t))}
	_, c := e.start(core.Config{Store: st})
	st.down.Store(true)
	status, _ := c.do("POST /set/a")
	e.want("POST /set/a in an outage", status, http.StatusInternalServerError)
	rm := e.tm.collect(e.t)
	e.want("store.duration{save, error}", count(e.t, rm, "sessionkit.store.duration", keyOperation.String("save"), keyOutcome.String("error")), 1)
	e.want("sessions.created", count(e.t, rm, "sessionkit.sessions.created"), 0)
	spans := e.tm.spans.Ended()
	req := requestSpan(e.t, spans, "POST /set/a")
	kids := children(spans, req)
	e.want("spans under POST /set/a", names(kids), []string{"session.commit"})
	if len(kids) == 1 {
		e.want("session.commit status", kids[0].Status().Code, codes.Error)
		e.want("spans under session.commit", names(children(spans, kids[0])), []string{"session.store.save"})
	}
	e.want("POST /set/a's span events", eventNames(req), []string{"session.commit_failed"})
}

func oldSecretCookie(e env) {
	st := newMemoryStore(e.t)
	obs := e.tm.observer()
	_, old := e.start(core.Config{Store: st, Secrets: [][]byte{secretA}, Observer: obs})
	_, rotated := e.start(core.Config{Store: st, Secrets: [][]byte{secretB, secretA}, Observer: obs})
	old.do("POST /set/a")
	rotated.setCookie(old.cookie())
	_, body := rotated.do("GET /get")
	e.want("GET /get after the rotation", body, "a")
	rm := e.tm.collect(e.t)
	e.want("secret.verified{1}", count(e.t, rm, "sessionkit.secret.verified", keySecret.Int(1)), 1)
	e.want("secret.verified{0}", count(e.t, rm, "sessionkit.secret.verified", keySecret.Int(0)), 0)
	req := requestSpan(e.t, e.tm.spans.Ended(), "GET /get")
	e.want("the verified event's index", eventAttr(req, "session.verified", keySecret).Emit(), "1")
	// The response re-signed the cookie with the new secret.
	rotated.do("GET /get")
	rm = e.tm.collect(e.t)
	e.want("secret.verified{0} after the re-signing", count(e.t, rm, "sessionkit.secret.verified", keySecret.Int(0)), 1)
	e.want("secret.verified{1} after the re-signing", count(e.t, rm, "sessionkit.secret.verified", keySecret.Int(1)), 1)
}

func logout(e env) {
	_, c := e.start(core.Config{})
	c.do("POST /set/a")
	c.do("POST /logout")
	rm := e.tm.collect(e.t)
	e.want("sessions.destroyed", count(e.t, rm, "sessionkit.sessions.destroyed"), 1)
	e.want("store.duration{delete, ok}", count(e.t, rm, "sessionkit.store.duration", keyOperation.String("delete"), keyOutcome.String("ok")), 1)
	spans := e.tm.spans.Ended()
	kids := children(spans, requestSpan(e.t, spans, "POST /logout"))
	e.want("spans under POST /logout", names(kids), []string{"session.commit"})
	if len(kids) == 1 {
		e.want("session.commit's span events", eventNames(kids[0]), []string{"session.destroyed"})
	}
}

func idleTouchesAndExpiry(e env) {
	// A browser-session cookie, which the jar keeps sending however idle
	// the session, as a browser does until it closes.
	_, c := e.start(core.Config{IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute, Cookie: core.CookieConfig{SessionOnly: true}})
	c.do("POST /set/a")
	steps := []struct {
		wait                       time.Duration
		req                        string
		throttled, written, reject int64
	}{
		{30 * time.Second, "GET /none", 1, 0, 0},
		{2 * time.Minute, "GET /none", 1, 1, 0},
		{20 * time.Second, "GET /get", 2, 1, 0},
		{12 * time.Minute, "GET /get", 2, 1, 1},
	}
	for i, s := range steps {
		time.Sleep(s.wait)
		c.do(s.req)
		rm := e.tm.collect(e.t)
		at := fmt.Sprintf("after step %d (%s)", i, s.req)
		e.want("touches{throttled} "+at, count(e.t, rm, "sessionkit.touches", keyOutcome.String("throttled")), s.throttled)
		e.want("touches{written} "+at, count(e.t, rm, "sessionkit.touches", keyOutcome.String("written")), s.written)
		e.want("sessions.expired{idle} "+at, count(e.t, rm, "sessionkit.sessions.expired", keyReason.String("idle")), s.reject)
		e.want("cookies.rejected{expired} "+at, count(e.t, rm, "sessionkit.cookies.rejected", keyReason.String("expired")), s.reject)
	}
	spans := e.tm.spans.Ended()
	var touches int
	for _, s := range spans {
		if s.Name() == "session.store.touch" {
			touches++
			if p := s.Parent(); !p.IsValid() {
				e.t.Errorf("session.store.touch has no parent")
			}
		}
	}
	e.want("session.store.touch spans", touches, 1)
}

func activeSessions(e env) {
	st := newMemoryStore(e.t)
	obs := e.tm.observer(sessionotel.WithStore(st))
	_, ann := e.start(core.Config{Store: st, Observer: obs})
	_, bob := e.start(core.Config{Store: st, Observer: obs})
	e.want("sessions.active before any", count(e.t, e.tm.collect(e.t), "sessionkit.sessions.active"), 0)
	ann.do("POST /set/a")
	bob.do("POST /set/b")
	e.want("sessions.active with two", count(e.t, e.tm.collect(e.t), "sessionkit.sessions.active"), 2)
	bob.do("POST /logout")
	e.want("sessions.active after a logout", count(e.t, e.tm.collect(e.t), "sessionkit.sessions.active"), 1)

	// A store that cannot count gets no gauge.
	other := newTelemetry(e.t)
	other.observer(sessionotel.WithStore(struct{ core.Store }{st}))
	if _, ok := find(other.collect(e.t), "sessionkit.sessions.active"); ok {
		e.t.Errorf("sessions.active reported for a store that cannot count")
	}
	if !handled.has("cannot count its sessions") {
		e.t.Errorf("otel.Handle was not told why a store that cannot count has no gauge")
	}
}

type quietKey struct{}

func filtered(e env) {
	obs := e.tm.observer(sessionotel.WithFilter(func(ctx context.Context) bool { return ctx.Value(quietKey{}) == nil }))
	m := newManager(e.t, core.Config{Observer: obs})
	app := e.ad.app(m)
	c := newClient(e.t, traced(e.tm.tp, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/get" {
			r = r.WithContext(context.WithValue(r.Context(), quietKey{}, true))
		}
		app.ServeHTTP(w, r)
	})))
	c.do("POST /set/a")
	c.do("GET /get")
	rm := e.tm.collect(e.t)
	e.want("store.duration{save}", count(e.t, rm, "sessionkit.store.duration", keyOperation.String("save")), 1)
	e.want("store.duration{load}, filtered out", count(e.t, rm, "sessionkit.store.duration", keyOperation.String("load")), 0)
	e.want("secret.verified, filtered out", count(e.t, rm, "sessionkit.secret.verified"), 0)
	spans := e.tm.spans.Ended()
	e.want("spans under POST /set/a", names(children(spans, requestSpan(e.t, spans, "POST /set/a"))), []string{"session.commit"})
	get := requestSpan(e.t, spans, "GET /get")
	e.want("spans under GET /get, filtered out", names(children(spans, get)), []string{})
	e.want("GET /get's span events, filtered out", eventNames(get), []string{})
}

// TestTelemetryCarriesNoSecrets runs a sequence with a login, a rotation,
// a forged cookie, an outage and a logout, and checks that no span name,
// attribute, event, status or metric attribute holds a session ID, a
// token, a store key or a secret.
func TestTelemetryCarriesNoSecrets(t *testing.T) {
	t.Parallel()
	tm := newTelemetry(t)
	st := &outage{StoreWrapper: core.WrapStore(newMemoryStore(t))}
	obs := tm.observer(sessionotel.WithStore(st))
	e := env{t: t, tm: tm, ad: adapters[0]}
	m, c := e.start(core.Config{Store: st, Observer: obs, IdleTimeout: time.Hour})
	rotated, rc := e.start(core.Config{Store: st, Observer: obs, Secrets: [][]byte{secretB, secretA}})
	var ids, tokens []string
	run := func(c *client, reqs ...string) {
		for _, r := range reqs {
			_, body := c.do(r)
			if r == "GET /id" {
				ids = append(ids, body)
			}
			if v := c.cookie(); v != "" {
				tokens = append(tokens, v)
			}
		}
	}
	run(c, "POST /set/a", "GET /id", "POST /login", "GET /id", "GET /get")
	rc.setCookie(c.cookie())
	run(rc, "GET /get", "POST /set/b", "GET /id")
	c.setCookie(forge(c.cookie()))
	run(c, "GET /get")
	c.setCookie(tokens[len(tokens)-2])
	st.down.Store(true)
	run(c, "POST /set/c")
	st.down.Store(false)
	run(c, "POST /logout")

	private := append(slices.Clone(tokens), string(secretA), string(secretB))
	for _, id := range ids {
		private = append(private, id, m.StoreKey(id), rotated.StoreKey(id))
	}
	var texts []string
	spans := tm.spans.Ended()
	for _, s := range spans {
		texts = append(texts, s.Name(), s.Status().Description, fmt.Sprint(s.Attributes()))
		for _, ev := range s.Events() {
			texts = append(texts, ev.Name, fmt.Sprint(ev.Attributes))
		}
	}
	rm := tm.collect(t)
	for _, sm := range rm.ScopeMetrics {
		for _, mt := range sm.Metrics {
			texts = append(texts, fmt.Sprintf("%s %+v", mt.Name, mt.Data))
		}
	}
	if len(spans) < 20 || len(ids) < 3 {
		t.Fatalf("%d spans and %d IDs; the sequence did not run", len(spans), len(ids))
	}
	for _, text := range texts {
		for _, p := range private {
			if p != "" && strings.Contains(text, p) {
				t.Errorf("telemetry %q holds a session ID, token, store key or secret", text)
			}
		}
	}
}

// TestMetricNamesAndKinds checks that a sequence touching every metric
// produces exactly the documented metrics, of the documented kinds and
// units.
func TestMetricNamesAndKinds(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		tm := newTelemetry(t)
		st := newMemoryStore(t)
		e := env{t: t, tm: tm, ad: adapters[0]}
		_, c := e.start(core.Config{Store: st, IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute, Cookie: core.CookieConfig{SessionOnly: true}},
			sessionotel.WithStore(st))
		c.do("POST /set/a")
		c.do("POST /login")
		time.Sleep(2 * time.Minute)
		c.do("GET /none")
		c.do("GET /none")
		c.do("POST /logout")
		c.do("POST /set/b")
		time.Sleep(11 * time.Minute)
		c.do("GET /get")
		c.do("POST /bind/ann")
		_, other := e.start(core.Config{Store: st, Observer: noObserver{}})
		other.do("POST /bind/ann")
		c.do("POST /revoke-others")
		want := map[string]string{
			"sessionkit.store.duration":       "Histogram[float64] s",
			"sessionkit.session.size":         "Histogram[int64] By",
			"sessionkit.sessions.created":     "Sum[int64] {session}",
			"sessionkit.sessions.destroyed":   "Sum[int64] {session}",
			"sessionkit.sessions.regenerated": "Sum[int64] {session}",
			"sessionkit.sessions.expired":     "Sum[int64] {session}",
			"sessionkit.cookies.rejected":     "Sum[int64] {cookie}",
			"sessionkit.secret.verified":      "Sum[int64] {cookie}",
			"sessionkit.touches":              "Sum[int64] {touch}",
			"sessionkit.sessions.revoked":     "Sum[int64] {session}",
			"sessionkit.sessions.active":      "Gauge[int64] {session}",
		}
		got := map[string]string{}
		for _, sm := range tm.collect(t).ScopeMetrics {
			if sm.Scope.Name != sessionotel.ScopeName {
				t.Errorf("scope %q; want %q", sm.Scope.Name, sessionotel.ScopeName)
			}
			for _, m := range sm.Metrics {
				kind := strings.TrimPrefix(fmt.Sprintf("%T", m.Data), "metricdata.")
				if s, ok := m.Data.(metricdata.Sum[int64]); ok && (!s.IsMonotonic || s.Temporality != metricdata.CumulativeTemporality) {
					kind += " (not a monotonic cumulative counter)"
				}
				got[m.Name] = kind + " " + m.Unit
			}
		}
		for name, w := range want {
			if got[name] != w {
				t.Errorf("metric %s: %q; want %q", name, got[name], w)
			}
		}
		for name := range got {
			if _, ok := want[name]; !ok {
				t.Errorf("metric %s is not documented", name)
			}
		}
	})
}
