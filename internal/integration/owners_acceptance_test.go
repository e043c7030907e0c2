package integration_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/pgstore"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// The acceptance tests of per-user sessions: black-box, over HTTP, with
// real cookie jars, against small apps on core (ownerApp) and against the
// built example apps (exampleApp), on the memory store, Redis and
// PostgreSQL.

// uniq returns a short random name part, so tests sharing a store never
// see each other's owners or keys.
func uniq() string { return strings.ToLower(rand.Text()[:12]) }

// ---- stores ----

type accStore struct {
	name string
	// open returns a store of the test's own (nil: the manager's memory
	// store), and a function that opens another handle on the same data, as
	// a second instance would.
	open func(t *testing.T) core.Store
}

// twoDevices logs two new clients, "a" and "b", in as user, one after the
// other.
func twoDevices(t *testing.T, url, user string) (a, b *accClient) {
	t.Helper()
	a, b = newAccClient(t, url, "a"), newAccClient(t, url, "b")
	a.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
	b.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
	return a, b
}

// eachStore runs fn as a parallel subtest for every store of accStores.
func eachStore(t *testing.T, fn func(t *testing.T, st accStore)) {
	for _, st := range accStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			fn(t, st)
		})
	}
}

var accStores = []accStore{
	{"memory", func(t *testing.T) core.Store {
		s := core.NewMemoryStore(core.MemoryStoreOptions{})
		t.Cleanup(func() { s.Close() })
		return s
	}},
	{"redis", openAccRedis},
	{"postgres", openAccPostgres},
}

var sharedStores = accStores[1:]

func openAccRedis(t *testing.T) core.Store {
	t.Helper()
	opts, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	opts.ContextTimeoutEnabled = true
	client := redis.NewClient(opts)
	prefix := "acceptance:" + uniq() + ":"
	t.Cleanup(func() {
		dropRedisPrefix(t, client, prefix)
		client.Close()
	})
	s, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// dropRedisPrefix deletes the keys a test's store left under prefix.
func dropRedisPrefix(t *testing.T, client *redis.Client, prefix string) {
	ctx := context.Background()
	iter := client.Scan(ctx, 0, prefix+"*", 100).Iterator()
	for iter.Next(ctx) {
		client.Del(ctx, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Errorf("scan %s*: %v", prefix, err)
	}
}

func openAccPostgres(t *testing.T) core.Store {
	t.Helper()
	u := testenv.DatabaseURL(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	schema := "acceptance_" + uniq()
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		pool.Close()
		t.Fatal(err)
	}
	s, err := pgstore.New(pool, pgstore.Options{Table: schema + ".sessions", CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		if _, err := pool.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		pool.Close()
	})
	if err := s.CreateTable(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// ---- an app on core ----

var accSecret = []byte("acceptance-secret-0123456789abcdef-0123456789")

// ownedJSON is one listed session as ownerApp answers it: every field of
// core.OwnedSession.
type ownedJSON struct {
	Handle    string    `json:"handle"`
	Current   bool      `json:"current"`
	Created   time.Time `json:"created"`
	LastSeen  time.Time `json:"last_seen"`
	Expires   time.Time `json:"expires"`
	UserAgent string    `json:"user_agent"`
	IP        string    `json:"ip"`
}

// newOwnerApp returns a manager on cfg and a test server with the
// per-user session routes on it.
func newOwnerApp(t *testing.T, cfg core.Config) (*core.Manager, *httptest.Server) {
	t.Helper()
	if cfg.Secrets == nil {
		cfg.Secrets = [][]byte{accSecret}
	}
	mgr, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Close() })
	srv := httptest.NewServer(chisession.Middleware(mgr)(ownerRoutes()))
	t.Cleanup(srv.Close)
	return mgr, srv
}

var accUser = core.Key[string]("user")

func ownerRoutes() http.Handler {
	mux := http.NewServeMux()
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(w http.ResponseWriter, err error) {
		switch {
		case errors.Is(err, core.ErrNoOwner):
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "not logged in"})
		case errors.Is(err, core.ErrUnknownSession):
			writeJSON(w, http.StatusNotFound, map[string]string{"error": "no such session"})
		default:
			writeJSON(w, http.StatusInternalServerError, map[string]string{"error": "internal server error"})
		}
	}
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		user := r.PostFormValue("user")
		s.Regenerate()
		s.SetOwner(user)
		accUser.Set(s, user)
		if err := s.Save(r.Context()); err != nil {
			switch {
			case errors.Is(err, core.ErrTooManySessions):
				writeJSON(w, http.StatusConflict, map[string]string{"error": "too many sessions"})
			case errors.Is(err, core.ErrInvalidOwner):
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "bad user"})
			default:
				fail(w, err)
			}
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"user": user, "handle": s.Handle()})
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		if u := accUser.Get(s); u != "" {
			writeJSON(w, http.StatusOK, map[string]string{"user": u, "owner": s.Owner(), "handle": s.Handle()})
			return
		}
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "not logged in"})
	})
	mux.HandleFunc("POST /write", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		core.Key[int]("n").Set(s, core.Key[int]("n").Get(s)+1)
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("POST /regenerate", func(w http.ResponseWriter, r *http.Request) {
		s := chisession.Get(r)
		s.Regenerate()
		if err := s.Save(r.Context()); err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"handle": s.Handle()})
	})
	mux.HandleFunc("POST /rebind", func(w http.ResponseWriter, r *http.Request) {
		// A second login without Regenerate: the session changes owner
		// under the same ID.
		s := chisession.Get(r)
		user := r.PostFormValue("user")
		s.SetOwner(user)
		accUser.Set(s, user)
		writeJSON(w, http.StatusOK, map[string]string{"user": user})
	})
	mux.HandleFunc("POST /regenerate-list", func(w http.ResponseWriter, r *http.Request) {
		// Lists in the request that regenerates, before the commit.
		s := chisession.Get(r)
		s.Regenerate()
		list, err := s.OwnerSessions(r.Context())
		if err != nil {
			fail(w, err)
			return
		}
		n := 0
		for _, o := range list {
			if o.Current {
				n++
			}
		}
		writeJSON(w, http.StatusOK, map[string]int{"listed": len(list), "current": n})
	})
	mux.HandleFunc("POST /slow/{op}", func(w http.ResponseWriter, r *http.Request) {
		// Loads the session, then waits for the test before changing it:
		// a request in flight while its session is revoked.
		s := chisession.Get(r)
		if accUser.Get(s) == "" {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "not logged in"})
			return
		}
		gate := slowGates.get(r.FormValue("gate"))
		gate.loaded <- struct{}{}
		<-gate.release
		switch r.PathValue("op") {
		case "write":
			core.Key[int]("n").Set(s, 1)
		case "regenerate":
			s.Regenerate()
		case "rebind":
			s.SetOwner(accUser.Get(s) + "-again")
		case "lifetime":
			s.SetLifetime(time.Hour)
		}
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		chisession.Get(r).Destroy()
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("GET /sessions", func(w http.ResponseWriter, r *http.Request) {
		list, err := chisession.Get(r).OwnerSessions(r.Context())
		if err != nil {
			fail(w, err)
			return
		}
		out := []ownedJSON{}
		for _, o := range list {
			out = append(out, ownedJSON{o.Handle, o.Current, o.Created, o.LastSeen, o.Expires, o.UserAgent, o.IP})
		}
		writeJSON(w, http.StatusOK, map[string][]ownedJSON{"sessions": out})
	})
	mux.HandleFunc("DELETE /sessions/{id}", func(w http.ResponseWriter, r *http.Request) {
		if err := chisession.Get(r).RevokeSession(r.Context(), r.PathValue("id")); err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
	})
	mux.HandleFunc("POST /revoke-others", func(w http.ResponseWriter, r *http.Request) {
		n, err := chisession.Get(r).RevokeOthers(r.Context())
		if err != nil {
			fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
	})
	return mux
}

// slowGates pairs the slow route's requests with their tests.
var slowGates gates

type gate struct{ loaded, release chan struct{} }

type gates struct {
	mu sync.Mutex
	m  map[string]*gate
}

func (g *gates) get(name string) *gate {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.m == nil {
		g.m = map[string]*gate{}
	}
	if g.m[name] == nil {
		g.m[name] = &gate{loaded: make(chan struct{}, 1), release: make(chan struct{})}
	}
	return g.m[name]
}

// ---- clients ----

// accClient is a browser-like client: a cookie jar of its own, a
// User-Agent, no redirects followed.
type accClient struct {
	base string
	ua   string
	jar  http.CookieJar
	http *http.Client
}

