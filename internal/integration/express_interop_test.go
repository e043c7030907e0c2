package integration_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expresstest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// The interop tests run a real express-session app (internal/expresstest)
// and a Go app on core in ExpressShare (or ExpressMigrate) side by side,
// on one Redis and then one PostgreSQL, with one cookie jar: a browser
// moving between the Node and the Go routes of one site.

// interopStores opens, for an app's Config, the store Go shares with it.
type interopStores struct {
	name string
	// open returns the app's Config, with a key space of the test's own,
	// and how to read its records.
	open func(t *testing.T) (expresstest.Config, expressRecord)
	// express returns the Go store over the app's records.
	express func(t *testing.T, cfg expresstest.Config) core.Store
	// native returns a native store for migrated sessions.
	native func(t *testing.T) core.Store
}

var interopBackends = []interopStores{
	{name: "redis", open: openRedisExpress, express: redisExpressStore, native: openAccRedis},
	{name: "postgres", open: openPgExpress, express: pgExpressStore, native: openAccPostgres},
}

func redisExpressStore(t *testing.T, cfg expresstest.Config) core.Store {
	opts, err := redis.ParseURL(cfg.RedisURL)
	if err != nil {
		t.Fatal(err)
	}
	opts.ContextTimeoutEnabled = true
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	s, err := redisstore.NewExpress(client, redisstore.ExpressOptions{Prefix: cfg.Prefix})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func pgExpressStore(t *testing.T, cfg expresstest.Config) core.Store {
	pool, err := pgxpool.New(context.Background(), cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pgstore.NewExpress(pool, pgstore.ExpressOptions{Schema: cfg.Schema, Table: cfg.Table, CreateTable: true})
	if err != nil {
		pool.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		s.Close()
		pool.Close()
	})
	return s
}

// interop is one scenario's two apps and browser.
type interop struct {
	t      *testing.T
	stores interopStores
	cfg    expresstest.Config
	node   *expresstest.App
	record expressRecord
	br     *browser
}

// interopMaxAge is the apps' cookie maxAge, and Go's Lifetime.
const interopMaxAge = 2 * time.Hour

func startInterop(t *testing.T, b interopStores, change func(*expresstest.Config)) *interop {
	cfg, record := b.open(t)
	cfg.MaxAge = interopMaxAge
	if change != nil {
		change(&cfg)
	}
	node := expresstest.Start(t, cfg)
	return &interop{t: t, stores: b, cfg: node.Config, node: node, record: record, br: newBrowser(t)}
}

// goApp starts a Go app sharing the Node app's sessions; cfg adds to
// the ExpressShare config.
func (x *interop) goApp(cfg core.Config, secrets ...string) string {
	if len(secrets) == 0 {
		secrets = x.cfg.Secrets
	}
	cfg.Express = core.Express{Mode: core.ExpressShare, Secrets: byteSecrets(secrets), Store: x.stores.express(x.t, x.cfg)}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = interopMaxAge
	}
	return startGoApp(x.t, cfg)
}

func byteSecrets(ss []string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i] = []byte(s)
	}
	return out
}

