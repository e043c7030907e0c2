package pgstore_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/internal/expressjson"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// Compile-time proof of ExpressStore's capabilities.
var (
	_ core.Store    = (*pgstore.ExpressStore)(nil)
	_ core.Patcher  = (*pgstore.ExpressStore)(nil)
	_ core.Toucher  = (*pgstore.ExpressStore)(nil)
	_ core.Popper   = (*pgstore.ExpressStore)(nil)
	_ core.Iterator = (*pgstore.ExpressStore)(nil)
	_ core.Cleaner  = (*pgstore.ExpressStore)(nil)
)

// newExpress returns an ExpressStore on a fresh table it creates
// (CreateTable), with the cleanup job off unless opts sets an interval.
// The store is closed and the table dropped when the test ends.
func newExpress(t testing.TB, pool *pgxpool.Pool, opts pgstore.ExpressOptions) *pgstore.ExpressStore {
	t.Helper()
	if opts.Table == "" {
		opts.Table = newTable(t, pool)
	}
	if opts.CleanupInterval == 0 {
		opts.CleanupInterval = -1
	}
	opts.CreateTable = true
	s, err := pgstore.NewExpress(pool, opts)
	if err != nil {
		t.Fatalf("NewExpress: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close = %v; want nil", err)
		}
	})
	return s
}

// expressRow is a row of connect-pg-simple's table read with SQL.
type expressRow struct {
	sess   string
	expire time.Time // in the reading session's TimeZone
}

// readRow reads the row sid of table, live or not, through pool.
func readRow(t testing.TB, pool *pgxpool.Pool, table, sid string) (expressRow, bool) {
	t.Helper()
	var r expressRow
	err := pool.QueryRow(ctxT(t), `SELECT sess::text, expire::timestamptz FROM `+pgx.Identifier{table}.Sanitize()+` WHERE sid = $1`, sid).Scan(&r.sess, &r.expire)
	if errors.Is(err, pgx.ErrNoRows) {
		return r, false
	}
	if err != nil {
		t.Fatalf("read row %q: %v", sid, err)
	}
	return r, true
}

// insertRow writes a row as connect-pg-simple's set does: sess as text,
// expire as to_timestamp of whole seconds.
func insertRow(t testing.TB, pool *pgxpool.Pool, table, sid, sess string, expire time.Time) {
	t.Helper()
	_, err := pool.Exec(ctxT(t), `INSERT INTO `+pgx.Identifier{table}.Sanitize()+` (sess, expire, sid) SELECT $1::text::json, to_timestamp($2), $3
		ON CONFLICT (sid) DO UPDATE SET sess = $1::text::json, expire = to_timestamp($2)`, sess, expire.Unix(), sid)
	if err != nil {
		t.Fatalf("insert row %q: %v", sid, err)
	}
}

func TestExpressConformance(t *testing.T) {
	pool, _ := newPool(t)
	storetest.Run(t, newExpress(t, pool, pgstore.ExpressOptions{}))
}

// nodeSess is a record as Node wrote it: connect-pg-simple stores
// JSON.stringify's output, but the bytes below also carry what a store
// must not normalise (spacing, escapes, a number beyond float64).
const nodeSess = `{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"},` +
	`"passport":{"user":"106"} , "big": 12345678901234567890,"esc":"caf\u00e9 \ud83d\ude00 \u2028 \"q\"","odd" :  [ 1 ,{ "a" : null } ]}`

