package core_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// expressSecret is a secret as Express apps often have them: short.
var expressSecret = []byte("keyboard cat")

// signExpress returns the connect.sid value express-session sets for id.
func signExpress(id string, secret []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(id))
	sig := strings.TrimRight(base64.StdEncoding.EncodeToString(m.Sum(nil)), "=")
	return url.QueryEscape("s:" + id + "." + sig)
}

func expressCookie(id string, secret []byte) *http.Cookie {
	return &http.Cookie{Name: core.DefaultExpressCookieName, Value: signExpress(id, secret)}
}

// nodeRecord is a record as connect-redis holds one Node wrote: the
// cookie member with maxAge ms and expires at exp, and the values' exact
// text.
func nodeRecord(maxAge time.Duration, exp time.Time, vals map[string]string) core.Record {
	rec := core.Record{Values: map[string][]byte{}, Expiry: exp}
	rec.Values["cookie"] = []byte(`{"originalMaxAge":` + jsonInt(maxAge.Milliseconds()) + `,"expires":"` + exp.UTC().Format("2006-01-02T15:04:05.000Z") + `","httpOnly":true,"path":"/"}`)
	for k, v := range vals {
		rec.Values[k] = []byte(v)
	}
	return rec
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }

// newShared returns a manager in ExpressShare over a fresh memory store.
func newShared(t testing.TB, cfg core.Config) (*core.Manager, *core.MemoryStore) {
	t.Helper()
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { mem.Close() })
	cfg.Express = core.Express{Mode: core.ExpressShare, Secrets: [][]byte{expressSecret}, Store: mem}
	cfg.Logger = slog.New(slog.DiscardHandler)
	m, err := core.New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m, mem
}

func loadRaw(t testing.TB, s core.Store, key string) (core.Record, bool) {
	t.Helper()
	rec, found, err := s.Load(context.Background(), key)
	if err != nil {
		t.Fatalf("Load(%q): %v", key, err)
	}
	return rec, found
}

func TestExpressConfigErrors(t *testing.T) {
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { mem.Close() })
	share := core.Express{Mode: core.ExpressShare, Secrets: [][]byte{expressSecret}, Store: mem}
	migrate := core.Express{Mode: core.ExpressMigrate, Secrets: [][]byte{expressSecret}, Store: mem}
	with := func(x core.Express, f func(*core.Express)) core.Express { f(&x); return x }
	tests := []struct {
		name string
		cfg  core.Config
		want string
	}{
		{"unknown mode", core.Config{Secrets: [][]byte{secretA}, Express: core.Express{Mode: 9}}, "unknown ExpressMode"},
		{"no Express secrets", core.Config{Express: with(share, func(x *core.Express) { x.Secrets = nil })}, "Express.Secrets is empty"},
		{"empty Express secret", core.Config{Express: with(share, func(x *core.Express) { x.Secrets = [][]byte{{}} })}, "Express.Secrets[0] is empty"},
		{"no Express store", core.Config{Express: with(share, func(x *core.Express) { x.Store = nil })}, "Express.Store is nil"},
		{"bad cookie name", core.Config{Express: with(share, func(x *core.Express) { x.CookieName = "a b" })}, "not a valid cookie name"},
		{"share with native secrets", core.Config{Secrets: [][]byte{secretA}, Express: share}, "leave Secrets unset"},
		{"share with a native store", core.Config{Store: mem, Express: share}, "leave Store unset"},
		{"share with another cookie name", core.Config{Cookie: core.CookieConfig{Name: "sid"}, Express: share}, `Cookie.Name "sid" differs`},
		{"share with an idle timeout", core.Config{IdleTimeout: time.Hour, Express: share}, "IdleTimeout must be zero"},
		{"migrate without native secrets", core.Config{Express: migrate}, "no secret"},
		{"migrate onto the same cookie name", core.Config{Secrets: [][]byte{secretA}, Cookie: core.CookieConfig{Name: "connect.sid"}, Express: migrate}, "needs a name of its own"},
		{"migrate with a short native secret", core.Config{Secrets: [][]byte{expressSecret}, Express: migrate}, "want at least 32"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := core.New(tt.cfg)
			if err == nil {
				m.Close()
				t.Fatalf("New = nil error; want one containing %q", tt.want)
			}
			if !errors.Is(err, core.ErrInvalidConfig) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New = %v; want ErrInvalidConfig containing %q", err, tt.want)
			}
		})
	}
}