func newAccClient(t *testing.T, base, ua string) *accClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &accClient{base: base, ua: ua, jar: jar, http: &http.Client{
		Jar: jar, Transport: tr, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type accResp struct {
	status int
	header http.Header
	body   []byte
}

func (c *accClient) do(t *testing.T, method, path string, form url.Values, hdr map[string]string) accResp {
	t.Helper()
	r, err := c.try(method, path, form, hdr)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// try is do for goroutines other than the test's: it returns the error.
func (c *accClient) try(method, path string, form url.Values, hdr map[string]string) (accResp, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return accResp{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if c.ua != "" {
		req.Header.Set("User-Agent", c.ua)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return accResp{}, fmt.Errorf("%s %s%s: %v", method, c.base, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return accResp{}, fmt.Errorf("%s %s%s: reading the body: %v", method, c.base, path, err)
	}
	return accResp{resp.StatusCode, resp.Header, b}, nil
}

func (c *accClient) expect(t *testing.T, method, path string, form url.Values, status int) []byte {
	t.Helper()
	r := c.do(t, method, path, form, nil)
	if r.status != status {
		t.Fatalf("%s %s%s = %d %s; want %d", method, c.base, path, r.status, r.body, status)
	}
	return r.body
}

// cookie returns the client's session cookie as a raw Cookie header.
func (c *accClient) cookie(t *testing.T) string {
	t.Helper()
	u, _ := url.Parse(c.base)
	for _, ck := range c.jar.Cookies(u) {
		if ck.Name == "session" {
			return ck.Name + "=" + ck.Value
		}
	}
	t.Fatalf("no session cookie in the jar for %s", c.base)
	return ""
}

// raw sends a request with exactly the headers given, and no jar.
func raw(t *testing.T, method, target string, hdr map[string]string) accResp {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	resp, err := (&http.Client{Transport: tr, Timeout: 15 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return accResp{resp.StatusCode, resp.Header, b}
}

func (c *accClient) owned(t *testing.T) []ownedJSON {
	t.Helper()
	b := c.expect(t, http.MethodGet, "/sessions", nil, http.StatusOK)
	var v struct{ Sessions []ownedJSON }
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET /sessions = %s: %v", b, err)
	}
	return v.Sessions
}

func current(t *testing.T, list []ownedJSON) ownedJSON {
	t.Helper()
	var cur []ownedJSON
	for _, o := range list {
		if o.Current {
			cur = append(cur, o)
		}
	}
	if len(cur) != 1 {
		t.Fatalf("%d sessions marked current in %+v; want exactly 1", len(cur), list)
	}
	return cur[0]
}

func handles(list []ownedJSON) []string {
	var hs []string
	for _, o := range list {
		hs = append(hs, o.Handle)
	}
	slices.Sort(hs)
	return hs
}

func loginForm(user string) url.Values { return url.Values{"user": {user}} }

// ---- core app tests ----

// TestAcceptanceRevokedCookieReplay revokes a session on one instance and
// replays its cookie, as a raw header, on every route of both instances:
// it opens nothing, and the replays bring nothing back.
func TestAcceptanceRevokedCookieReplay(t *testing.T) {
	t.Parallel()
	for _, st := range sharedStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			store := st.open(t)
			_, one := newOwnerApp(t, core.Config{Store: store})
			_, two := newOwnerApp(t, core.Config{Store: store})
			user := "replay-" + uniq()
			keeper := newAccClient(t, one.URL, "keeper")
			victim := newAccClient(t, two.URL, "victim")
			keeper.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			victim.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			victim.expect(t, http.MethodPost, "/write", nil, http.StatusOK)
			stolen := victim.cookie(t)
			var victimHandle string
			for _, o := range keeper.owned(t) {
				if !o.Current {
					victimHandle = o.Handle
				}
			}
			keeper.expect(t, http.MethodDelete, "/sessions/"+victimHandle, nil, http.StatusOK)

			for _, base := range []string{one.URL, two.URL} {
				for _, rt := range []struct {
					method, path string
					want         int
				}{
					{http.MethodGet, "/me", http.StatusUnauthorized},
					{http.MethodGet, "/sessions", http.StatusUnauthorized},
					{http.MethodPost, "/revoke-others", http.StatusUnauthorized},
					{http.MethodDelete, "/sessions/" + victimHandle, http.StatusUnauthorized},
					{http.MethodPost, "/write", http.StatusOK}, // a fresh, empty session
					{http.MethodPost, "/regenerate", http.StatusOK},
					{http.MethodPost, "/logout", http.StatusOK},
				} {
					r := raw(t, rt.method, base+rt.path, map[string]string{"Cookie": stolen})
					if r.status != rt.want {
						t.Errorf("replayed revoked cookie: %s %s = %d %s; want %d", rt.method, rt.path, r.status, r.body, rt.want)
					}
				}
				if r := raw(t, http.MethodGet, base+"/me", map[string]string{"Cookie": stolen}); r.status != http.StatusUnauthorized {
					t.Errorf("revoked cookie after the replays: GET /me = %d %s; want 401", r.status, r.body)
				}
			}
			list := keeper.owned(t)
			if len(list) != 1 || !list[0].Current {
				t.Errorf("after the replays the owner lists %+v; want only the keeper's session", list)
			}
			keeper.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
		})
	}
}

// TestAcceptanceHandleIsNoCredential sends a listed handle as the session
// cookie, as the token header, and as a signed-looking value: none opens
// the session.
func TestAcceptanceHandleIsNoCredential(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t), Header: "X-Session-Token"})
		user := "handle-" + uniq()
		c := newAccClient(t, srv.URL, "ua")
		c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		h := current(t, c.owned(t)).Handle
		if strings.Contains(c.cookie(t), h) {
			t.Fatalf("the handle %q appears in the cookie", h)
		}
		for name, hdr := range map[string]map[string]string{
			"cookie":             {"Cookie": "session=" + h},
			"cookie with suffix": {"Cookie": "session=" + h + "." + h},
			"header":             {"X-Session-Token": h},
			"header, no cookie":  {"X-Session-Token": h, "Cookie": ""},
			"bearer":             {"Authorization": "Bearer " + h},
		} {
			if r := raw(t, http.MethodGet, srv.URL+"/me", hdr); r.status != http.StatusUnauthorized {
				t.Errorf("%s: GET /me with the handle = %d %s; want 401", name, r.status, r.body)
			}
			if r := raw(t, http.MethodGet, srv.URL+"/sessions", hdr); r.status != http.StatusUnauthorized {
				t.Errorf("%s: GET /sessions with the handle = %d %s; want 401", name, r.status, r.body)
			}
		}
		if got := c.owned(t); len(got) != 1 {
			t.Errorf("after the probes the owner lists %d sessions; want 1", len(got))
		}
	})
}

// TestAcceptanceForeignHandles probes with another user's handles, random
// ones and malformed ones: each is the same 404, and revokes nothing.
func TestAcceptanceForeignHandles(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		alice, bob := "alice-"+uniq(), "bob-"+uniq()
		a := newAccClient(t, srv.URL, "alice's")
		b := newAccClient(t, srv.URL, "bob's")
		b2 := newAccClient(t, srv.URL, "bob's other")
		a.expect(t, http.MethodPost, "/login", loginForm(alice), http.StatusOK)
		b.expect(t, http.MethodPost, "/login", loginForm(bob), http.StatusOK)
		b2.expect(t, http.MethodPost, "/login", loginForm(bob), http.StatusOK)
		bobs := b.owned(t)
		var probes []string
		for _, o := range bobs {
			probes = append(probes, o.Handle)
		}
		never := rand.Text()[:22]
		probes = append(probes, never, "", "x", strings.Repeat("A", 22), strings.Repeat("A", 4096), "..%2F..", "%00")
		var first []byte
		for i, h := range probes {
			if h == "" {
				continue
			}
			r := a.do(t, http.MethodDelete, "/sessions/"+h, nil, nil)
			if r.status != http.StatusNotFound {
				t.Errorf("DELETE /sessions/%.40s by another user = %d %s; want 404", h, r.status, r.body)
				continue
			}
			if first == nil {
				first = r.body
			} else if !bytes.Equal(first, r.body) {
				t.Errorf("probe %d answers %s, probe 0 (another user's handle) %s: distinguishable", i, r.body, first)
			}
		}
		if got := handles(b.owned(t)); !slices.Equal(got, handles(bobs)) {
			t.Errorf("bob's sessions after alice's probes = %v; want %v", got, handles(bobs))
		}
		if got := a.owned(t); len(got) != 1 || !got[0].Current {
			t.Errorf("alice lists %+v; want only her own session", got)
		}
	})
}

// TestAcceptanceRegeneratedHandle checks that the handle a session had
// before Regenerate names nothing afterwards.
func TestAcceptanceRegeneratedHandle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		user := "regen-" + uniq()
		a := newAccClient(t, srv.URL, "a")
		b := newAccClient(t, srv.URL, "b")
		a.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		b.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		old := current(t, a.owned(t)).Handle
		a.expect(t, http.MethodPost, "/regenerate", nil, http.StatusOK)
		list := a.owned(t)
		if len(list) != 2 {
			t.Fatalf("after Regenerate the owner lists %d sessions %+v; want 2", len(list), list)
		}
		now := current(t, list).Handle
		if now == old {
			t.Fatalf("Regenerate kept the handle %q", old)
		}
		if slices.Contains(handles(list), old) {
			t.Errorf("the pre-Regenerate handle is still listed: %+v", list)
		}
		if r := b.do(t, http.MethodDelete, "/sessions/"+old, nil, nil); r.status != http.StatusNotFound {
			t.Errorf("DELETE of the pre-Regenerate handle = %d %s; want 404", r.status, r.body)
		}
		a.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
		if got := b.owned(t); len(got) != 2 {
			t.Errorf("after revoking the old handle the owner lists %d sessions; want 2", len(got))
		}
		b.expect(t, http.MethodDelete, "/sessions/"+now, nil, http.StatusOK)
		a.expect(t, http.MethodGet, "/me", nil, http.StatusUnauthorized)
	})
}

// TestAcceptanceCurrentOnce logs one user in from several clients: each
// sees every session, exactly one marked current, its own.
func TestAcceptanceCurrentOnce(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		user := "current-" + uniq()
		var cs []*accClient
		own := map[string]bool{}
		for i := range 4 {
			c := newAccClient(t, srv.URL, fmt.Sprintf("client %d", i))
			c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			cs = append(cs, c)
		}
		for i, c := range cs {
			list := c.owned(t)
			if len(list) != len(cs) {
				t.Fatalf("client %d lists %d sessions; want %d", i, len(list), len(cs))
			}
			cur := current(t, list)
			if cur.UserAgent != c.ua {
				t.Errorf("client %d's current session has User-Agent %q; want %q", i, cur.UserAgent, c.ua)
			}
			if own[cur.Handle] {
				t.Errorf("client %d's current handle is another client's", i)
			}
			own[cur.Handle] = true
			for j := 1; j < len(list); j++ {
				if list[j].Created.After(list[j-1].Created) {
					t.Errorf("client %d's list is not newest first: %v after %v", i, list[j].Created, list[j-1].Created)
				}
			}
		}
	})
}