func TestExpressReadsNodeRowsExactly(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	sid := "Wq2y8a1HkU8j3ZxYpUfXnQ0rT5cVbN7e"
	exp := time.Now().Add(2 * time.Hour).Truncate(time.Second).Add(time.Second) // ceil, as connect-pg-simple
	insertRow(t, pool, table, sid, nodeSess, exp)

	want, err := expressjson.Members([]byte(nodeSess))
	if err != nil {
		t.Fatal(err)
	}
	rec, found, err := s.Load(ctxT(t), sid)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v; want found", found, err)
	}
	checkMembers(t, "Load", rec.Values, want)
	if !rec.Expiry.Equal(exp) {
		t.Errorf("Load: Expiry = %v; want %v", rec.Expiry, exp)
	}
	if rec.Owner.Bound() {
		t.Errorf("Load: Owner = %+v; want none", rec.Owner)
	}

	// A patch refreshes the cookie member as Express's save does, now
	// plus its own maxAge (2h), which is the row's expire too, whatever
	// expiry the patch gives; every other member keeps its bytes.
	later := time.Now().Add(3 * time.Hour).Truncate(time.Millisecond)
	found, err = s.Patch(ctxT(t), sid, core.Patch{Set: map[string][]byte{"passport": []byte(`{"user":"107"}`)}, Delete: []string{"esc"}, Expiry: later})
	if err != nil || !found {
		t.Fatalf("Patch = %v, %v; want true, nil", found, err)
	}
	row, _ := readRow(t, pool, table, sid)
	got, err := expressjson.Members([]byte(row.sess))
	if err != nil {
		t.Fatalf("sess after Patch %q: %v", row.sess, err)
	}
	c, err := expressjson.ParseCookie(got["cookie"])
	if err != nil || c.OriginalMaxAge == nil || *c.OriginalMaxAge != 7200000 || time.Until(c.Expires) < 2*time.Hour-time.Second {
		t.Errorf("cookie after Patch = %s, %v; want maxAge 7200000 and expires now + 2h", got["cookie"], err)
	}
	want["passport"] = []byte(`{"user":"107"}`)
	want["cookie"] = got["cookie"]
	delete(want, "esc")
	checkMembers(t, "sess after Patch", got, want)
	if !row.expire.Equal(c.Expires) {
		t.Errorf("expire after Patch = %v; want the cookie's expires %v", row.expire, c.Expires)
	}

	// A touch of an unowned record moves expire only, to now plus the
	// record's maxAge, as Express's touch does.
	before := row.sess
	if found, err := s.Touch(ctxT(t), sid, later.Add(time.Hour)); err != nil || !found {
		t.Fatalf("Touch = %v, %v; want true, nil", found, err)
	}
	if row, _ := readRow(t, pool, table, sid); row.sess != before || time.Until(row.expire) < 2*time.Hour-time.Second || time.Until(row.expire) > 2*time.Hour {
		t.Errorf("row after Touch = %q, expire in %v; want %q unchanged, expire in 2h", row.sess, time.Until(row.expire), before)
	}

	v, found, err := s.Pop(ctxT(t), sid, "big")
	if err != nil || !found || string(v) != "12345678901234567890" {
		t.Errorf("Pop(big) = %s, %v, %v; want 12345678901234567890, true, nil", v, found, err)
	}
}

// checkMembers compares record values byte for byte.
func checkMembers(t *testing.T, op string, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: %d members %q; want %d", op, len(got), got, len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || string(g) != string(w) {
			t.Errorf("%s: member %q = %q (present %v); want %q", op, k, g, ok, w)
		}
	}
}