func TestExpressShortSecretsWarnOnce(t *testing.T) {
	for _, tt := range []struct {
		name    string
		secrets [][]byte
		want    int
	}{
		{"short", [][]byte{expressSecret}, 1},
		{"long", [][]byte{secretA}, 0},
		{"rotation with one short", [][]byte{secretA, expressSecret, []byte("x")}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
			defer mem.Close()
			m, err := core.New(core.Config{Logger: slog.New(slog.NewJSONHandler(&buf, nil)),
				Express: core.Express{Mode: core.ExpressShare, Secrets: tt.secrets, Store: mem}})
			if err != nil {
				t.Fatal(err)
			}
			m.Close()
			if got := strings.Count(buf.String(), `"event":"weak_secret"`); got != tt.want {
				t.Errorf("weak_secret warnings = %d; want %d\n%s", got, tt.want, buf.String())
			}
			for _, s := range tt.secrets {
				if len(s) > 4 && strings.Contains(buf.String(), string(s)) {
					t.Errorf("log carries a secret: %s", buf.String())
				}
			}
		})
	}
}

// TestExpressShareReadsNodeSessions: a session Node created is read and
// written in place, its cookie member kept up to date and hidden, its
// maxAge (a remember-me 30 days here) honoured, and the Set-Cookie
// carries Expires alone.
func TestExpressShareReadsNodeSessions(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, mem := newShared(t, core.Config{Lifetime: 2 * time.Hour})
		const id = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0"
		month := 30 * 24 * time.Hour
		saved := time.Now()
		if err := mem.Save(context.Background(), id, nodeRecord(month, saved.Add(month), map[string]string{"passport": `{"user":"106"}`, "big": `12345678901234567890`})); err != nil {
			t.Fatal(err)
		}
		var keys []string
		h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
			keys = s.Keys()
			if v := r.URL.Query().Get("set"); v != "" {
				core.Key[string]("k").Set(s, v)
			}
		}))
		time.Sleep(time.Hour)
		resp := serve(h, get("/", expressCookie(id, expressSecret)))
		if got := strings.Join(keys, ","); got != "big,passport" && got != "passport,big" {
			t.Errorf("Keys() = %v; want big and passport, never cookie", keys)
		}
		if c := sessionCookie(t, resp, "connect.sid"); c == nil || !c.Expires.Equal(saved.Add(month+time.Hour).Truncate(time.Second)) {
			t.Errorf("a read that touched sent Set-Cookie %v; want the cookie with the touch's Expires, so the browser keeps it as long as the store", c)
		}
		rec, _ := loadRaw(t, mem, id)
		if want := saved.Add(month + time.Hour); !rec.Expiry.Equal(want) {
			t.Errorf("after a read an hour on, Expiry = %v; want the touch to %v (now + the session's 30-day maxAge)", rec.Expiry, want)
		}

		time.Sleep(time.Second)
		if c := sessionCookie(t, serve(h, get("/", expressCookie(id, expressSecret))), "connect.sid"); c != nil {
			t.Errorf("a read within TouchInterval of the touch sent Set-Cookie %v; want none", c)
		}
		time.Sleep(time.Minute)
		resp = serve(h, get("/?set=v", expressCookie(id, expressSecret)))
		c := sessionCookie(t, resp, "connect.sid")
		if c == nil || c.Value != signExpress(id, expressSecret) {
			t.Fatalf("write sent Set-Cookie %v; want Express's cookie for the same ID", c)
		}
		if line := resp.Header.Get("Set-Cookie"); strings.Contains(line, "Max-Age") || !strings.Contains(line, "Expires=") {
			t.Errorf("Set-Cookie %q; want Expires and no Max-Age, as Express sends", line)
		}
		rec, _ = loadRaw(t, mem, id)
		now := time.Now()
		// A plain write leaves the cookie member to the store, which
		// refreshes the one it holds (see the Express stores' tests);
		// a RememberMe or SetLifetime sends Go's.
		if got, want := string(rec.Values["cookie"]), string(nodeRecord(month, saved.Add(month), nil).Values["cookie"]); got != want {
			t.Errorf("cookie member after a plain write = %s; want Node's, untouched by the patch: %s", got, want)
		}
		if got := string(rec.Values["big"]); got != "12345678901234567890" {
			t.Errorf("Node's value = %s; want its bytes kept", got)
		}
		if !rec.Expiry.Equal(now.Add(month)) {
			t.Errorf("Expiry = %v; want %v", rec.Expiry, now.Add(month))
		}
	})
}