// TestAcceptanceOwnerIDLimits logs in with owner IDs at and past the
// limits: those past them fail the login and bind nothing.
func TestAcceptanceOwnerIDLimits(t *testing.T) {
	t.Parallel()
	base := uniq()
	eachStore(t, func(t *testing.T, st accStore) {
		mgr, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		for _, tt := range []struct {
			name string
			id   string
			ok   bool
		}{
			{"256 bytes", base + strings.Repeat("a", 256-len(base)), true},
			{"256 bytes of 4-byte runes", base + strings.Repeat("b", 4-len(base)%4) + strings.Repeat("😀", (256-len(base)-(4-len(base)%4))/4), true},
			{"1 byte", "\x01" + "", true},
			{"quotes, colons, braces", base + `:{"x"}' OR 1=1;--*?[`, true},
			{"257 bytes", base + strings.Repeat("a", 257-len(base)), false},
			{"invalid UTF-8", base + "\xff\xfe", false},
			{"NUL", base + "\x00admin", false},
		} {
			t.Run(tt.name, func(t *testing.T) {
				c := newAccClient(t, srv.URL, "ua")
				r := c.do(t, http.MethodPost, "/login", loginForm(tt.id), nil)
				if !tt.ok {
					// The invalid ID is a sticky error: the commit fails, and
					// the error handler answers in place of the handler.
					if r.status != http.StatusInternalServerError {
						t.Errorf("login as a bad owner ID = %d %s; want the failed commit's 500", r.status, r.body)
					}
					if r := c.do(t, http.MethodGet, "/sessions", nil, nil); r.status != http.StatusUnauthorized {
						t.Errorf("after the refused login GET /sessions = %d %s; want 401", r.status, r.body)
					}
					if _, err := mgr.OwnerSessions(context.Background(), tt.id); !errors.Is(err, core.ErrInvalidOwner) {
						t.Errorf("Manager.OwnerSessions(bad ID) error = %v; want ErrInvalidOwner", err)
					}
					return
				}
				if r.status != http.StatusOK {
					t.Fatalf("login = %d %s; want 200", r.status, r.body)
				}
				if len(tt.id) > 256 || !utf8.ValidString(tt.id) {
					t.Fatalf("bad test ID")
				}
				list := c.owned(t)
				if len(list) != 1 || !list[0].Current {
					t.Fatalf("lists %+v; want the one session", list)
				}
				got, err := mgr.OwnerSessions(context.Background(), tt.id)
				if err != nil || len(got) != 1 || got[0].Handle != list[0].Handle {
					t.Fatalf("Manager.OwnerSessions = %+v, %v; want the one session", got, err)
				}
				if n, err := mgr.RevokeOwner(context.Background(), tt.id); n != 1 || err != nil {
					t.Errorf("RevokeOwner = %d, %v; want 1, nil", n, err)
				}
				c.expect(t, http.MethodGet, "/me", nil, http.StatusUnauthorized)
			})
		}
		if _, err := mgr.OwnerSessions(context.Background(), ""); !errors.Is(err, core.ErrInvalidOwner) {
			t.Errorf("Manager.OwnerSessions(\"\") error = %v; want ErrInvalidOwner", err)
		}
	})
}

// TestAcceptanceUserAgents records hostile User-Agents: stored valid,
// cut to 256 bytes, returned as sent otherwise.
func TestAcceptanceUserAgents(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		for _, ua := range []string{
			`<script>alert(1)</script>"'><img src=x onerror=alert(1)>`,
			strings.Repeat("é", 200), // 400 bytes: cut on a rune boundary
			"Mozilla/5.0 \xff\xfe\xc3 broken",
			strings.Repeat("x", 100_000),
		} {
			c := newAccClient(t, srv.URL, ua)
			user := "ua-" + uniq()
			c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			got := current(t, c.owned(t)).UserAgent
			want := strings.ToValidUTF8(ua, "\uFFFD")
			if len(got) > core.MaxUserAgentLen || !utf8.ValidString(got) || !strings.HasPrefix(want, got) || (len(want) <= core.MaxUserAgentLen && got != want) {
				t.Errorf("User-Agent %.40q listed as %.60q (%d bytes); want %.40q, valid UTF-8, cut to %d bytes", ua, got, len(got), want, core.MaxUserAgentLen)
			}
			if len(want) > core.MaxUserAgentLen && len(got) < core.MaxUserAgentLen-3 {
				t.Errorf("a long User-Agent is cut to %d bytes; want about %d", len(got), core.MaxUserAgentLen)
			}
		}
	})
}

// TestAcceptanceClientIP records no address unless the app opts in: not
// in the listing, and not in the stored record.
func TestAcceptanceClientIP(t *testing.T) {
	t.Parallel()
	for _, st := range accStores {
		for _, optIn := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/opt-in=%v", st.name, optIn), func(t *testing.T) {
				t.Parallel()
				cfg := core.Config{Store: st.open(t)}
				if optIn {
					cfg.Owners.ClientIP = core.RemoteIP
				}
				mgr, srv := newOwnerApp(t, cfg)
				user := "ip-" + uniq()
				c := newAccClient(t, srv.URL, "ua")
				c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
				c.expect(t, http.MethodPost, "/write", nil, http.StatusOK)
				want := ""
				if optIn {
					want = "127.0.0.1"
				}
				if got := current(t, c.owned(t)).IP; got != want {
					t.Errorf("listed IP = %q; want %q", got, want)
				}
				list, err := mgr.OwnerSessions(context.Background(), user)
				if err != nil || len(list) != 1 || list[0].IP != want {
					t.Errorf("Manager.OwnerSessions = %+v, %v; want one session with IP %q", list, err, want)
				}
				if optIn {
					return
				}
				// Nothing stored holds the address.
				it, ok := mgr.Store().(core.Iterator)
				if !ok {
					t.Fatalf("store %T cannot iterate", mgr.Store())
				}
				err = it.Range(context.Background(), func(key string, rec core.Record) bool {
					if strings.Contains(fmt.Sprintf("%+v", rec), "127.0.0.1") {
						t.Errorf("the stored record holds the client address: %+v", rec.Owner)
					}
					return true
				})
				if err != nil {
					t.Fatal(err)
				}
			})
		}
	}
}

// TestAcceptanceLogoutOnOtherInstance logs out on one instance and lists
// on the other at once: the session is gone.
func TestAcceptanceLogoutOnOtherInstance(t *testing.T) {
	t.Parallel()
	for _, st := range sharedStores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			store := st.open(t)
			_, one := newOwnerApp(t, core.Config{Store: store})
			_, two := newOwnerApp(t, core.Config{Store: store})
			user := "logout-" + uniq()
			leaver := newAccClient(t, one.URL, "leaver")
			watcher := newAccClient(t, two.URL, "watcher")
			leaver.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			watcher.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			if got := watcher.owned(t); len(got) != 2 {
				t.Fatalf("lists %d sessions; want 2", len(got))
			}
			stolen := leaver.cookie(t)
			leaver.expect(t, http.MethodPost, "/logout", nil, http.StatusOK)
			if got := watcher.owned(t); len(got) != 1 || !got[0].Current {
				t.Errorf("right after the logout on the other instance the list is %+v; want only the watcher's", got)
			}
			if r := raw(t, http.MethodGet, two.URL+"/me", map[string]string{"Cookie": stolen}); r.status != http.StatusUnauthorized {
				t.Errorf("the logged-out cookie on the other instance: GET /me = %d %s; want 401", r.status, r.body)
			}
		})
	}
}

// TestAcceptanceExpiredNotListed uses a real 1.5-second lifetime: once it
// passes, the session is never listed, on any store.
func TestAcceptanceExpiredNotListed(t *testing.T) {
	t.Parallel()
	const lifetime = 1500 * time.Millisecond
	for _, st := range sharedStores { // the memory store: TestAcceptanceMemoryClock
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			store := st.open(t)
			short, srv := newOwnerApp(t, core.Config{Store: store, Lifetime: lifetime})
			_, long := newOwnerApp(t, core.Config{Store: store, Lifetime: time.Hour, MaxLifetime: time.Hour})
			user := "expired-" + uniq()
			old := newAccClient(t, srv.URL, "old")
			old.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			ends := time.Now().Add(lifetime)
			stay := newAccClient(t, long.URL, "stays")
			stay.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			if got := stay.owned(t); len(got) != 2 {
				t.Fatalf("lists %d sessions; want 2", len(got))
			}
			for _, o := range stay.owned(t) {
				if !o.Current && (o.Expires.After(ends.Add(time.Second)) || o.Expires.Before(ends.Add(-5*time.Second))) {
					t.Errorf("the short session's Expires is %v; want about %v", o.Expires, ends)
				}
			}
			// Bounded polling past the lifetime.
			deadline := time.Now().Add(lifetime + 5*time.Second)
			for time.Now().Before(ends.Add(100 * time.Millisecond)) {
				time.Sleep(50 * time.Millisecond)
			}
			var got []ownedJSON
			for {
				got = stay.owned(t)
				if len(got) == 1 || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if len(got) != 1 || !got[0].Current {
				t.Errorf("after the lifetime the list is %+v; want only the live session", got)
			}
			if list, err := short.OwnerSessions(context.Background(), user); err != nil || len(list) != 1 {
				t.Errorf("Manager.OwnerSessions after the lifetime = %+v, %v; want the one live session", list, err)
			}
			old.expect(t, http.MethodGet, "/me", nil, http.StatusUnauthorized)
			if n, err := short.RevokeOwner(context.Background(), user); n != 1 || err != nil {
				t.Errorf("RevokeOwner after the lifetime = %d, %v; want 1 (the live session only), nil", n, err)
			}
		})
	}
}

// TestAcceptanceLastSeen checks that last-seen moves with the idle touch
// and with writes, and that, without idle expiry, reads leave it alone.
func TestAcceptanceLastSeen(t *testing.T) {
	t.Parallel()
	for _, st := range sharedStores { // the memory store: TestAcceptanceMemoryClock
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			store := st.open(t)
			_, idle := newOwnerApp(t, core.Config{Store: store, IdleTimeout: 10 * time.Second, TouchInterval: 300 * time.Millisecond})
			_, plain := newOwnerApp(t, core.Config{Store: store})
			for _, tt := range []struct {
				name  string
				srv   *httptest.Server
				moves bool
			}{{"idle timeout", idle, true}, {"no idle timeout", plain, false}} {
				user := "seen-" + uniq()
				c := newAccClient(t, tt.srv.URL, "ua")
				c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
				before := current(t, c.owned(t)).LastSeen
				if before.IsZero() {
					t.Fatalf("%s: LastSeen is zero after login", tt.name)
				}
				// Reads only, spread over more than a TouchInterval.
				start := time.Now()
				for time.Since(start) < 900*time.Millisecond {
					c.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
					time.Sleep(100 * time.Millisecond)
				}
				c.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
				after := current(t, c.owned(t)).LastSeen
				if tt.moves && !after.After(before.Add(300*time.Millisecond)) {
					t.Errorf("%s: LastSeen went from %v to %v over 900ms of reads; want it moved by the idle touches", tt.name, before, after)
				}
				if !tt.moves && !after.Equal(before) {
					t.Errorf("%s: LastSeen went from %v to %v with reads only; want it unchanged", tt.name, before, after)
				}
				if tt.moves && time.Since(after) > time.Second {
					t.Errorf("%s: LastSeen %v is more than a touch interval stale", tt.name, after)
				}
				c.expect(t, http.MethodPost, "/write", nil, http.StatusOK)
				if w := current(t, c.owned(t)).LastSeen; !w.After(after) && !w.After(before) {
					t.Errorf("%s: a write left LastSeen at %v", tt.name, w)
				}
			}
		})
	}
}

