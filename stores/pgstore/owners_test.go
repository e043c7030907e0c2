package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// statementLog is a pgx tracer that records the first word of every
// statement its pool runs.
type statementLog struct {
	mu    sync.Mutex
	words []string
}

func (l *statementLog) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	word, _, _ := strings.Cut(strings.TrimSpace(d.SQL), " ")
	l.mu.Lock()
	l.words = append(l.words, word)
	l.mu.Unlock()
	return ctx
}

func (l *statementLog) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns the statements recorded since the last take.
func (l *statementLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.words
	l.words = nil
	return w
}

// tracedPool returns a pool whose statements log records.
func tracedPool(t *testing.T) (*pgxpool.Pool, *statementLog) {
	log := &statementLog{}
	pool, _ := newPool(t, func(c *pgxpool.Config) { c.ConnConfig.Tracer = log })
	return pool, log
}

func ownerOf(id string) core.Owner {
	now := time.Now()
	return core.Owner{ID: id, Created: now, Ends: now.Add(24 * time.Hour), Seen: now, UserAgent: "test/1.0", IP: "192.0.2.1"}
}

// TestOwnerOperationsAreOneStatement checks that each store call on an
// owned record is one statement: Patch, Touch and Pop set Seen in the
// UPDATE they run anyway, and Owned prunes in the statement that lists.
func TestOwnerOperationsAreOneStatement(t *testing.T) {
	t.Parallel()
	pool, log := tracedPool(t)
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	o := ownerOf("alice-" + randHex(t))
	key := storetest.NewKey(t)
	exp := time.Now().Add(time.Hour)
	rec := core.Record{Values: map[string][]byte{"flash": []byte(`"hi"`)}, Expiry: exp, Owner: o}
	tests := []struct {
		name string
		do   func(ctx context.Context) error
	}{
		{"Save", func(ctx context.Context) error { return s.Save(ctx, key, rec) }},
		{"Load", func(ctx context.Context) error { _, _, err := s.Load(ctx, key); return err }},
		{"Patch", func(ctx context.Context) error {
			_, err := s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"n": []byte("1")}, Expiry: exp})
			return err
		}},
		{"Touch", func(ctx context.Context) error { _, err := s.Touch(ctx, key, exp); return err }},
		{"Pop", func(ctx context.Context) error { _, _, err := s.Pop(ctx, key, "flash"); return err }},
		{"Owned", func(ctx context.Context) error { _, err := s.Owned(ctx, o.ID); return err }},
	}
	for _, tc := range tests { // in order: each works on the record the one before left
		log.take()
		if err := tc.do(ctxT(t)); err != nil {
			t.Fatalf("%s = %v; want nil", tc.name, err)
		}
		if got := log.take(); len(got) != 1 {
			t.Errorf("%s of an owned record ran %d statements %q; want 1", tc.name, len(got), got)
		}
	}
}

// TestOwnerCostsNoStatementPerRequest sends the same requests on a session
// bound to an owner and on one bound to no one: each must run the same
// statements, so the owner binding costs a request nothing.
func TestOwnerCostsNoStatementPerRequest(t *testing.T) {
	t.Parallel()
	pool, log := tracedPool(t)
	st := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	a := newApp(t, st, 5*time.Second)
	owned, unowned := newClient(t), newClient(t)
	mustCall(t, owned, a, "POST", "/login/alice-"+randHex(t))
	mustCall(t, owned, a, "POST", "/set/user?v=alice")
	mustCall(t, unowned, a, "POST", "/set/user?v=bob")
	tests := []struct{ name, method, path string }{
		{"read", "GET", "/get/user"},
		{"write", "POST", "/set/n?v=1"},
		{"read after a write", "GET", "/get/n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var runs [2][]string
			for i, c := range []*http.Client{owned, unowned} {
				log.take()
				mustCall(t, c, a, tc.method, tc.path)
				runs[i] = log.take()
			}
			if len(runs[0]) == 0 || !slices.Equal(runs[0], runs[1]) {
				t.Errorf("%s %s ran %q on an owned session and %q on an unowned one; want the same, at least one", tc.method, tc.path, runs[0], runs[1])
			}
		})
	}
}