// startGoApp serves the Node app's routes from Go: login, me, kv, keys
// and logout.
func startGoApp(t *testing.T, cfg core.Config) string {
	t.Helper()
	m, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	user := core.Key[string]("user")
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		s.Regenerate()
		user.Set(s, r.FormValue("user"))
		writeJSON(w, 200, map[string]string{"user": r.FormValue("user")})
	})
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) {
		u, ok := user.Lookup(core.FromRequest(r))
		if !ok {
			writeJSON(w, 401, map[string]string{"error": "not logged in"})
			return
		}
		writeJSON(w, 200, map[string]string{"user": u})
	})
	mux.HandleFunc("PUT /kv/{key}", func(w http.ResponseWriter, r *http.Request) {
		var v json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
			writeJSON(w, 400, map[string]string{"error": "body is not JSON"})
			return
		}
		s := core.FromRequest(r)
		core.Key[json.RawMessage](r.PathValue("key")).Set(s, v)
		if err := s.Err(); err != nil {
			writeJSON(w, 400, map[string]string{"error": "cannot set that key"})
			return
		}
		w.WriteHeader(204)
	})
	mux.HandleFunc("GET /kv/{key}", func(w http.ResponseWriter, r *http.Request) {
		v, ok := core.Key[json.RawMessage](r.PathValue("key")).Lookup(core.FromRequest(r))
		if !ok {
			writeJSON(w, 404, map[string]string{"error": "no such key"})
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(v)
	})
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Destroy()
		writeJSON(w, 200, map[string]bool{"ok": true})
	})
	srv := httptest.NewServer(m.Handler(mux))
	t.Cleanup(srv.Close)
	return srv.URL
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// want checks one request's status and, unless wantBody is "", its body.
func (x *interop) want(base, method, path, body string, status int, wantBody string) {
	x.t.Helper()
	got, b := x.br.do(base, method, path, body)
	if b = strings.TrimSpace(b); got != status || wantBody != "" && b != wantBody {
		x.t.Errorf("%s %s on %s = %d %s; want %d %s", method, path, x.side(base), got, b, status, wantBody)
	}
}

func (x *interop) side(base string) string {
	if base == x.node.URL {
		return "Node"
	}
	return "Go"
}

// TestExpressInterop: a browser moving between an express-session app and
// a Go app in ExpressShare keeps one session, on connect-redis and on
// connect-pg-simple records.
func TestExpressInterop(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(x *interop)
	}{
		{"Node login, Go sees the user", func(x *interop) {
			goURL := x.goApp(core.Config{})
			x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, `{"user":"106"}`)
			x.want(goURL, "GET", "/me", "", 200, `{"user":"106"}`)
		}},
		{"Go login, Node sees the user", func(x *interop) {
			goURL := x.goApp(core.Config{})
			x.want(goURL, "POST", "/login", url.Values{"user": {"ann"}}.Encode(), 200, `{"user":"ann"}`)
			x.want(x.node.URL, "GET", "/me", "", 200, `{"user":"ann"}`)
			x.want(x.node.URL, "PUT", "/kv/n", `1`, 204, "")
			x.want(goURL, "GET", "/kv/n", "", 200, `1`)
		}},
		{"Go sets a key, Node sees it byte for byte", func(x *interop) {
			goURL := x.goApp(core.Config{})
			x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
			x.want(goURL, "PUT", "/kv/cart", `{"items":[1,2],"empty":[],"o":{}}`, 204, "")
			x.want(x.node.URL, "GET", "/kv/cart", "", 200, `{"items":[1,2],"empty":[],"o":{}}`)
			sess, _, _ := x.record(x.t, x.node, x.br.sessionID(x.node.URL, x.cfg.Secrets[0]))
			if !strings.Contains(string(sess), `"cart":{"items":[1,2],"empty":[],"o":{}}`) {
				x.t.Errorf("stored record %s; want Go's value byte for byte", redactID(sess))
			}
		}},
		{"Go writes refresh the cookie member Node holds", func(x *interop) {
			goURL := x.goApp(core.Config{})
			x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
			id := x.br.sessionID(x.node.URL, x.cfg.Secrets[0])
			time.Sleep(1500 * time.Millisecond) // so a cookie left as Node wrote it is told apart
			before := time.Now()
			x.want(goURL, "PUT", "/kv/k", `1`, 204, "")
			sess, expire, _ := x.record(x.t, x.node, id)
			expires := checkExpressRecord(x.t, sess, interopMaxAge, before)
			if expire.Sub(expires).Abs() > time.Second {
				x.t.Errorf("store expiry %v; want the cookie's expires %v", expire, expires)
			}
			x.want(x.node.URL, "GET", "/me", "", 200, `{"user":"106"}`)
		}},
		{"Node sets a key, Go sees it byte for byte", func(x *interop) {
			goURL := x.goApp(core.Config{})
			x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
			x.want(x.node.URL, "PUT", "/kv/big", `{"n":1.50,"s":"\u00e9"}`, 204, "")
			// JSON.stringify normalises what Node stores; Go returns that
			// stored text unchanged.
			x.want(goURL, "GET", "/kv/big", "", 200, `{"n":1.5,"s":"é"}`)
			x.want(goURL, "GET", "/kv/cookie", "", 404, "")
		}},
		{"Go logout, Node is anonymous", func(x *interop) {
			goURL := x.goApp(core.Config{})
			x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
			id := x.br.sessionID(x.node.URL, x.cfg.Secrets[0])
			x.want(goURL, "POST", "/logout", "", 200, "")
			if _, _, found := x.record(x.t, x.node, id); found {
				x.t.Error("the record survived a Go logout")
			}
			x.want(x.node.URL, "GET", "/me", "", 401, "")
		}},
		{"Node logout, Go is anonymous", func(x *interop) {
			goURL := x.goApp(core.Config{})
			x.want(goURL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
			x.want(x.node.URL, "POST", "/logout", "", 200, "")
			x.want(goURL, "GET", "/me", "", 401, "")
		}},
		{"rotated-out secret refused by both", func(x *interop) {
			old := expresstest.Start(x.t, withSecrets(x.cfg, "an old secret"))
			x.want(old.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
			rotating := x.goApp(core.Config{}, x.cfg.Secrets[0], "an old secret")
			rotated := x.goApp(core.Config{})
			x.want(rotated, "GET", "/me", "", 401, "")
			x.want(x.node.URL, "GET", "/me", "", 401, "")
			// Still in the list: accepted, and re-signed with the first secret,
			// which both then accept.
			x.want(rotating, "GET", "/me", "", 200, `{"user":"106"}`)
			x.want(rotated, "GET", "/me", "", 200, `{"user":"106"}`)
			x.want(x.node.URL, "GET", "/me", "", 200, `{"user":"106"}`)
		}},
	}
	for _, b := range interopBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			for _, sc := range scenarios {
				t.Run(sc.name, func(t *testing.T) {
					t.Parallel()
					sc.run(startInterop(t, b, nil))
				})
			}
		})
	}
}