// handlerTransport serves a client's requests with a handler in the same
// process, without a network, so that tests on the memory store run in a
// synctest bubble with its fake clock.
type handlerTransport struct{ h http.Handler }

func (tr handlerTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.RemoteAddr = "192.0.2.7:40000"
	r.RequestURI = r.URL.RequestURI()
	rec := httptest.NewRecorder()
	tr.h.ServeHTTP(rec, r)
	return rec.Result(), nil
}

func newBubbleClient(t *testing.T, h http.Handler, ua string) *accClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &accClient{base: "http://app.test", ua: ua, jar: jar, http: &http.Client{
		Jar: jar, Transport: handlerTransport{h},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// TestAcceptanceMemoryClock checks, on the memory store and a fake clock,
// that expired and idle sessions are never listed and that last-seen moves
// with the idle touch only.
func TestAcceptanceMemoryClock(t *testing.T) {
	t.Parallel()
	newBubbleApp := func(t *testing.T, cfg core.Config) http.Handler {
		cfg.Secrets = [][]byte{accSecret}
		mgr, err := core.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { mgr.Close() })
		return chisession.Middleware(mgr)(ownerRoutes())
	}
	t.Run("expired", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			store := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
			defer store.Close()
			short := newBubbleApp(t, core.Config{Store: store, Lifetime: 2 * time.Second})
			idle := newBubbleApp(t, core.Config{Store: store, IdleTimeout: 3 * time.Second, TouchInterval: time.Second})
			long := newBubbleApp(t, core.Config{Store: store})
			user := "clock-" + uniq()
			old, dozing, stay := newBubbleClient(t, short, "old"), newBubbleClient(t, idle, "dozing"), newBubbleClient(t, long, "stays")
			for _, c := range []*accClient{old, dozing, stay} {
				c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			}
			if got := stay.owned(t); len(got) != 3 {
				t.Fatalf("lists %d sessions; want 3", len(got))
			}
			time.Sleep(2*time.Second - time.Millisecond)
			if got := stay.owned(t); len(got) != 3 {
				t.Errorf("a millisecond before the lifetime ends the owner lists %d; want 3", len(got))
			}
			time.Sleep(time.Millisecond)
			if got := stay.owned(t); len(got) != 2 {
				t.Errorf("at the end of the lifetime the owner lists %d; want 2", len(got))
			}
			old.expect(t, http.MethodGet, "/me", nil, http.StatusUnauthorized)
			time.Sleep(time.Second)
			if got := stay.owned(t); len(got) != 1 || !got[0].Current {
				t.Errorf("after the idle timeout the owner lists %+v; want only the live session", got)
			}
			dozing.expect(t, http.MethodGet, "/me", nil, http.StatusUnauthorized)
		})
	})
	t.Run("last seen", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			store := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
			defer store.Close()
			idle := newBubbleApp(t, core.Config{Store: store, IdleTimeout: 10 * time.Second, TouchInterval: time.Second})
			plain := newBubbleApp(t, core.Config{Store: store})
			for _, tt := range []struct {
				name  string
				h     http.Handler
				moves bool
			}{{"idle timeout", idle, true}, {"no idle timeout", plain, false}} {
				c := newBubbleClient(t, tt.h, "ua")
				c.expect(t, http.MethodPost, "/login", loginForm("seen-"+uniq()), http.StatusOK)
				login := time.Now()
				if got := current(t, c.owned(t)).LastSeen; !got.Equal(login) {
					t.Errorf("%s: LastSeen after login = %v; want the login's %v", tt.name, got, login)
				}
				for range 10 {
					time.Sleep(500 * time.Millisecond)
					c.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
				}
				got := current(t, c.owned(t)).LastSeen
				switch {
				case tt.moves && (time.Since(got) > time.Second || !got.After(login)):
					t.Errorf("%s: after 5s of reads LastSeen is %v, %v ago; want at most a TouchInterval (1s) stale", tt.name, got, time.Since(got))
				case !tt.moves && !got.Equal(login):
					t.Errorf("%s: reads moved LastSeen from %v to %v", tt.name, login, got)
				}
				time.Sleep(500 * time.Millisecond)
				c.expect(t, http.MethodPost, "/write", nil, http.StatusOK)
				if w := current(t, c.owned(t)).LastSeen; !w.Equal(time.Now()) {
					t.Errorf("%s: after a write LastSeen is %v; want now, %v", tt.name, w, time.Now())
				}
			}
		})
	})
}

// TestAcceptanceRevokeOthersRacingLogins signs out everywhere else while
// new logins of the same user arrive: every session that existed before
// is gone, the caller stays, and nothing errs.
func TestAcceptanceRevokeOthersRacingLogins(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		user := "race-" + uniq()
		caller := newAccClient(t, srv.URL, "caller")
		caller.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		var before []*accClient
		for range 5 {
			c := newAccClient(t, srv.URL, "before")
			c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			before = append(before, c)
		}
		var wg sync.WaitGroup
		racers := make([]*accClient, 8)
		for i := range racers {
			racers[i] = newAccClient(t, srv.URL, "racer")
			wg.Go(func() {
				if r, err := racers[i].try(http.MethodPost, "/login", loginForm(user), nil); err != nil || r.status != http.StatusOK {
					t.Errorf("racing login = %d %s, %v", r.status, r.body, err)
				}
			})
		}
		var revoked int
		wg.Go(func() {
			r, err := caller.try(http.MethodPost, "/revoke-others", nil, nil)
			if err != nil || r.status != http.StatusOK {
				t.Errorf("revoke-others = %d %s, %v", r.status, r.body, err)
				return
			}
			var v struct{ Revoked int }
			json.Unmarshal(r.body, &v)
			revoked = v.Revoked
		})
		wg.Wait()
		if revoked < len(before) {
			t.Errorf("revoke-others ended %d sessions; want at least the %d that existed before it", revoked, len(before))
		}
		caller.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
		for i, c := range before {
			if r := c.do(t, http.MethodGet, "/me", nil, nil); r.status != http.StatusUnauthorized {
				t.Errorf("session %d, logged in before revoke-others, still answers %d", i, r.status)
			}
		}
		alive := 1
		for _, c := range racers {
			if c.do(t, http.MethodGet, "/me", nil, nil).status == http.StatusOK {
				alive++
			}
		}
		if got := len(caller.owned(t)); got != alive {
			t.Errorf("the owner lists %d sessions; %d answer as logged in", got, alive)
		}
		// A second call catches what the first missed.
		caller.expect(t, http.MethodPost, "/revoke-others", nil, http.StatusOK)
		if got := caller.owned(t); len(got) != 1 || !got[0].Current {
			t.Errorf("after a second revoke-others the list is %+v; want only the caller's", got)
		}
	})
}

// TestAcceptanceCapRacingLogins races logins past MaxSessions: each
// succeeds, the owner holds no more sessions than logins raced, and
// MaxSessions logins one at a time then leave exactly those.
func TestAcceptanceCapRacingLogins(t *testing.T) {
	t.Parallel()
	const max, racing = 3, 12
	eachStore(t, func(t *testing.T, st accStore) {
		mgr, srv := newOwnerApp(t, core.Config{Store: st.open(t), Owners: core.OwnerConfig{MaxSessions: max}})
		user := "cap-" + uniq()
		var wg sync.WaitGroup
		for range racing {
			c := newAccClient(t, srv.URL, "racer")
			wg.Go(func() {
				if r, err := c.try(http.MethodPost, "/login", loginForm(user), nil); err != nil || r.status != http.StatusOK {
					t.Errorf("racing login = %d %s, %v", r.status, r.body, err)
				}
			})
		}
		wg.Wait()
		list, err := mgr.OwnerSessions(context.Background(), user)
		if err != nil {
			t.Fatal(err)
		}
		// Racing logins never evict a session newer than their own, so
		// the newest max survive; some older ones may too, over the cap
		// until the next login.
		if len(list) > racing || len(list) < max {
			t.Errorf("after %d racing logins the owner holds %d sessions; want %d to %d", racing, len(list), max, racing)
		}
		// Logins one at a time bring the owner to the cap exactly: the
		// newest max, whatever the races left.
		var last []*accClient
		for i := range max {
			c := newAccClient(t, srv.URL, fmt.Sprintf("last %d", i))
			c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			last = append(last, c)
			if got := c.owned(t); len(got) > max {
				t.Errorf("after a login one at a time the owner holds %d sessions; want at most %d", len(got), max)
			}
		}
		got := last[0].owned(t)
		var uas []string
		for _, o := range got {
			uas = append(uas, o.UserAgent)
		}
		if want := []string{"last 2", "last 1", "last 0"}; !slices.Equal(uas, want) {
			t.Errorf("after %d logins one at a time the owner holds %v; want %v", max, uas, want)
		}
	})
}