// TestOwnedPrunesOnlyTheOwnersExpiredRows saves expired rows for two
// owners: Owned of one lists none of its own and deletes them, and leaves
// the other owner's rows to Cleanup.
func TestOwnedPrunesOnlyTheOwnersExpiredRows(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: -1})
	alice, bob := ownerOf("alice-"+randHex(t)), ownerOf("bob-"+randHex(t))
	past, future := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	live := storetest.NewKey(t)
	rows := []struct {
		owner core.Owner
		exp   time.Time
		key   string
	}{
		{alice, past, storetest.NewKey(t)},
		{alice, past, storetest.NewKey(t)},
		{alice, future, live},
		{bob, past, storetest.NewKey(t)},
		{core.Owner{}, past, storetest.NewKey(t)},
	}
	for _, r := range rows {
		if err := s.Save(ctxT(t), r.key, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: r.exp, Owner: r.owner}); err != nil {
			t.Fatalf("Save: %v", err)
		}
	}
	recs, err := s.Owned(ctxT(t), alice.ID)
	if err != nil || len(recs) != 1 || recs[0].Key != live {
		t.Fatalf("Owned(alice) = %d records, %v; want the one live record", len(recs), err)
	}
	for _, tc := range []struct {
		cond string
		want int
	}{
		{fmt.Sprintf("owner = '%s'", alice.ID), 1},
		{fmt.Sprintf("owner = '%s'", bob.ID), 1},
		{"owner IS NULL", 1},
	} {
		if got := countRows(t, pool, table, tc.cond); got != tc.want {
			t.Errorf("rows with %s after Owned(alice) = %d; want %d", tc.cond, got, tc.want)
		}
	}
}

// TestSaveRejectsOwnerTextATextColumnCannotHold covers owners core never
// sends: their text must fail with ErrBadRecord before reaching the
// server, and write nothing.
func TestSaveRejectsOwnerTextATextColumnCannotHold(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	tests := []struct {
		name string
		edit func(*core.Owner)
	}{
		{"NUL in ID", func(o *core.Owner) { o.ID = "a\x00b" }},
		{"ID not UTF-8", func(o *core.Owner) { o.ID = "a\xffb" }},
		{"NUL in UserAgent", func(o *core.Owner) { o.UserAgent = "ua\x00" }},
		{"IP not UTF-8", func(o *core.Owner) { o.IP = "\xc0" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := ownerOf("alice")
			tc.edit(&o)
			key := storetest.NewKey(t)
			rec := core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: time.Now().Add(time.Hour), Owner: o}
			if err := s.Save(ctxT(t), key, rec); !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("Save with owner %+q = %v; want ErrBadRecord", o, err)
			}
			if _, found, err := s.Load(ctxT(t), key); err != nil || found {
				t.Errorf("Load after the failed Save = %v, %v; want not found, nil", found, err)
			}
		})
	}
}

// TestOwnedUsesTheOwnerIndex checks the plan of Owned's statement on a
// table of many owners, two thirds of its rows expired as between two
// cleanups, both as the first executions plan it (custom) and as a
// prepared statement's later ones may (generic): the owner index must
// serve both the DELETE and the SELECT, with no sequential scan.
func TestOwnedUsesTheOwnerIndex(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: -1})
	ident := pgx.Identifier{table}.Sanitize()
	_, err := pool.Exec(ctxT(t), `INSERT INTO `+ident+` (key, data, expiry, owner)
		SELECT 'k' || i, '{}', now() + CASE WHEN i % 3 = 0 THEN interval '1 hour' ELSE interval '-1 hour' END, CASE WHEN i % 4 = 0 THEN NULL ELSE 'owner-' || (i % 1000) END
		FROM generate_series(1, 20000) AS i`)
	if err != nil {
		t.Fatalf("filling the table: %v", err)
	}
	if _, err := pool.Exec(ctxT(t), `ANALYZE `+ident); err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"force_custom_plan", "force_generic_plan"} {
		t.Run(mode, func(t *testing.T) {
			tx, err := pool.Begin(ctxT(t))
			if err != nil {
				t.Fatal(err)
			}
			defer tx.Rollback(context.Background())
			if _, err := tx.Exec(ctxT(t), `SET LOCAL plan_cache_mode = `+mode); err != nil {
				t.Fatal(err)
			}
			name := "owned_" + randHex(t)
			if _, err := tx.Exec(ctxT(t), `PREPARE `+name+` (text, timestamptz) AS `+s.OwnedQuery()); err != nil {
				t.Fatalf("PREPARE: %v", err)
			}
			defer tx.Exec(context.Background(), `DEALLOCATE `+name)
			rows, err := tx.Query(ctxT(t), `EXPLAIN EXECUTE `+name+`('owner-7', now())`)
			if err != nil {
				t.Fatalf("EXPLAIN: %v", err)
			}
			lines, err := pgx.CollectRows(rows, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			plan := strings.Join(lines, "\n")
			if n := strings.Count(plan, table+"_owner_idx"); n != 2 || strings.Contains(plan, "Seq Scan") {
				t.Errorf("plan of Owned uses the owner index %d times; want 2 and no Seq Scan:\n%s", n, plan)
			}
		})
	}
}