func withSecrets(cfg expresstest.Config, secrets ...string) expresstest.Config {
	cfg.Secrets = secrets
	return cfg
}

// TestExpressInteropIdleTouch: a Go request that uses the session moves
// its store expiry as Express's touch does, and re-sends the cookie with
// that expiry, so the browser still sends it and Node still finds the
// session after its original maxAge has run out; without that request
// both are gone.
func TestExpressInteropIdleTouch(t *testing.T) {
	t.Parallel()
	// Cookie Expires has whole seconds, which browsers (and cookiejar)
	// floor, and connect-redis rounds its TTL up: the times below keep
	// a margin of half a second or more from every rounding.
	const maxAge = 4 * time.Second
	for _, b := range interopBackends {
		for _, touch := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/go touch %t", b.name, touch), func(t *testing.T) {
				t.Parallel()
				x := startInterop(t, b, func(c *expresstest.Config) { c.MaxAge = maxAge })
				goURL := x.goApp(core.Config{Lifetime: maxAge, TouchInterval: 500 * time.Millisecond})
				x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
				start := time.Now()
				sleepUntil(start.Add(2500 * time.Millisecond))
				if touch {
					x.want(goURL, "GET", "/me", "", 200, `{"user":"106"}`)
					id := x.br.sessionID(x.node.URL, x.cfg.Secrets[0])
					if _, expire, _ := x.record(t, x.node, id); expire.Before(start.Add(6 * time.Second)) {
						t.Errorf("after Go's read, the store expires the session at +%v; want the touch to move it to about +6.5s", expire.Sub(start))
					}
				}
				// Past the login cookie's Expires, within the one Go's touch
				// gave.
				sleepUntil(start.Add(4800 * time.Millisecond))
				want := 401
				if touch {
					want = 200
				}
				x.want(x.node.URL, "GET", "/me", "", want, "")
			})
		}
	}
}

func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }

// TestExpressInteropConcurrentWrites: 50 concurrent Go writes to distinct
// keys lose none of each other, and never lose a Node write. Express
// saves the whole session, so a Node save that loaded the session before
// a Go write committed overwrites that write; that is Express's
// behaviour and is documented. Here the Node writes fall between the
// bursts of Go writes, and then nothing is lost; while they race, every
// Node write still survives.
func TestExpressInteropConcurrentWrites(t *testing.T) {
	t.Parallel()
	const goWriters, rounds = 50, 3
	for _, b := range interopBackends {
		for _, race := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/node racing %t", b.name, race), func(t *testing.T) {
				t.Parallel()
				x := startInterop(t, b, nil)
				goURL := x.goApp(core.Config{Limits: core.Limits{Keys: 2 * goWriters * rounds}})
				x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
				var nodeDone sync.WaitGroup
				for r := range rounds {
					nodeWrite := func() { x.want(x.node.URL, "PUT", fmt.Sprintf("/kv/n%d", r), `true`, 204, "") }
					if race {
						nodeDone.Go(nodeWrite)
					} else {
						nodeWrite()
					}
					var wg sync.WaitGroup
					for i := range goWriters {
						wg.Go(func() { x.want(goURL, "PUT", fmt.Sprintf("/kv/g%d_%d", r, i), fmt.Sprint(i), 204, "") })
					}
					wg.Wait()
				}
				nodeDone.Wait()
				id := x.br.sessionID(x.node.URL, x.cfg.Secrets[0])
				sess, _, _ := x.record(t, x.node, id)
				var rec map[string]json.RawMessage
				if err := json.Unmarshal(sess, &rec); err != nil {
					t.Fatal(err)
				}
				lost := 0
				for r := range rounds {
					if _, ok := rec[fmt.Sprintf("n%d", r)]; !ok {
						t.Errorf("Node's write n%d is lost", r)
					}
					for i := range goWriters {
						if _, ok := rec[fmt.Sprintf("g%d_%d", r, i)]; !ok {
							lost++
						}
					}
				}
				if rec["cookie"] == nil || string(rec["user"]) != `"106"` {
					t.Errorf("the record lost its cookie or user: %s", redactID(sess))
				}
				switch {
				case !race && lost > 0:
					t.Errorf("%d of %d Go writes lost with no Node write in flight; want none", lost, rounds*goWriters)
				case race:
					t.Logf("%d of %d Go writes overwritten by racing Node saves (Express saves whole sessions)", lost, rounds*goWriters)
				}
				x.want(x.node.URL, "GET", "/me", "", 200, `{"user":"106"}`)
			})
		}
	}
}

// TestExpressMigrate: a Go app in ExpressMigrate moves a Node-created
// session to a native one without a logout: a new ID and native cookie,
// the values kept, the Express record deleted and connect.sid cleared.
func TestExpressMigrate(t *testing.T) {
	t.Parallel()
	for _, b := range interopBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			x := startInterop(t, b, nil)
			goURL := startGoApp(t, core.Config{
				Secrets: [][]byte{accSecret},
				Store:   b.native(t),
				Express: core.Express{Mode: core.ExpressMigrate, Secrets: byteSecrets(x.cfg.Secrets), Store: x.stores.express(t, x.cfg)},
			})
			x.want(x.node.URL, "POST", "/login", url.Values{"user": {"106"}}.Encode(), 200, "")
			x.want(x.node.URL, "PUT", "/kv/cart", `[1,2]`, 204, "")
			id := x.br.sessionID(x.node.URL, x.cfg.Secrets[0])

			x.want(goURL, "GET", "/me", "", 200, `{"user":"106"}`)
			if _, _, found := x.record(t, x.node, id); found {
				t.Error("the Express record survived the move")
			}
			if v := x.br.cookie(goURL, core.DefaultExpressCookieName); v != "" {
				t.Error("connect.sid is still in the jar after the move")
			}
			if v := x.br.cookie(goURL, core.DefaultCookieName); v == "" {
				t.Fatal("no native cookie after the move")
			}
			x.want(goURL, "GET", "/me", "", 200, `{"user":"106"}`)
			x.want(goURL, "GET", "/kv/cart", "", 200, `[1,2]`)
			x.want(x.node.URL, "GET", "/me", "", 401, "") // Node's session is gone
		})
	}
}

