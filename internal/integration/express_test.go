package integration_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/internal/expresstest"
	"github.com/sessionkit/sessionkit/internal/testenv"
)

// expressRecord returns the stored session JSON of id and when the
// store expires it, or found false.
type expressRecord func(t *testing.T, app *expresstest.App, id string) (sess []byte, expire time.Time, found bool)

// expressBackend is a store an express-session app runs on.
type expressBackend struct {
	name string
	// open returns the app's Config, with a key space of the test's own,
	// and how to read the app's records straight from the store.
	open func(t *testing.T) (expresstest.Config, expressRecord)
	// slack is how far the store's expiry may lie from cookie.expires
	// rounded up to the second.
	slack time.Duration
}

var expressBackends = []expressBackend{
	{name: "connect-redis", open: openRedisExpress, slack: 2 * time.Second},
	{name: "connect-pg-simple", open: openPgExpress},
}

// openRedisExpress uses connect-redis's default prefix: session IDs are
// random, so keys never clash.
func openRedisExpress(t *testing.T) (expresstest.Config, expressRecord) {
	u := testenv.RedisURL(t)
	opts, err := redis.ParseURL(u)
	if err != nil {
		t.Fatal(err)
	}
	client := redis.NewClient(opts)
	t.Cleanup(func() { client.Close() })
	record := func(t *testing.T, app *expresstest.App, id string) ([]byte, time.Time, bool) {
		t.Helper()
		ctx := context.Background()
		key := app.Config.Prefix + id
		val, err := client.Get(ctx, key).Bytes()
		if errors.Is(err, redis.Nil) {
			return nil, time.Time{}, false
		}
		if err != nil {
			t.Fatalf("redis GET %s<id>: %v", app.Config.Prefix, err)
		}
		ttl, err := client.PTTL(ctx, key).Result()
		if err != nil || ttl <= 0 {
			t.Fatalf("redis PTTL %s<id> = %v, %v; want a TTL (SET … EX)", app.Config.Prefix, ttl, err)
		}
		return val, time.Now().Add(ttl), true
	}
	return expresstest.Config{Store: expresstest.Redis, RedisURL: u}, record
}

// openPgExpress gives the app a schema of the test's own, dropped at the
// end, with a table connect-pg-simple creates in it.
func openPgExpress(t *testing.T) (expresstest.Config, expressRecord) {
	u := testenv.DatabaseURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	schema := "expresstest_" + randomHex(t)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		conn.Close(ctx)
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		conn.Close(ctx)
	})
	record := func(t *testing.T, app *expresstest.App, id string) ([]byte, time.Time, bool) {
		t.Helper()
		var sess string
		var epoch float64
		// expire is a timestamp without time zone, which connect-pg-simple
		// writes through to_timestamp in the session's TimeZone.
		err := conn.QueryRow(ctx,
			`SELECT sess::text, extract(epoch FROM expire AT TIME ZONE current_setting('TimeZone'))::float8 FROM `+
				pgx.Identifier{app.Config.Schema, app.Config.Table}.Sanitize()+` WHERE sid = $1`, id).Scan(&sess, &epoch)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, time.Time{}, false
		}
		if err != nil {
			t.Fatalf("select the session row: %v", err)
		}
		return []byte(sess), time.UnixMicro(int64(math.Round(epoch * 1e6))), true
	}
	return expresstest.Config{Store: expresstest.Postgres, DatabaseURL: u, Schema: schema, Table: "express_session"}, record
}