// TestAcceptanceEvictOldestOrder logs in one after another, as fast as
// possible, past the cap: the oldest logins go, in order, the newest stay.
func TestAcceptanceEvictOldestOrder(t *testing.T) {
	t.Parallel()
	const max, logins = 3, 8
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t), Owners: core.OwnerConfig{MaxSessions: max}})
		user := "evict-" + uniq()
		var cs []*accClient
		for i := range logins {
			// Redis keeps login times to the millisecond, and logins of
			// one millisecond tie (broken by key, not by order): close
			// in time here means in consecutive milliseconds.
			for at := time.Now(); time.Now().UnixMilli() == at.UnixMilli(); {
				time.Sleep(100 * time.Microsecond)
			}
			c := newAccClient(t, srv.URL, fmt.Sprintf("device %d", i))
			c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			cs = append(cs, c)
			// After each login the newest max are the ones alive.
			for j, d := range cs {
				want := http.StatusUnauthorized
				if j >= len(cs)-max {
					want = http.StatusOK
				}
				if r := d.do(t, http.MethodGet, "/me", nil, nil); r.status != want {
					t.Errorf("after login %d, device %d answers %d; want %d", i, j, r.status, want)
				}
			}
		}
		list := cs[len(cs)-1].owned(t)
		var uas []string
		for _, o := range list {
			uas = append(uas, o.UserAgent)
		}
		want := []string{"device 7", "device 6", "device 5"}
		if !slices.Equal(uas, want) {
			t.Errorf("listed (newest first) %v; want %v", uas, want)
		}
	})
}

// TestAcceptanceRefuseNew refuses the login past the cap and saves
// nothing, while the sessions in place stay.
func TestAcceptanceRefuseNew(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		mgr, srv := newOwnerApp(t, core.Config{Store: st.open(t), Owners: core.OwnerConfig{MaxSessions: 2, OnLimit: core.RefuseNew}})
		user := "refuse-" + uniq()
		a, b, c := newAccClient(t, srv.URL, "a"), newAccClient(t, srv.URL, "b"), newAccClient(t, srv.URL, "c")
		a.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		b.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusConflict)
		c.expect(t, http.MethodGet, "/sessions", nil, http.StatusUnauthorized)
		a.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
		b.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
		if list, err := mgr.OwnerSessions(context.Background(), user); err != nil || len(list) != 2 {
			t.Errorf("after the refusal the owner holds %d sessions (%v); want 2", len(list), err)
		}
		// Room again after a sign-out.
		b.expect(t, http.MethodPost, "/logout", nil, http.StatusOK)
		c.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		if got := c.owned(t); len(got) != 2 {
			t.Errorf("after a logout and a login the owner lists %d; want 2", len(got))
		}
	})
}

// TestAcceptanceRevokedInFlight revokes a session while one of its
// requests is in flight, then lets that request write, regenerate, rebind
// or extend it: the session stays revoked, and the request's cookie opens
// no session of the owner.
func TestAcceptanceRevokedInFlight(t *testing.T) {
	t.Parallel()
	for _, st := range accStores {
		for _, op := range []string{"write", "regenerate", "rebind", "lifetime"} {
			t.Run(st.name+"/"+op, func(t *testing.T) {
				t.Parallel()
				store := st.open(t)
				mgr, srv := newOwnerApp(t, core.Config{Store: store, Lifetime: 2 * time.Hour, MaxLifetime: 2 * time.Hour})
				user := "inflight-" + uniq()
				keeper := newAccClient(t, srv.URL, "keeper")
				victim := newAccClient(t, srv.URL, "victim")
				keeper.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
				victim.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
				var victimHandle string
				for _, o := range keeper.owned(t) {
					if !o.Current {
						victimHandle = o.Handle
					}
				}
				name := uniq()
				g := slowGates.get(name)
				release := sync.OnceFunc(func() { close(g.release) })
				defer release() // never leave the request hanging
				done := make(chan accResp, 1)
				go func() {
					r, err := victim.try(http.MethodPost, "/slow/"+op, url.Values{"gate": {name}}, nil)
					if err != nil {
						t.Error(err)
					}
					done <- r
				}()
				select {
				case <-g.loaded:
				case <-time.After(10 * time.Second):
					t.Fatal("the slow request did not start")
				}
				keeper.expect(t, http.MethodDelete, "/sessions/"+victimHandle, nil, http.StatusOK)
				release()
				<-done
				victim.expect(t, http.MethodGet, "/me", nil, http.StatusUnauthorized)
				victim.expect(t, http.MethodGet, "/sessions", nil, http.StatusUnauthorized)
				if got := keeper.owned(t); len(got) != 1 || !got[0].Current {
					t.Errorf("after the in-flight %s the owner lists %+v; want only the keeper's session", op, got)
				}
				if op == "rebind" {
					if list, err := mgr.OwnerSessions(context.Background(), user+"-again"); err != nil || len(list) != 0 {
						t.Errorf("the revoked session was bound to a new owner: %+v, %v", list, err)
					}
				}
			})
		}
	}
}

// TestAcceptanceOwnerChange logs one browser in as alice, then as bob,
// with and without Regenerate: alice no longer lists the session, and
// her handle for it revokes nothing of bob's.
func TestAcceptanceOwnerChange(t *testing.T) {
	t.Parallel()
	for _, st := range accStores {
		for _, route := range []string{"/login", "/rebind"} {
			t.Run(st.name+route, func(t *testing.T) {
				t.Parallel()
				_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
				alice, bob := "alice-"+uniq(), "bob-"+uniq()
				aliceOther := newAccClient(t, srv.URL, "alice's other")
				shared := newAccClient(t, srv.URL, "shared")
				aliceOther.expect(t, http.MethodPost, "/login", loginForm(alice), http.StatusOK)
				shared.expect(t, http.MethodPost, "/login", loginForm(alice), http.StatusOK)
				var sharedAsAlice string
				for _, o := range aliceOther.owned(t) {
					if !o.Current {
						sharedAsAlice = o.Handle
					}
				}
				shared.expect(t, http.MethodPost, route, loginForm(bob), http.StatusOK)
				if got := aliceOther.owned(t); len(got) != 1 || !got[0].Current {
					t.Errorf("alice lists %+v after the browser logged in as bob; want only her own", got)
				}
				bobs := shared.owned(t)
				if len(bobs) != 1 || !bobs[0].Current {
					t.Fatalf("bob lists %+v; want the shared browser's session", bobs)
				}
				if route == "/rebind" && bobs[0].Handle != sharedAsAlice {
					t.Fatalf("a rebind without Regenerate changed the handle")
				}
				if r := aliceOther.do(t, http.MethodDelete, "/sessions/"+sharedAsAlice, nil, nil); r.status != http.StatusNotFound {
					t.Errorf("alice revoking the handle the session had as hers = %d %s; want 404", r.status, r.body)
				}
				if r := aliceOther.do(t, http.MethodPost, "/revoke-others", nil, nil); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`"revoked":0`)) {
					t.Errorf("alice's revoke-others = %d %s; want 0 revoked", r.status, r.body)
				}
				shared.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
				if got := shared.owned(t); len(got) != 1 {
					t.Errorf("bob lists %d sessions after alice's attempts; want 1", len(got))
				}
			})
		}
	}
}

// TestAcceptanceUnbind unbinds a session (SetOwner("")): it is no longer
// listed, and its old handle revokes nothing.
func TestAcceptanceUnbind(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		user := "unbind-" + uniq()
		a, b := twoDevices(t, srv.URL, user)
		bHandle := current(t, b.owned(t)).Handle
		b.expect(t, http.MethodPost, "/rebind", loginForm(""), http.StatusOK)
		b.expect(t, http.MethodGet, "/sessions", nil, http.StatusUnauthorized)
		if got := a.owned(t); len(got) != 1 || !got[0].Current {
			t.Errorf("after the other session unbound, the owner lists %+v; want only its own", got)
		}
		if r := a.do(t, http.MethodDelete, "/sessions/"+bHandle, nil, nil); r.status != http.StatusNotFound {
			t.Errorf("revoking the unbound session's handle = %d; want 404", r.status)
		}
		b.expect(t, http.MethodPost, "/write", nil, http.StatusOK) // the unbound session lives on
		if got := a.owned(t); len(got) != 1 {
			t.Errorf("after the unbound session wrote, the owner lists %d; want 1", len(got))
		}
	})
}

// TestAcceptanceRevokeOwnHandle revokes the caller's own session by its
// handle: logged out, cookie cleared, the cookie replayed opens nothing.
func TestAcceptanceRevokeOwnHandle(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		user := "self-" + uniq()
		a, b := twoDevices(t, srv.URL, user)
		stolen := a.cookie(t)
		own := current(t, a.owned(t)).Handle
		r := a.do(t, http.MethodDelete, "/sessions/"+own, nil, nil)
		if r.status != http.StatusOK {
			t.Fatalf("DELETE own handle = %d %s", r.status, r.body)
		}
		cleared := false
		for _, c := range (&http.Response{Header: r.header}).Cookies() {
			if c.Name == "session" && c.MaxAge < 0 {
				cleared = true
			}
		}
		if !cleared {
			t.Errorf("DELETE own handle sets cookies %v; want the session cookie cleared", r.header["Set-Cookie"])
		}
		if r := raw(t, http.MethodGet, srv.URL+"/me", map[string]string{"Cookie": stolen}); r.status != http.StatusUnauthorized {
			t.Errorf("the self-revoked cookie replayed: GET /me = %d", r.status)
		}
		if got := b.owned(t); len(got) != 1 || !got[0].Current {
			t.Errorf("the other device lists %+v; want only itself", got)
		}
		if r := b.do(t, http.MethodDelete, "/sessions/"+own, nil, nil); r.status != http.StatusNotFound {
			t.Errorf("revoking the self-revoked handle again = %d; want 404", r.status)
		}
	})
}

// TestAcceptanceRegenerateThenList lists in the request that regenerates:
// the session is still listed once, as current.
func TestAcceptanceRegenerateThenList(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t)})
		user := "relist-" + uniq()
		a, _ := twoDevices(t, srv.URL, user)
		body := a.expect(t, http.MethodPost, "/regenerate-list", nil, http.StatusOK)
		var v struct{ Listed, Current int }
		json.Unmarshal(body, &v)
		if v.Listed != 2 || v.Current != 1 {
			t.Errorf("listing in the regenerating request = %s; want 2 listed, 1 current", body)
		}
		if got := a.owned(t); len(got) != 2 {
			t.Errorf("after the regenerate the owner lists %d; want 2", len(got))
		} else {
			current(t, got)
		}
	})
}