// browser is a cookie jar shared by the apps of one site: cookies are
// not port-specific, so the Node and the Go app on 127.0.0.1 see the
// same ones, as two routes of one site do.
type browser struct {
	t *testing.T
	c *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, err := newJar()
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	t.Cleanup(c.CloseIdleConnections)
	return &browser{t: t, c: c}
}

// do sends a request to base+path, a form for POST, and returns the
// status and body.
func (b *browser) do(base, method, path, body string) (int, string) {
	b.t.Helper()
	return sendForm(b.t, b.c, base, method, path, body)
}

// cookie returns the jar's value of the cookie name for base.
func (b *browser) cookie(base, name string) string {
	u, _ := url.Parse(base)
	for _, ck := range b.c.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// sessionID returns the ID in the jar's connect.sid, failing the test
// unless secret signed it.
func (b *browser) sessionID(base, secret string) string {
	b.t.Helper()
	id, err := expresstest.SessionID(b.cookie(base, core.DefaultExpressCookieName), secret)
	if err != nil {
		b.t.Fatalf("connect.sid: %v", err)
	}
	return id
}

// TestExpressGoWriteKeepsNodeCookieChange: a Node save that changes the
// session's cookie (a 30-day "remember me" maxAge) between a Go
// request's load and its write survives that write: the store refreshes
// the cookie member it holds inside its compare-and-set, not Go's stale
// copy, and the record's expiry follows the 30 days.
func TestExpressGoWriteKeepsNodeCookieChange(t *testing.T) {
	t.Parallel()
	month := 30 * 24 * time.Hour
	for _, b := range interopBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			cfg, _ := b.open(t)
			store := b.express(t, cfg)
			id := "node-session-" + randomHex(t)
			nodeSave := func(maxAge time.Duration) {
				t.Helper()
				exp := time.Now().Add(maxAge)
				cookie := fmt.Sprintf(`{"originalMaxAge":%d,"expires":%q,"httpOnly":true,"path":"/"}`, maxAge.Milliseconds(), exp.UTC().Format("2006-01-02T15:04:05.000Z"))
				if err := store.Save(context.Background(), id, core.Record{Values: map[string][]byte{"cookie": []byte(cookie), "user": []byte(`"ann"`)}, Expiry: exp}); err != nil {
					t.Fatal(err)
				}
			}
			nodeSave(time.Hour)
			m, err := core.New(core.Config{Lifetime: time.Hour, Logger: slog.New(slog.DiscardHandler),
				Express: core.Express{Mode: core.ExpressShare, Secrets: [][]byte{[]byte(expresstest.DefaultSecret)}, Store: store}})
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s := core.FromRequest(r)
				if core.Key[string]("user").Get(s) != "ann" {
					t.Error("Go did not load Node's session")
				}
				nodeSave(month) // Node's "remember me", after Go's load
				core.Key[int]("k").Set(s, 1)
			}))
			req := httptest.NewRequest("GET", "/", nil)
			req.AddCookie(&http.Cookie{Name: "connect.sid", Value: signedExpressCookie(id, expresstest.DefaultSecret)})
			h.ServeHTTP(httptest.NewRecorder(), req)
			rec, found, err := store.Load(context.Background(), id)
			if err != nil || !found {
				t.Fatalf("Load = %v, %v", found, err)
			}
			if !strings.Contains(string(rec.Values["cookie"]), `"originalMaxAge":2592000000`) || string(rec.Values["k"]) != "1" {
				t.Errorf("after the Go write: cookie %s, k %s; want Node's 30-day maxAge kept and k=1", rec.Values["cookie"], rec.Values["k"])
			}
			if d := time.Until(rec.Expiry); d < month-time.Minute {
				t.Errorf("record expires in %v; want about 30 days, Node's maxAge", d)
			}
			store.Delete(context.Background(), id)
		})
	}
}

// signedExpressCookie is the connect.sid value express-session sets for
// id under secret.
func signedExpressCookie(id, secret string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(id))
	return url.QueryEscape("s:" + id + "." + base64.RawStdEncoding.EncodeToString(m.Sum(nil)))
}