// TestExpressAppSharesItsStore logs in to a real express-session app and
// reads what it stored: the signed connect.sid cookie, connect-redis's
// sess:<id> and connect-pg-simple's row, gone again after logout.
func TestExpressAppSharesItsStore(t *testing.T) {
	t.Parallel()
	const maxAge = 2 * time.Hour
	for _, b := range expressBackends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			cfg, record := b.open(t)
			cfg.MaxAge = maxAge
			app := expresstest.Start(t, cfg)
			c := newExpressClient(t, app)

			before := time.Now()
			status, body := c.do("POST", "/login", url.Values{"user": {"106"}}.Encode())
			if status != 200 || body != `{"user":"106"}` {
				t.Fatalf("POST /login = %d %s; want 200 {\"user\":\"106\"}", status, body)
			}
			id := c.sessionID()
			if status, body := c.do("GET", "/me", ""); status != 200 || body != `{"user":"106"}` {
				t.Errorf("GET /me = %d %s; want 200 {\"user\":\"106\"}", status, body)
			}

			sess, expire, found := record(t, app, id)
			if !found {
				t.Fatalf("%s holds no record of the session after login", b.name)
			}
			expires := checkExpressRecord(t, sess, maxAge, before)
			want := expires.Truncate(time.Second)
			if want.Before(expires) {
				want = want.Add(time.Second)
			}
			if expire.Sub(want).Abs() > b.slack {
				t.Errorf("%s expires the record at %v; want %v (cookie.expires rounded up) ± %v", b.name, expire, want, b.slack)
			}

			if status, _ := c.do("PUT", "/kv/cart", `{"items":[1,2]}`); status != 204 {
				t.Errorf("PUT /kv/cart = %d; want 204", status)
			}
			sess, _, _ = record(t, app, id)
			var rec struct {
				Cart json.RawMessage `json:"cart"`
			}
			if err := json.Unmarshal(sess, &rec); err != nil || string(rec.Cart) != `{"items":[1,2]}` {
				t.Errorf("stored cart = %s, %v; want {\"items\":[1,2]}", rec.Cart, err)
			}

			if status, body := c.do("POST", "/logout", ""); status != 200 || body != `{"ok":true}` {
				t.Errorf("POST /logout = %d %s; want 200 {\"ok\":true}", status, body)
			}
			if _, _, found := record(t, app, id); found {
				t.Errorf("%s still holds the session after logout", b.name)
			}
			if status, _ := c.do("GET", "/me", ""); status != 401 {
				t.Errorf("GET /me after logout = %d; want 401", status)
			}
		})
	}
}

// checkExpressRecord checks a stored session as express-session writes it,
// and returns its cookie.expires.
func checkExpressRecord(t *testing.T, sess []byte, maxAge time.Duration, before time.Time) time.Time {
	t.Helper()
	var rec struct {
		Cookie *struct {
			OriginalMaxAge *int64  `json:"originalMaxAge"`
			Expires        *string `json:"expires"`
			HTTPOnly       *bool   `json:"httpOnly"`
			Path           *string `json:"path"`
		} `json:"cookie"`
		User string `json:"user"`
	}
	if err := json.Unmarshal(sess, &rec); err != nil {
		t.Fatalf("stored session is not a JSON object: %v", err)
	}
	if rec.User != "106" {
		t.Errorf("stored user = %q; want 106", rec.User)
	}
	ck := rec.Cookie
	if ck == nil || ck.OriginalMaxAge == nil || ck.Expires == nil || ck.HTTPOnly == nil || ck.Path == nil {
		t.Fatalf("stored session has no cookie object with originalMaxAge, expires, httpOnly and path: %s", redactID(sess))
	}
	// express-session computes originalMaxAge from expires minus
	// Date.now(), so a millisecond tick between the two makes it one
	// short.
	if d := maxAge.Milliseconds() - *ck.OriginalMaxAge; d < 0 || d > 5 || !*ck.HTTPOnly || *ck.Path != "/" {
		t.Errorf("stored cookie = originalMaxAge %d, httpOnly %t, path %q; want %d (or a few ms less), true, /", *ck.OriginalMaxAge, *ck.HTTPOnly, *ck.Path, maxAge.Milliseconds())
	}
	expires, err := time.Parse("2006-01-02T15:04:05.000Z", *ck.Expires)
	if err != nil {
		t.Fatalf("stored cookie.expires %q is not a JavaScript Date's toISOString: %v", *ck.Expires, err)
	}
	if lo, hi := before.Add(maxAge).Add(-time.Second), time.Now().Add(maxAge).Add(time.Second); expires.Before(lo) || expires.After(hi) {
		t.Errorf("stored cookie.expires = %v; want now + %v", expires, maxAge)
	}
	return expires
}

// redactID is sess for a message: it holds no session ID, but a test's
// message shows no more than the keys.
func redactID(sess []byte) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(sess, &m) != nil {
		return "(not a JSON object)"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	return "keys " + strings.Join(keys, ",")
}

// expressClient is a browser on one app.
type expressClient struct {
	*browser
	app *expresstest.App
}

func newExpressClient(t *testing.T, app *expresstest.App) *expressClient {
	return &expressClient{browser: newBrowser(t), app: app}
}

// do sends a request to the app, a form for POST, and returns the status
// and body.
func (c *expressClient) do(method, path, body string) (int, string) {
	c.t.Helper()
	return c.browser.do(c.app.URL, method, path, body)
}

// sessionID returns the session ID of the jar's connect.sid cookie, and
// fails the test unless the app's first secret signed it.
func (c *expressClient) sessionID() string {
	c.t.Helper()
	return c.browser.sessionID(c.app.URL, c.app.Config.Secrets[0])
}

func newJar() (http.CookieJar, error) { return cookiejar.New(nil) }

// sendForm sends a request with c, a form for POST, and returns the
// status and body.
func sendForm(t *testing.T, c *http.Client, base, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, string(b)
}

func randomHex(t *testing.T) string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