// TestAcceptanceRefuseNewRelogin logs in again from a browser already
// logged in, at the cap under RefuseNew: its old session makes room.
func TestAcceptanceRefuseNewRelogin(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, st accStore) {
		_, srv := newOwnerApp(t, core.Config{Store: st.open(t), Owners: core.OwnerConfig{MaxSessions: 2, OnLimit: core.RefuseNew}})
		user := "relogin-" + uniq()
		a, b := twoDevices(t, srv.URL, user)
		a.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
		if got := a.owned(t); len(got) != 2 {
			t.Errorf("after a re-login at the cap the owner lists %d; want 2", len(got))
		}
		b.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
	})
}

// TestAcceptanceIdleExpiredNotListed lets a session sit idle past a real
// 1-second IdleTimeout: it is no longer listed, while one in use is.
func TestAcceptanceIdleExpiredNotListed(t *testing.T) {
	t.Parallel()
	for _, st := range sharedStores { // the memory store: TestAcceptanceMemoryClock
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			_, srv := newOwnerApp(t, core.Config{Store: st.open(t), IdleTimeout: time.Second, TouchInterval: 200 * time.Millisecond})
			user := "idle-" + uniq()
			idle, busy := newAccClient(t, srv.URL, "idle"), newAccClient(t, srv.URL, "busy")
			idle.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			busy.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
			deadline := time.Now().Add(6 * time.Second)
			var got []ownedJSON
			for {
				got = busy.owned(t)
				if len(got) == 1 || time.Now().After(deadline) {
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if len(got) != 1 || !got[0].Current {
				t.Errorf("after the idle one's IdleTimeout the list is %+v; want only the busy session", got)
			}
			idle.expect(t, http.MethodGet, "/me", nil, http.StatusUnauthorized)
			busy.expect(t, http.MethodGet, "/me", nil, http.StatusOK)
		})
	}
}

// failingIndex is a store whose owner index fails, while down is set, with
// an error whose text must never reach a client.
type failingIndex struct {
	core.StoreWrapper
	down *atomic.Bool
}

const storeSecretText = "SECRET-STORE-TEXT redis://admin:hunter2@10.0.0.7"

func (f failingIndex) Owned(ctx context.Context, owner string) ([]core.OwnedRecord, error) {
	if f.down.Load() {
		return nil, errors.New(storeSecretText)
	}
	return f.StoreWrapper.Owned(ctx, owner)
}

// TestAcceptanceOwnerIndexFailure fails the owner index: every session
// route answers a generic 500, a login under EvictOldest still succeeds
// (one session over the cap until the next login), and one under
// RefuseNew fails with nothing saved.
func TestAcceptanceOwnerIndexFailure(t *testing.T) {
	t.Parallel()
	quiet := slog.New(slog.DiscardHandler)
	for _, st := range accStores {
		for _, policy := range []core.LimitPolicy{core.EvictOldest, core.RefuseNew} {
			t.Run(st.name+"/"+policy.String(), func(t *testing.T) {
				t.Parallel()
				down := new(atomic.Bool)
				store := failingIndex{core.WrapStore(st.open(t)), down}
				_, srv := newOwnerApp(t, core.Config{Store: store, Logger: quiet, Owners: core.OwnerConfig{MaxSessions: 2, OnLimit: policy}})
				user := "down-" + uniq()
				a, b, c := newAccClient(t, srv.URL, "a"), newAccClient(t, srv.URL, "b"), newAccClient(t, srv.URL, "c")
				a.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
				b.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
				down.Store(true)
				for _, rt := range []struct{ method, path string }{
					{http.MethodGet, "/sessions"},
					{http.MethodPost, "/revoke-others"},
					{http.MethodDelete, "/sessions/" + rand.Text()[:22]},
				} {
					r := a.do(t, rt.method, rt.path, nil, nil)
					if r.status != http.StatusInternalServerError || bytes.Contains(r.body, []byte("SECRET")) || bytes.Contains(r.body, []byte("hunter2")) {
						t.Errorf("%s %s with the index down = %d %s; want a 500 without the store's text", rt.method, rt.path, r.status, r.body)
					}
				}
				r := c.do(t, http.MethodPost, "/login", loginForm(user), nil)
				if bytes.Contains(r.body, []byte("SECRET")) || bytes.Contains(r.body, []byte("hunter2")) {
					t.Errorf("login with the index down answers %s: the store's text", r.body)
				}
				down.Store(false)
				if policy == core.RefuseNew {
					if r.status != http.StatusInternalServerError {
						t.Errorf("RefuseNew login with the index down = %d %s; want 500", r.status, r.body)
					}
					c.expect(t, http.MethodGet, "/sessions", nil, http.StatusUnauthorized)
					if got := a.owned(t); len(got) != 2 {
						t.Errorf("after the failed login the owner lists %d; want 2", len(got))
					}
					return
				}
				if r.status != http.StatusOK {
					t.Fatalf("EvictOldest login with the index down = %d %s; want 200", r.status, r.body)
				}
				if got := c.owned(t); len(got) != 3 {
					t.Errorf("after a login whose eviction failed the owner lists %d; want 3, one over the cap", len(got))
				}
				d := newAccClient(t, srv.URL, "d")
				d.expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
				if got := d.owned(t); len(got) != 2 || got[0].UserAgent != "d" || got[1].UserAgent != "c" {
					t.Errorf("the next login leaves %+v; want d and c", got)
				}
			})
		}
	}
}

// TestAcceptanceRedisKeysNameNoUser checks that no Redis key name holds
// an owner ID.
func TestAcceptanceRedisKeysNameNoUser(t *testing.T) {
	t.Parallel()
	opts, err := redis.ParseURL(testenv.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	prefix := "acceptance:" + uniq() + ":"
	defer func() {
		dropRedisPrefix(t, client, prefix)
		client.Close()
	}()
	store, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	_, srv := newOwnerApp(t, core.Config{Store: store})
	user := "user-name-" + uniq()
	for range 2 {
		newAccClient(t, srv.URL, "ua").expect(t, http.MethodPost, "/login", loginForm(user), http.StatusOK)
	}
	keys, err := client.Keys(context.Background(), prefix+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) < 3 {
		t.Fatalf("Redis holds %d keys under the prefix; want 2 sessions and an owner index", len(keys))
	}
	for _, k := range keys {
		if strings.Contains(k, user) {
			t.Errorf("the Redis key %q names the user", k)
		}
	}
}

// ---- the example apps, built and run ----

// buildExample builds the example app name (chi or gin) from this
// checkout into dir and returns the binary's path.
func buildExample(t *testing.T, dir, name string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./examples/"+name)
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build ./examples/%s: %v\n%s", name, err, out)
	}
	return bin
}

var listeningLine = regexp.MustCompile(`msg=listening url=(\S+)`)

// runExample starts bin with a clean environment plus env and returns its
// URL; t's cleanup interrupts it.
func runExample(t *testing.T, bin string, env ...string) string {
	t.Helper()
	cmd := exec.Command(bin)
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name == "ADDR" || name == "REDIS_URL" || name == "DATABASE_URL" || strings.HasPrefix(name, "SESSION_") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, append([]string{"ADDR=127.0.0.1:0"}, env...)...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urls := make(chan string, 1)
	exited := make(chan struct{})
	var mu sync.Mutex
	var logs strings.Builder
	go func() {
		defer close(exited)
		b := make([]byte, 0, 4096)
		buf := make([]byte, 4096)
		for {
			n, err := stderr.Read(buf)
			b = append(b, buf[:n]...)
			for {
				i := bytes.IndexByte(b, '\n')
				if i < 0 {
					break
				}
				line := string(b[:i])
				b = b[i+1:]
				if m := listeningLine.FindStringSubmatch(line); m != nil {
					select {
					case urls <- m[1]:
					default:
					}
				}
				mu.Lock()
				logs.WriteString(line + "\n")
				mu.Unlock()
			}
			if err != nil {
				break
			}
		}
		cmd.Wait()
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
	})
	select {
	case u := <-urls:
		return u
	case <-exited:
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("%s exited before listening:\n%s", bin, logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not listen within 30s", bin)
	}
	return ""
}

type exampleSession struct {
	ID        string `json:"id"`
	Current   bool   `json:"current"`
	Created   string `json:"created"`
	LastSeen  string `json:"last_seen"`
	UserAgent string `json:"user_agent"`
}

func (c *accClient) exampleSessions(t *testing.T) []exampleSession {
	t.Helper()
	b := c.expect(t, http.MethodGet, "/api/sessions", nil, http.StatusOK)
	if !utf8.Valid(b) {
		t.Errorf("GET /api/sessions is not UTF-8: %q", b)
	}
	var v map[string][]map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET /api/sessions = %s: %v", b, err)
	}
	for _, s := range v["sessions"] {
		for k := range s {
			if !slices.Contains([]string{"id", "current", "created", "last_seen", "user_agent"}, k) {
				t.Errorf("GET /api/sessions lists a field %q: %s", k, b)
			}
		}
	}
	var list struct{ Sessions []exampleSession }
	json.Unmarshal(b, &list)
	n := 0
	for _, s := range list.Sessions {
		if s.Current {
			n++
		}
	}
	if n != 1 {
		t.Errorf("GET /api/sessions marks %d sessions current; want 1: %s", n, b)
	}
	return list.Sessions
}

func exampleEnv(t *testing.T, store string) []string {
	t.Helper()
	env := []string{"SESSION_SECRET=" + rand.Text() + rand.Text()}
	switch store {
	case "redis":
		env = append(env, "SESSION_STORE=redis", "REDIS_URL="+testenv.RedisURL(t))
	case "postgres":
		env = append(env, "SESSION_STORE=postgres", "DATABASE_URL="+privateSchemaURL(t, testenv.DatabaseURL(t)))
	}
	return env
}

// privateSchemaURL creates a schema of the test's own, dropped at its
// cleanup, and returns dbURL with it as the search_path.
func privateSchemaURL(t *testing.T, dbURL string) string {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := "acceptance_" + uniq()
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema: %v", err)
		}
		conn.Close(context.Background())
	})
	u, _ := url.Parse(dbURL)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