func TestExpressWritesNodeFormat(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	sid := "node-format"
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	owner := core.Owner{ID: "106", Created: exp.Add(-2 * time.Hour), Seen: exp.Add(-2 * time.Hour)}
	rec := core.Record{Values: map[string][]byte{
		"cookie":   []byte(`{"originalMaxAge":3600000,"expires":"2030-01-01T00:00:00.000Z","httpOnly":true,"path":"/"}`),
		"passport": []byte(` {"user": "106"} `),
	}, Expiry: exp, Owner: owner}
	if err := s.Save(ctxT(t), sid, rec); err != nil {
		t.Fatalf("Save = %v", err)
	}
	row, _ := readRow(t, pool, table, sid)
	want := `{"cookie":{"originalMaxAge":3600000,"expires":"2030-01-01T00:00:00.000Z","httpOnly":true,"path":"/"},"passport":{"user": "106"},` +
		`"sessionkitOwner":{"id":"106","created":` + itoa(owner.Created.UnixMilli()) + `,"seen":` + itoa(owner.Seen.UnixMilli()) + `}}`
	if row.sess != want {
		t.Errorf("sess after Save =\n%s\nwant\n%s", row.sess, want)
	}
	if !row.expire.Equal(exp) {
		t.Errorf("expire after Save = %v; want %v, to the millisecond", row.expire, exp)
	}
	got, found, err := s.Load(ctxT(t), sid)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v", found, err)
	}
	if !sameOwner(got.Owner, owner) || !got.Expiry.Equal(exp) {
		t.Errorf("Load = owner %+v, expiry %v; want %+v, %v", got.Owner, got.Expiry, owner, exp)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// sameOwner compares owners, their times as instants.
func sameOwner(a, b core.Owner) bool {
	return a.ID == b.ID && a.UserAgent == b.UserAgent && a.IP == b.IP &&
		a.Created.Equal(b.Created) && a.Ends.Equal(b.Ends) && a.Seen.Equal(b.Seen)
}

func TestExpressZeroExpiryNeverExpires(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	if err := s.Save(ctxT(t), "forever", core.Record{Values: map[string][]byte{"a": []byte("1")}}); err != nil {
		t.Fatalf("Save with zero expiry = %v; want nil", err)
	}
	if n := countRows(t, pool, table, `expire = 'infinity'`); n != 1 {
		t.Errorf("rows with expire infinity = %d; want 1", n)
	}
	rec, found, err := s.Load(ctxT(t), "forever")
	if err != nil || !found || !rec.Expiry.IsZero() {
		t.Fatalf("Load = %v, %v, %v; want the zero Expiry, found", rec.Expiry, found, err)
	}
	if n, err := s.Cleanup(ctxT(t)); err != nil || n != 0 {
		t.Errorf("Cleanup = %d, %v; want 0, nil", n, err)
	}
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if found, err := s.Touch(ctxT(t), "forever", exp); err != nil || !found {
		t.Fatalf("Touch = %v, %v; want true, nil", found, err)
	}
	if rec, _, _ := s.Load(ctxT(t), "forever"); !rec.Expiry.Equal(exp) {
		t.Errorf("Expiry after Touch = %v; want %v", rec.Expiry, exp)
	}
}

func TestExpressBadRows(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	for _, tc := range []struct{ name, sess string }{
		{"not an object", `[1,2]`},
		{"malformed bytes member", `{"a":1,"sessionkitBytes":{"a":"%%"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			insertRow(t, pool, table, tc.name, tc.sess, time.Now().Add(time.Hour))
			if _, _, err := s.Load(ctxT(t), tc.name); !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("Load = %v; want an error wrapping core.ErrBadRecord", err)
			}
			if _, err := s.Patch(ctxT(t), tc.name, core.Patch{Set: map[string][]byte{"b": []byte("1")}, Expiry: time.Now().Add(time.Hour)}); !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("Patch = %v; want an error wrapping core.ErrBadRecord", err)
			}
			if row, _ := readRow(t, pool, table, tc.name); row.sess != tc.sess {
				t.Errorf("sess after a failed Patch = %q; want %q unchanged", row.sess, tc.sess)
			}
		})
	}
	for _, name := range []string{"sessionkitOwner", "sessionkitBytes"} {
		err := s.Save(ctxT(t), "reserved", core.Record{Values: map[string][]byte{name: []byte("1")}, Expiry: time.Now().Add(time.Hour)})
		if !errors.Is(err, core.ErrBadRecord) {
			t.Errorf("Save of a value named %s = %v; want an error wrapping core.ErrBadRecord", name, err)
		}
	}
}

func TestNewExpressRejectsBadOptions(t *testing.T) {
	t.Parallel()
	pool := unreachablePool(t, closedPort(t))
	if _, err := pgstore.NewExpress(nil, pgstore.ExpressOptions{}); !errors.Is(err, pgstore.ErrInvalidOptions) {
		t.Errorf("NewExpress(nil pool) = %v; want ErrInvalidOptions", err)
	}
	for _, opts := range []pgstore.ExpressOptions{
		{Table: "a.b"},
		{Schema: "a.b"},
		{Table: strings.Repeat("t", 53)},
		{Schema: strings.Repeat("s", 64)},
		{Table: "nul\x00"},
	} {
		if _, err := pgstore.NewExpress(pool, opts); !errors.Is(err, pgstore.ErrInvalidOptions) {
			t.Errorf("NewExpress(%+v) = %v; want ErrInvalidOptions", opts, err)
		}
	}
	s, err := pgstore.NewExpress(pool, pgstore.ExpressOptions{Table: strings.Repeat("t", 52), Schema: "Odd \"schema\"", CleanupInterval: -1})
	if err != nil {
		t.Fatalf("NewExpress(longest table, quoted schema) = %v; want nil without touching the database", err)
	}
	s.Close()
}
