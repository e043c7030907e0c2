package pgstore_test

import (
	"context"
	"fmt"
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

// createTableConcurrently calls CreateTable on table from two pools, as two
// processes starting together would, several times each: every call must
// succeed.
func createTableConcurrently(t *testing.T, table string) {
	t.Helper()
	poolA, _ := newPool(t)
	poolB, _ := newPool(t)
	const callsPerPool = 4
	var wg sync.WaitGroup
	errs := make(chan error, 2*callsPerPool)
	for _, pool := range []*pgxpool.Pool{poolA, poolB} {
		s, err := pgstore.New(pool, pgstore.Options{Table: table, CleanupInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		for range callsPerPool {
			wg.Go(func() { errs <- s.CreateTable(ctxT(t)) })
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent CreateTable = %v; want nil", err)
		}
	}
}

// checkSchema fails t unless table has exactly the documented columns and
// indexes.
func checkSchema(t *testing.T, pool *pgxpool.Pool, table string) {
	t.Helper()
	rows, err := pool.Query(ctxT(t), `SELECT column_name || ' ' || data_type || ' ' || is_nullable
		FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		t.Fatal(err)
	}
	cols, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"key text NO", "data jsonb NO", "expiry timestamp with time zone NO",
		"owner text YES", "created timestamp with time zone YES", "ends timestamp with time zone YES",
		"seen timestamp with time zone YES", "user_agent text YES", "ip text YES",
	}
	if !slices.Equal(cols, want) {
		t.Errorf("columns of the table = %q; want %q", cols, want)
	}
	rows, err = pool.Query(ctxT(t), `SELECT indexname || ': ' || regexp_replace(indexdef, '^.* USING ', '')
		FROM pg_indexes WHERE tablename = $1 ORDER BY indexname`, table)
	if err != nil {
		t.Fatal(err)
	}
	idx, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	want = []string{
		table + "_expiry_idx: btree (expiry)",
		table + "_owner_idx: btree (owner, expiry) WHERE (owner IS NOT NULL)",
		table + "_pkey: btree (key)",
	}
	if !slices.Equal(idx, want) {
		t.Errorf("indexes of the table = %q; want %q", idx, want)
	}
}

func TestCreateTableConcurrently(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	createTableConcurrently(t, table)
	checkSchema(t, pool, table)
}

// The first release's schema and Save, as it ran them.
const (
	firstReleaseTable = `CREATE TABLE IF NOT EXISTS %[1]s (key text PRIMARY KEY, data jsonb NOT NULL, expiry timestamptz NOT NULL);
		CREATE INDEX IF NOT EXISTS %[2]s ON %[1]s (expiry)`
	firstReleaseSave = `INSERT INTO %s (key, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET data = EXCLUDED.data, expiry = EXCLUDED.expiry`
)

// TestCreateTableUpgradesFirstReleaseTable creates the table as the first
// release did, with a session in it, and runs CreateTable from two
// instances at once: the table gains the owner columns and index, the old
// session still loads and takes an owner, and a first-release instance
// still in service can write to the upgraded table.
func TestCreateTableUpgradesFirstReleaseTable(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	ident := pgx.Identifier{table}.Sanitize()
	ddl := fmt.Sprintf(firstReleaseTable, ident, pgx.Identifier{table + "_expiry_idx"}.Sanitize())
	if _, err := pool.Exec(ctxT(t), ddl); err != nil {
		t.Fatalf("first release's schema: %v", err)
	}
	exp := time.Now().Add(time.Hour)
	old := storetest.NewKey(t)
	if _, err := pool.Exec(ctxT(t), fmt.Sprintf(firstReleaseSave, ident), old, `{"user": "\"alice\""}`, exp); err != nil {
		t.Fatalf("first release's Save: %v", err)
	}

	createTableConcurrently(t, table)
	checkSchema(t, pool, table)

	s, err := pgstore.New(pool, pgstore.Options{Table: table, CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	rec := mustLoadOld(t, s, old, exp)
	alice := ownerOf("alice-" + randHex(t))
	if got := ownedKeys(t, s, alice.ID); len(got) != 0 {
		t.Fatalf("Owned before any binding = %q; want none", got)
	}
	rec.Owner, rec.Expiry = alice, exp
	fresh := storetest.NewKey(t)
	for _, k := range []string{old, fresh} {
		if err := s.Save(ctxT(t), k, rec); err != nil {
			t.Fatalf("Save with an owner: %v", err)
		}
	}
	if got, want := ownedKeys(t, s, alice.ID), sortedKeys(old, fresh); !slices.Equal(got, want) {
		t.Errorf("Owned after binding the old and a new session = %q; want %q", got, want)
	}

	// A first-release instance still serving during a rolling upgrade.
	legacy := storetest.NewKey(t)
	if _, err := pool.Exec(ctxT(t), fmt.Sprintf(firstReleaseSave, ident), legacy, `{"user": "\"bob\""}`, exp); err != nil {
		t.Fatalf("first release's Save on the upgraded table: %v", err)
	}
	if rec, found, err := s.Load(ctxT(t), legacy); err != nil || !found || rec.Owner != (core.Owner{}) {
		t.Errorf("Load of a session the first release saved after the upgrade = owner %+v, %v, %v; want found, no owner", rec.Owner, found, err)
	}
}

// ownedKeys returns the keys s.Owned lists for owner, sorted.
func ownedKeys(t *testing.T, s *pgstore.Store, owner string) []string {
	t.Helper()
	recs, err := s.Owned(ctxT(t), owner)
	if err != nil {
		t.Fatalf("Owned = %v; want nil", err)
	}
	keys := make([]string, 0, len(recs))
	for _, r := range recs {
		keys = append(keys, r.Key)
	}
	return sortedKeys(keys...)
}

func sortedKeys(keys ...string) []string {
	keys = slices.Clone(keys)
	slices.Sort(keys)
	return keys
}

// mustLoadOld loads and patches the session the first release saved under
// key, which must have kept its value and have no owner.
func mustLoadOld(t *testing.T, s *pgstore.Store, key string, exp time.Time) core.Record {
	t.Helper()
	rec, found, err := s.Load(ctxT(t), key)
	if err != nil || !found || string(rec.Values["user"]) != `"alice"` || rec.Owner != (core.Owner{}) {
		t.Fatalf("Load of the first release's session = %q, owner %+v, %v, %v; want user alice, no owner", rec.Values, rec.Owner, found, err)
	}
	if found, err := s.Patch(ctxT(t), key, core.Patch{Set: map[string][]byte{"n": []byte("1")}, Expiry: exp}); err != nil || !found {
		t.Fatalf("Patch of the first release's session = %v, %v; want true, nil", found, err)
	}
	return rec
}

// TestCreateTableOnACurrentTableTakesNoLock holds a lock that both ALTER
// TABLE and CREATE INDEX would wait for, as a busy table's writers do:
// CreateTable on a table already current must not wait for it.
func TestCreateTableOnACurrentTableTakesNoLock(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: -1})
	tx, err := pool.Begin(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctxT(t), `LOCK TABLE `+pgx.Identifier{table}.Sanitize()+` IN ROW EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := s.CreateTable(ctx); err != nil {
		t.Errorf("CreateTable on a current table while writers hold it = %v; want nil at once", err)
	}
}

// TestCreateTableUpgradeGivesUpOnABusyTable: an upgrade that cannot get
// its lock, because a long transaction uses the table, fails with an
// error saying so instead of stalling every session query behind it.
func TestCreateTableUpgradeGivesUpOnABusyTable(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	ident := pgx.Identifier{table}.Sanitize()
	if _, err := pool.Exec(ctxT(t), fmt.Sprintf(firstReleaseTable, ident, pgx.Identifier{table + "_expiry_idx"}.Sanitize())); err != nil {
		t.Fatalf("first release's schema: %v", err)
	}
	tx, err := pool.Begin(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(context.Background())
	if _, err := tx.Exec(ctxT(t), `SELECT count(*) FROM `+ident); err != nil { // holds ACCESS SHARE
		t.Fatal(err)
	}
	s, err := pgstore.New(pool, pgstore.Options{Table: table, CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	s.SetLockTimeout(200 * time.Millisecond)
	start := time.Now()
	err = s.CreateTable(ctxT(t))
	if err == nil || !strings.Contains(err.Error(), "long transaction") {
		t.Errorf("CreateTable on a busy first-release table = %v; want the lock timeout, explained", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("CreateTable took %v to give up; want about the lock timeout", d)
	}
}

// TestCreateTableLockFollowsTheTable: two spellings of one table take one
// advisory lock, so instances configured either way never race to create
// it; another table takes another.
func TestCreateTableLockFollowsTheTable(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	id := func(table string) int64 {
		s, err := pgstore.New(pool, pgstore.Options{Table: table, CleanupInterval: -1})
		if err != nil {
			t.Fatal(err)
		}
		return s.LockID()
	}
	if a, b := id("sessions"), id("public.sessions"); a != b {
		t.Errorf("lock of sessions = %d, of public.sessions = %d; want one lock", a, b)
	}
	if a, b := id("sessions"), id("other_sessions"); a == b {
		t.Error("sessions and other_sessions take the same lock; want one each")
	}
}