func TestExpressShareCreatesRecordsExpressLoads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, mem := newShared(t, core.Config{Lifetime: time.Hour, Cookie: core.CookieConfig{SameSite: http.SameSiteStrictMode}})
		var id string
		resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
			core.Key[int]("n").Set(s, 1)
			id = s.ID()
		})), get("/"))
		c := sessionCookie(t, resp, "connect.sid")
		if c == nil || c.Value != signExpress(id, expressSecret) || !strings.HasPrefix(c.Value, "s%3A") {
			t.Fatalf("Set-Cookie %v; want Express's signed form of the new ID", c)
		}
		rec, found := loadRaw(t, mem, id)
		if !found {
			t.Fatal("the record is not under the raw ID, as Express's stores key it")
		}
		now := time.Now()
		want := `{"originalMaxAge":3600000,"expires":"` + now.Add(time.Hour).UTC().Format("2006-01-02T15:04:05.000Z") + `","httpOnly":true,"path":"/","sameSite":"strict"}`
		if got := string(rec.Values["cookie"]); got != want {
			t.Errorf("cookie member = %s; want %s", got, want)
		}
		if !c.Expires.Equal(now.Add(time.Hour).Truncate(time.Second)) || c.MaxAge != 0 {
			t.Errorf("cookie Expires = %v, MaxAge = %d; want %v and no Max-Age", c.Expires, c.MaxAge, now.Add(time.Hour))
		}
	})
}

func TestExpressShareRefusesReservedKeys(t *testing.T) {
	m, mem := newShared(t, core.Config{})
	for _, name := range []string{"cookie", "sessionkitOwner", "sessionkitBytes", "id", "req", "regenerate", "__proto__", "constructor"} {
		t.Run(name, func(t *testing.T) {
			var err error
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				core.Key[string](name).Set(s, "x")
				err = s.Err()
			})), get("/"))
			if !errors.Is(err, core.ErrReservedKey) {
				t.Errorf("Set(%q): Err() = %v; want ErrReservedKey", name, err)
			}
			if n, _ := mem.Count(context.Background()); n != 0 || resp.StatusCode != http.StatusOK {
				t.Errorf("status %d, %d records; want the handler's 200 (it took the error from Err) and nothing stored", resp.StatusCode, n)
			}
		})
	}
}

func TestExpressShareRefusesRotatedOutSecret(t *testing.T) {
	m, mem := newShared(t, core.Config{})
	const id = "cm90YXRlZG91dHNlY3JldHNlc3Npb24x"
	if err := mem.Save(context.Background(), id, nodeRecord(time.Hour, time.Now().Add(time.Hour), map[string]string{"user": `"ann"`})); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		secret []byte
		want   string
	}{
		{"current secret", expressSecret, "ann"},
		{"rotated-out secret", []byte("an old secret"), ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got string
			serve(m.Handler(sessionFunc(func(s *core.Session) { got = core.Key[string]("user").Get(s) })), get("/", expressCookie(id, tt.secret)))
			if got != tt.want {
				t.Errorf("user = %q; want %q", got, tt.want)
			}
		})
	}
}

// TestExpressMigrateMovesTheSession: an Express session becomes a native
// one on first use: new ID and cookie, values kept, Express's record
// deleted and its cookie cleared; Destroy on the first use logs out of
// both.
func TestExpressMigrateMovesTheSession(t *testing.T) {
	for _, tt := range []struct {
		name    string
		destroy bool
	}{{"read", false}, {"destroy", true}} {
		t.Run(tt.name, func(t *testing.T) {
			old := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
			t.Cleanup(func() { old.Close() })
			st, m := withStore(t, newMeteredStore(t), core.Config{Express: core.Express{Mode: core.ExpressMigrate, Secrets: [][]byte{expressSecret}, Store: old}})
			const id = "bWlncmF0ZW1lcGxlYXNlbWlncmF0ZW1l"
			if err := old.Save(context.Background(), id, nodeRecord(time.Hour, time.Now().Add(time.Hour), map[string]string{"passport": `{"user":"106"}`})); err != nil {
				t.Fatal(err)
			}
			var user, newID string
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				user = core.Key[map[string]string]("passport").Get(s)["user"]
				if tt.destroy {
					s.Destroy()
				}
				newID = s.ID()
			})), get("/", expressCookie(id, expressSecret)))
			if user != "106" {
				t.Errorf("passport.user = %q; want Node's 106", user)
			}
			if _, found := loadRaw(t, old, id); found {
				t.Error("the Express record is still there after the move")
			}
			if c := sessionCookie(t, resp, "connect.sid"); c == nil || c.MaxAge >= 0 {
				t.Errorf("connect.sid Set-Cookie = %v; want it cleared", c)
			}
			native := sessionCookie(t, resp, core.DefaultCookieName)
			if tt.destroy {
				if n, _ := st.Count(context.Background()); n != 0 || live(native) {
					t.Errorf("after Destroy: %d native records, cookie %v; want none", n, native)
				}
				return
			}
			if !live(native) || newID == id {
				t.Fatalf("native cookie %v, ID %q; want a new native session", native, newID)
			}
			rec, found := st.Record(t, m, newID)
			if !found || string(rec.Values["passport"]) != `{"user":"106"}` || rec.Values["cookie"] != nil {
				t.Errorf("native record = %v, %v; want passport kept byte for byte and no cookie member", rec.Values, found)
			}
			var again string
			serve(m.Handler(sessionFunc(func(s *core.Session) { again = core.Key[map[string]string]("passport").Get(s)["user"] })), get("/", native))
			if again != "106" {
				t.Errorf("next request with the native cookie: user = %q; want 106", again)
			}
		})
	}
}