const hostileUA = `</title><script>alert("ua")</script><img src=x onerror=alert(1)>"' &amp;`

// TestAcceptanceExampleApps attacks the built example apps over HTTP.
func TestAcceptanceExampleApps(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	chiBin, ginBin := buildExample(t, dir, "chi"), buildExample(t, dir, "gin")

	for _, app := range []struct{ name, bin string }{{"chi", chiBin}, {"gin", ginBin}} {
		t.Run(app.name+": foreign and unknown handles are one 404", func(t *testing.T) {
			t.Parallel()
			base := runExample(t, app.bin, exampleEnv(t, "memory")...)
			alice, bob := newAccClient(t, base, "alice"), newAccClient(t, base, "bob")
			alice.expect(t, http.MethodPost, "/api/login", loginForm("alice"), http.StatusOK)
			bob.expect(t, http.MethodPost, "/api/login", loginForm("bob"), http.StatusOK)
			bobHandle := bob.exampleSessions(t)[0].ID
			answers := map[string]accResp{}
			for name, h := range map[string]string{"another user's": bobHandle, "never existed": rand.Text()[:22]} {
				r := alice.do(t, http.MethodDelete, "/api/sessions/"+h, nil, nil)
				if r.status != http.StatusNotFound {
					t.Errorf("DELETE %s handle = %d %s; want 404", name, r.status, r.body)
				}
				r.header.Del("Date")
				answers[name] = r
				p := alice.do(t, http.MethodPost, "/sessions/revoke", url.Values{"id": {h}}, map[string]string{"Accept": "text/html"})
				if p.status != http.StatusNotFound || !bytes.Contains(p.body, []byte("no such session")) {
					t.Errorf("page revoke of %s handle = %d; want the page with 404 \"no such session\"", name, p.status)
				}
				p.header.Del("Date")
				answers[name+" page"] = p
			}
			for _, kind := range []string{"", " page"} {
				f, n := answers["another user's"+kind], answers["never existed"+kind]
				if f.status != n.status || !bytes.Equal(f.body, n.body) || fmt.Sprint(f.header) != fmt.Sprint(n.header) {
					t.Errorf("%s: another user's handle answers %d %v %s; a handle that never existed %d %v %s", kind, f.status, f.header, f.body, n.status, n.header, n.body)
				}
			}
			bob.expect(t, http.MethodGet, "/api/me", nil, http.StatusOK)
		})

		t.Run(app.name+": cross-origin revocation is refused", func(t *testing.T) {
			t.Parallel()
			base := runExample(t, app.bin, exampleEnv(t, "memory")...)
			u, _ := url.Parse(base)
			victim, other := newAccClient(t, base, "victim"), newAccClient(t, base, "other device")
			victim.expect(t, http.MethodPost, "/api/login", loginForm("victim"), http.StatusOK)
			other.expect(t, http.MethodPost, "/api/login", loginForm("victim"), http.StatusOK)
			otherHandle := other.exampleSessions(t)[0].ID
			for _, h := range []map[string]string{
				{"Origin": "http://evil.example"},
				{"Origin": "null"},
				{"Origin": "http://" + u.Hostname() + ":1"},             // another port
				{"Origin": "http://" + u.Host + ".evil.example"},        // a suffix
				{"Sec-Fetch-Site": "cross-site"},                        // a browser, no Origin
				{"Sec-Fetch-Site": "same-site"},                         // a sibling subdomain
				{"Sec-Fetch-Site": "cross-site", "Origin": base},        // a forged Origin does not win
				{"Sec-Fetch-Site": "same-site", "Origin": "http://x.y"}, //
			} {
				for _, rt := range []struct {
					method, path string
					form         url.Values
				}{
					{http.MethodPost, "/sessions/revoke-others", url.Values{}},
					{http.MethodPost, "/sessions/revoke", url.Values{"id": {otherHandle}}},
					{http.MethodPost, "/api/sessions/revoke-others", nil},
					{http.MethodDelete, "/api/sessions/" + otherHandle, nil},
				} {
					hdr := map[string]string{"Accept": "text/html"}
					for k, v := range h {
						hdr[k] = v
					}
					if r := victim.do(t, rt.method, rt.path, rt.form, hdr); r.status != http.StatusForbidden {
						t.Errorf("%s %s with %v = %d; want 403", rt.method, rt.path, h, r.status)
					}
				}
			}
			other.expect(t, http.MethodGet, "/api/me", nil, http.StatusOK)
			if got := victim.exampleSessions(t); len(got) != 2 {
				t.Errorf("after the cross-origin attempts the user lists %d sessions; want 2", len(got))
			}
			// The same form, same-origin, works.
			r := victim.do(t, http.MethodPost, "/sessions/revoke-others", url.Values{}, map[string]string{"Origin": base, "Sec-Fetch-Site": "same-origin", "Accept": "text/html"})
			if r.status != http.StatusSeeOther {
				t.Errorf("same-origin revoke-others = %d %s; want 303", r.status, r.body)
			}
			other.expect(t, http.MethodGet, "/api/me", nil, http.StatusUnauthorized)
		})

		t.Run(app.name+": the page's forms and the JSON list", func(t *testing.T) {
			t.Parallel()
			base := runExample(t, app.bin, exampleEnv(t, "memory")...)
			html := map[string]string{"Accept": "text/html"}
			anon := newAccClient(t, base, "anon")
			for _, rt := range []struct {
				path string
				form url.Values
			}{{"/sessions/revoke", url.Values{"id": {"x"}}}, {"/sessions/revoke-others", url.Values{}}} {
				if r := anon.do(t, http.MethodPost, rt.path, rt.form, html); r.status != http.StatusUnauthorized || !bytes.Contains(r.body, []byte("not logged in")) {
					t.Errorf("POST %s without a user = %d; want the page with 401 \"not logged in\"", rt.path, r.status)
				}
			}
			anon.expect(t, http.MethodGet, "/api/sessions", nil, http.StatusUnauthorized)
			anon.expect(t, http.MethodPost, "/api/sessions/revoke-others", nil, http.StatusUnauthorized)
			anon.expect(t, http.MethodDelete, "/api/sessions/"+rand.Text()[:22], nil, http.StatusUnauthorized)

			user := "forms-" + uniq()
			before := time.Now().UTC().Truncate(time.Second)
			firefox := newAccClient(t, base, "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0")
			chrome := newAccClient(t, base, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36")
			firefox.expect(t, http.MethodPost, "/api/login", loginForm(user), http.StatusOK)
			chrome.expect(t, http.MethodPost, "/api/login", loginForm(user), http.StatusOK)
			list := firefox.exampleSessions(t)
			if len(list) != 2 || list[0].UserAgent != chrome.ua || list[1].UserAgent != firefox.ua || !list[1].Current {
				t.Fatalf("GET /api/sessions = %+v; want chrome's then firefox's (current)", list)
			}
			for _, s := range list {
				for _, ts := range []string{s.Created, s.LastSeen} {
					at, err := time.Parse(time.RFC3339, ts)
					if err != nil || !strings.HasSuffix(ts, "Z") || at.Before(before) || at.After(time.Now().Add(time.Second)) {
						t.Errorf("time %q: want RFC 3339 in UTC, to the second, of the login (%v)", ts, err)
					}
				}
			}
			if r := firefox.do(t, http.MethodPost, "/sessions/revoke", url.Values{"id": {"  "}}, html); r.status != http.StatusBadRequest {
				t.Errorf("page revoke with a blank id = %d; want 400", r.status)
			}
			r := firefox.do(t, http.MethodPost, "/sessions/revoke", url.Values{"id": {list[0].ID}}, nil)
			if r.status != http.StatusSeeOther || r.header.Get("Location") != "/" {
				t.Fatalf("page revoke of chrome = %d %v; want 303 to /", r.status, r.header)
			}
			if page := firefox.do(t, http.MethodGet, "/", nil, html); !bytes.Contains(page.body, []byte("Signed out Chrome on Windows.")) {
				t.Errorf("the page after revoking chrome does not say \"Signed out Chrome on Windows.\"")
			}
			chrome.expect(t, http.MethodGet, "/api/me", nil, http.StatusUnauthorized)
			page := firefox.do(t, http.MethodGet, "/", nil, html)
			if !bytes.Contains(page.body, []byte("No other device is signed in.")) || bytes.Contains(page.body, []byte(`action="/sessions/revoke"`)) {
				t.Errorf("with one session the page does not say \"No other device is signed in.\", or still offers a Revoke button")
			}
			r = firefox.do(t, http.MethodPost, "/sessions/revoke-others", url.Values{}, html)
			if r.status != http.StatusSeeOther {
				t.Errorf("revoke-others with no other device = %d; want 303", r.status)
			}
			if page := firefox.do(t, http.MethodGet, "/", nil, html); !bytes.Contains(page.body, []byte("No other device was signed in.")) {
				t.Errorf("the page after an empty revoke-others does not say \"No other device was signed in.\"")
			}
			// The caller's own handle logs it out.
			stolen := firefox.cookie(t)
			own := firefox.exampleSessions(t)[0].ID
			r = firefox.do(t, http.MethodPost, "/sessions/revoke", url.Values{"id": {own}}, html)
			if r.status != http.StatusSeeOther {
				t.Fatalf("page revoke of its own handle = %d; want 303", r.status)
			}
			if page := firefox.do(t, http.MethodGet, "/", nil, html); !bytes.Contains(page.body, []byte("You signed out this device.")) {
				t.Errorf("the page after revoking its own handle does not say \"You signed out this device.\"")
			}
			firefox.expect(t, http.MethodGet, "/api/me", nil, http.StatusUnauthorized)
			if r := raw(t, http.MethodGet, base+"/api/me", map[string]string{"Cookie": stolen}); r.status != http.StatusUnauthorized {
				t.Errorf("the self-revoked cookie replayed = %d; want 401", r.status)
			}
		})

		t.Run(app.name+": bad SESSION_MAX_PER_USER", func(t *testing.T) {
			t.Parallel()
			for _, v := range []string{"-1", "abc", "1.5", "2x", "99999999999999999999"} {
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				cmd := exec.CommandContext(ctx, app.bin)
				cmd.Env = append(os.Environ(), "ADDR=127.0.0.1:0", "SESSION_SECRET="+rand.Text()+rand.Text(), "SESSION_STORE=memory", "SESSION_MAX_PER_USER="+v)
				out, err := cmd.CombinedOutput()
				timedOut := ctx.Err() != nil
				cancel()
				if err == nil || timedOut || !bytes.Contains(out, []byte("SESSION_MAX_PER_USER")) {
					t.Errorf("SESSION_MAX_PER_USER=%q: exit %v, output %q; want it to stop at once, naming the variable", v, err, out)
				}
			}
		})

		t.Run(app.name+": hostile user agents", func(t *testing.T) {
			t.Parallel()
			base := runExample(t, app.bin, exampleEnv(t, "memory")...)
			viewer := newAccClient(t, base, "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0")
			viewer.expect(t, http.MethodPost, "/api/login", loginForm("ua-user"), http.StatusOK)
			for _, ua := range []string{hostileUA, strings.Repeat("<b>", 5000), "Chrome \xff\xfe\xc3\x28 <i>"} {
				c := newAccClient(t, base, ua)
				c.expect(t, http.MethodPost, "/api/login", loginForm("ua-user"), http.StatusOK)
			}
			list := viewer.exampleSessions(t)
			if len(list) != 4 {
				t.Fatalf("lists %d sessions; want 4", len(list))
			}
			for _, s := range list {
				if len(s.UserAgent) > core.MaxUserAgentLen || !utf8.ValidString(s.UserAgent) {
					t.Errorf("user_agent %.60q: %d bytes, valid %v; want at most %d bytes of UTF-8", s.UserAgent, len(s.UserAgent), utf8.ValidString(s.UserAgent), core.MaxUserAgentLen)
				}
			}
			page := viewer.do(t, http.MethodGet, "/", nil, map[string]string{"Accept": "text/html"})
			if page.status != http.StatusOK {
				t.Fatalf("GET / = %d", page.status)
			}
			for _, bad := range []string{`<script>alert("ua")`, `<img src=x`, "<b><b>", "<i>", "\xff"} {
				if bytes.Contains(page.body, []byte(bad)) {
					t.Errorf("the page holds the User-Agent's %q unescaped", bad)
				}
			}
			if !utf8.Valid(page.body) {
				t.Errorf("the page is not valid UTF-8")
			}
			if !bytes.Contains(page.body, []byte(`id="sessions"`)) {
				t.Errorf("the page has no Active sessions section")
			}
			if n := bytes.Count(page.body, []byte(`action="/sessions/revoke"`)); n != 3 {
				t.Errorf("the page has %d Revoke forms; want 3 (every session but this one)", n)
			}
		})

		t.Run(app.name+": store failure text never reaches a client", func(t *testing.T) {
			t.Parallel()
			dbURL := privateSchemaURL(t, testenv.DatabaseURL(t))
			base := runExample(t, app.bin, "SESSION_SECRET="+rand.Text()+rand.Text(), "SESSION_STORE=postgres", "DATABASE_URL="+dbURL)
			c := newAccClient(t, base, "ua")
			c.expect(t, http.MethodPost, "/api/login", loginForm("broken"), http.StatusOK)
			conn, err := pgx.Connect(context.Background(), dbURL)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close(context.Background())
			// Break only the owner index: the column the listing reads.
			if _, err := conn.Exec(context.Background(), "ALTER TABLE sessionkit_sessions RENAME COLUMN owner TO owner_gone"); err != nil {
				t.Fatalf("break the table: %v", err)
			}
			for _, rt := range []struct {
				method, path string
				form         url.Values
				hdr          map[string]string
			}{
				{http.MethodGet, "/api/sessions", nil, nil},
				{http.MethodPost, "/api/sessions/revoke-others", nil, nil},
				{http.MethodDelete, "/api/sessions/" + rand.Text()[:22], nil, nil},
				{http.MethodGet, "/", nil, map[string]string{"Accept": "text/html"}},
				{http.MethodPost, "/sessions/revoke-others", url.Values{}, map[string]string{"Accept": "text/html"}},
				{http.MethodPost, "/sessions/revoke", url.Values{"id": {"x"}}, map[string]string{"Accept": "text/html"}},
			} {
				r := c.do(t, rt.method, rt.path, rt.form, rt.hdr)
				if r.status != http.StatusInternalServerError {
					t.Errorf("%s %s with a broken store = %d; want 500", rt.method, rt.path, r.status)
				}
				low := strings.ToLower(string(r.body))
				for _, leak := range []string{"pgstore", "owner", "column", "sqlstate", "sessionkit_sessions", "sessionkit:", "does not exist"} {
					if strings.Contains(low, leak) {
						t.Errorf("%s %s answers %q, which holds %q", rt.method, rt.path, r.body, leak)
					}
				}
				if rt.hdr == nil && strings.TrimSpace(string(r.body)) != `{"error":"internal server error"}` {
					t.Errorf("%s %s answers %s; want the generic 500", rt.method, rt.path, r.body)
				}
			}
		})

	}

	for _, store := range []string{"redis", "postgres"} {
		t.Run("two instances on "+store, func(t *testing.T) {
			t.Parallel()
			env := exampleEnv(t, store)
			chiURL, ginURL := runExample(t, chiBin, env...), runExample(t, ginBin, env...)
			user := "inst-" + uniq()
			a := newAccClient(t, chiURL, "on chi")
			b := newAccClient(t, ginURL, "on gin")
			c := newAccClient(t, ginURL, "also on gin")
			for _, x := range []*accClient{a, b, c} {
				x.expect(t, http.MethodPost, "/api/login", loginForm(user), http.StatusOK)
			}
			stolen := b.cookie(t)
			var bHandle string
			for _, s := range b.exampleSessions(t) {
				if s.Current {
					bHandle = s.ID
				}
			}
			a.expect(t, http.MethodDelete, "/api/sessions/"+url.PathEscape(bHandle), nil, http.StatusOK)
			for _, base := range []string{chiURL, ginURL} {
				for _, p := range []string{"/api/me", "/api/sessions"} {
					if r := raw(t, http.MethodGet, base+p, map[string]string{"Cookie": stolen}); r.status != http.StatusUnauthorized {
						t.Errorf("revoked cookie replayed on %s%s = %d %s; want 401", base, p, r.status, r.body)
					}
				}
				r := raw(t, http.MethodGet, base+"/", map[string]string{"Cookie": stolen, "Accept": "text/html"})
				if bytes.Contains(r.body, []byte(`id="sessions"`)) || bytes.Contains(r.body, []byte(user)) {
					t.Errorf("revoked cookie replayed on %s/ shows the user's page", base)
				}
			}
			// Logout on gin: gone from chi's list at once.
			c.expect(t, http.MethodPost, "/api/logout", nil, http.StatusOK)
			if got := a.exampleSessions(t); len(got) != 1 || !got[0].Current {
				t.Errorf("right after the logout on the gin instance, chi lists %+v; want only its own", got)
			}
			a.expect(t, http.MethodPost, "/api/logout", nil, http.StatusOK)
		})

		t.Run("expired sessions are not listed on "+store, func(t *testing.T) {
			t.Parallel()
			env := exampleEnv(t, store)
			short := runExample(t, chiBin, append(env, "SESSION_LIFETIME=1s")...)
			long := runExample(t, ginBin, env...)
			user := "exp-" + uniq()
			old := newAccClient(t, short, "old")
			old.expect(t, http.MethodPost, "/api/login", loginForm(user), http.StatusOK)
			ends := time.Now().Add(time.Second)
			fresh := newAccClient(t, long, "fresh")
			fresh.expect(t, http.MethodPost, "/api/login", loginForm(user), http.StatusOK)
			if got := fresh.exampleSessions(t); len(got) != 2 && time.Now().Before(ends) {
				t.Fatalf("lists %d sessions before the lifetime; want 2", len(got))
			}
			for time.Now().Before(ends.Add(100 * time.Millisecond)) {
				time.Sleep(50 * time.Millisecond)
			}
			deadline := time.Now().Add(5 * time.Second)
			var got []exampleSession
			for {
				got = fresh.exampleSessions(t)
				if len(got) == 1 || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if len(got) != 1 || !got[0].Current {
				t.Errorf("after the lifetime the list is %+v; want only the live session", got)
			}
			old.expect(t, http.MethodGet, "/api/me", nil, http.StatusUnauthorized)
			fresh.expect(t, http.MethodPost, "/api/logout", nil, http.StatusOK) // leaves the shared store as it was
		})

		t.Run("the cap under racing logins on "+store, func(t *testing.T) {
			t.Parallel()
			env := exampleEnv(t, store)
			env = append(env, "SESSION_MAX_PER_USER=2")
			one, two := runExample(t, chiBin, env...), runExample(t, ginBin, env...)
			user := "capx-" + uniq()
			var wg sync.WaitGroup
			for i := range 10 {
				c := newAccClient(t, []string{one, two}[i%2], "racer")
				wg.Go(func() {
					if r, err := c.try(http.MethodPost, "/api/login", loginForm(user), nil); err != nil || r.status != http.StatusOK {
						t.Errorf("racing login = %d %s, %v", r.status, r.body, err)
					}
				})
			}
			wg.Wait()
			// Two logins one at a time, one per instance, leave exactly
			// those two.
			first, second := newAccClient(t, one, "first"), newAccClient(t, two, "second")
			first.expect(t, http.MethodPost, "/api/login", loginForm(user), http.StatusOK)
			second.expect(t, http.MethodPost, "/api/login", loginForm(user), http.StatusOK)
			got := first.exampleSessions(t)
			if len(got) != 2 || got[0].UserAgent != "second" || got[1].UserAgent != "first" {
				t.Errorf("after the races and two logins one at a time the user holds %+v; want the two", got)
			}
			if n, _ := strconv.Atoi(string(regexp.MustCompile(`\d+`).Find(first.expect(t, http.MethodPost, "/api/sessions/revoke-others", nil, http.StatusOK)))); n != 1 {
				t.Errorf("revoke-others ended %d sessions; want the 1 other", n)
			}
			first.expect(t, http.MethodPost, "/api/logout", nil, http.StatusOK) // leaves the shared store as it was
		})
	}
}