// TestExpressMigrateLeavesUnusedSessionsAlone: a request whose handler
// never uses the session moves nothing and costs no store call.
func TestExpressMigrateLeavesUnusedSessionsAlone(t *testing.T) {
	old := newMeteredStore(t)
	st, m := withStore(t, newMeteredStore(t), core.Config{Express: core.Express{Mode: core.ExpressMigrate, Secrets: [][]byte{expressSecret}, Store: old}})
	resp := serve(m.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})), get("/", expressCookie("dW51c2VkdW51c2VkdW51c2VkdW51c2Vk", expressSecret)))
	if old.Total()+st.Total() != 0 || len(resp.Cookies()) != 0 {
		t.Errorf("store calls %v and %v, cookies %v; want none", old.calls, st.calls, resp.Cookies())
	}
}

// TestExpressLogRecordsUseTheDocumentedKeys: the short-secret warning and
// a failed clean-up of a migrated Express record are logged with the
// documented keys, and carry no secret or cookie.
func TestExpressLogRecordsUseTheDocumentedKeys(t *testing.T) {
	documented := documentedLogKeys(t)
	t.Run("weak secret", func(t *testing.T) {
		logged := &records{}
		mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
		defer mem.Close()
		m, err := core.New(core.Config{Logger: slog.New(logged), Express: core.Express{Mode: core.ExpressShare, Secrets: [][]byte{secretA, expressSecret}, Store: mem}})
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
		checkLogged(t, logged.all(), documented, []string{string(expressSecret), string(secretA)},
			"sessionkit: an Express secret is shorter than 32 bytes; a short secret can be guessed offline from one cookie",
			map[string]string{"event": "weak_secret", "secret_index": "1", "secret_bytes": "12"})
	})
	t.Run("migrated record not deleted", func(t *testing.T) {
		logged := &records{}
		old := newFailingStore(t)
		const id = "Y2xlYW51cGZhaWxzY2xlYW51cGZhaWxz"
		if err := old.Save(context.Background(), id, nodeRecord(time.Hour, time.Now().Add(time.Hour), map[string]string{"user": `"ann"`})); err != nil {
			t.Fatal(err)
		}
		old.Fail(true, "Delete")
		m := newManager(t, core.Config{Logger: slog.New(logged), Express: core.Express{Mode: core.ExpressMigrate, Secrets: [][]byte{expressSecret}, Store: old}})
		var user string
		ck := expressCookie(id, expressSecret)
		resp := serve(m.Handler(sessionFunc(func(s *core.Session) { user = core.Key[string]("user").Get(s) })), get("/", ck))
		if user != "ann" || !live(sessionCookie(t, resp, core.DefaultCookieName)) {
			t.Errorf("user %q, native cookie %v; want the move to succeed though the clean-up failed", user, resp.Cookies())
		}
		checkLogged(t, logged.all(), documented, []string{ck.Value, id, string(expressSecret)},
			"sessionkit: could not delete a migrated Express session; it expires by itself",
			map[string]string{"event": "express_cleanup_failed"})
	})
}

// TestExpressShareWritesUseTheRecordsMaxAge: a commit that writes the
// expiry or sends the cookie of a session the handler never read (a
// forced Touch, a re-signing after a secret rotation) reads the record
// first, so a 30-day session made on the Node side keeps its 30 days.
func TestExpressShareWritesUseTheRecordsMaxAge(t *testing.T) {
	month := 30 * 24 * time.Hour
	newSecret := []byte("the new secret")
	for _, tt := range []struct {
		name    string
		signer  []byte
		handler func(s *core.Session)
	}{
		{"forced touch", expressSecret, func(s *core.Session) { s.Touch() }},
		{"re-signing", expressSecret, func(*core.Session) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
				defer mem.Close()
				m, err := core.New(core.Config{Logger: slog.New(slog.DiscardHandler), Lifetime: time.Hour,
					Express: core.Express{Mode: core.ExpressShare, Secrets: [][]byte{newSecret, expressSecret}, Store: mem}})
				if err != nil {
					t.Fatal(err)
				}
				defer m.Close()
				const id = "dGhpcnR5ZGF5c2Vzc2lvbnRoaXJ0eWRheXM"
				if err := mem.Save(context.Background(), id, nodeRecord(month, time.Now().Add(month), map[string]string{"user": `"ann"`})); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Hour)
				resp := serve(m.Handler(sessionFunc(tt.handler)), get("/", expressCookie(id, tt.signer)))
				now := time.Now()
				c := sessionCookie(t, resp, "connect.sid")
				if c == nil || c.Value != signExpress(id, newSecret) {
					t.Fatalf("Set-Cookie %v; want the cookie re-signed with the first secret", c)
				}
				if want := now.Add(month).Truncate(time.Second); !c.Expires.Equal(want) {
					t.Errorf("cookie Expires = %v; want %v, the session's own 30 days, not Lifetime", c.Expires, want)
				}
				if rec, _ := loadRaw(t, mem, id); tt.name == "forced touch" && !rec.Expiry.Equal(now.Add(month)) {
					t.Errorf("store Expiry = %v; want %v", rec.Expiry, now.Add(month))
				}
			})
		})
	}
}

// TestExpressShareNeverAdoptsAnUnknownID: a validly signed connect.sid
// naming an ID the store does not hold gets a new ID at the first write,
// never the client's.
func TestExpressShareNeverAdoptsAnUnknownID(t *testing.T) {
	m, mem := newShared(t, core.Config{})
	const chosen = "YXR0YWNrZXJjaG9zZW5hdHRhY2tlcmNob3Nlbg"
	var id string
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		core.Key[string]("user").Set(s, "victim")
		id = s.ID()
	})), get("/", expressCookie(chosen, expressSecret)))
	if id == chosen || id == "" {
		t.Fatalf("ID = %q; want a new one", id)
	}
	if _, found := loadRaw(t, mem, chosen); found {
		t.Error("a record was stored under the client's chosen ID")
	}
	if c := sessionCookie(t, resp, "connect.sid"); c == nil || c.Value != signExpress(id, expressSecret) {
		t.Errorf("Set-Cookie %v; want the new ID's cookie", c)
	}
}

// TestExpressShareSendsTheCookieMemberWhenItChanges: SetLifetime (and
// RememberMe) change the cookie itself, so the patch carries Go's cookie
// member with the new maxAge; a plain write carries none.
func TestExpressShareSendsTheCookieMemberWhenItChanges(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, mem := newShared(t, core.Config{Lifetime: time.Hour, MaxLifetime: 48 * time.Hour})
		const id = "c2V0bGlmZXRpbWVzZXRsaWZldGltZXNldGxp"
		if err := mem.Save(context.Background(), id, nodeRecord(time.Hour, time.Now().Add(time.Hour), nil)); err != nil {
			t.Fatal(err)
		}
		resp := serve(m.Handler(sessionFunc(func(s *core.Session) { s.SetLifetime(48 * time.Hour) })), get("/", expressCookie(id, expressSecret)))
		rec, _ := loadRaw(t, mem, id)
		now := time.Now()
		want := `{"originalMaxAge":172800000,"expires":"` + now.Add(48*time.Hour).UTC().Format("2006-01-02T15:04:05.000Z") + `","httpOnly":true,"path":"/"}`
		if got := string(rec.Values["cookie"]); got != want {
			t.Errorf("cookie member = %s; want %s", got, want)
		}
		if !rec.Expiry.Equal(now.Add(48 * time.Hour)) {
			t.Errorf("Expiry = %v; want %v", rec.Expiry, now.Add(48*time.Hour))
		}
		if c := sessionCookie(t, resp, "connect.sid"); c == nil || !c.Expires.Equal(now.Add(48*time.Hour).Truncate(time.Second)) {
			t.Errorf("Set-Cookie %v; want Expires in 48h", c)
		}
	})
}
