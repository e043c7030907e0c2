package pgstore_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// inZone returns a pool whose sessions use the TimeZone zone.
func inZone(t *testing.T, zone string) *pgxpool.Pool {
	t.Helper()
	pool, _ := newPool(t, func(c *pgxpool.Config) { c.ConnConfig.RuntimeParams["timezone"] = zone })
	return pool
}

// In every session TimeZone, expire holds what connect-pg-simple writes
// there, the local time of the expiry, and the store reads it back as the
// same instant and never serves a row past it.
func TestExpressExpiryInEveryTimeZone(t *testing.T) {
	t.Parallel()
	// +14 all year, UTC, and -3:30 with daylight saving time.
	for _, zone := range []string{"Pacific/Kiritimati", "UTC", "America/St_Johns"} {
		t.Run(zone, func(t *testing.T) {
			t.Parallel()
			loc, err := time.LoadLocation(zone)
			if err != nil {
				t.Skipf("no zone data for %s in Go: %v", zone, err)
			}
			pool := inZone(t, zone)
			table := newTable(t, pool)
			s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
			exp := time.Now().Add(90 * time.Minute).Truncate(time.Millisecond)
			if err := s.Save(ctxT(t), "go", core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: exp}); err != nil {
				t.Fatalf("Save = %v", err)
			}
			var local string
			q := `SELECT to_char(expire, 'YYYY-MM-DD HH24:MI:SS.MS') FROM ` + pgx.Identifier{table}.Sanitize() + ` WHERE sid = 'go'`
			if err := pool.QueryRow(ctxT(t), q).Scan(&local); err != nil {
				t.Fatal(err)
			}
			if want := exp.In(loc).Format("2006-01-02 15:04:05.000"); local != want {
				t.Errorf("expire = %s; want %s, the expiry's local time in %s", local, want, zone)
			}
			if rec, found, err := s.Load(ctxT(t), "go"); err != nil || !found || !rec.Expiry.Equal(exp) {
				t.Errorf("Load = %v, %v, %v; want Expiry %v, found", rec.Expiry, found, err, exp)
			}

			node := time.Now().Add(time.Hour).Truncate(time.Second)
			insertRow(t, pool, table, "node", `{"cookie":{}}`, node)
			if rec, found, err := s.Load(ctxT(t), "node"); err != nil || !found || !rec.Expiry.Equal(node) {
				t.Errorf("Load of connect-pg-simple's row = %v, %v, %v; want Expiry %v, found", rec.Expiry, found, err, node)
			}
			insertRow(t, pool, table, "expired", `{"cookie":{}}`, time.Now().Add(-2*time.Second))
			checkNeverServed(t, s, "expired")
		})
	}
}

// checkNeverServed checks that no call finds the expired row sid, and
// that Cleanup deletes it.
func checkNeverServed(t *testing.T, s *pgstore.ExpressStore, sid string) {
	t.Helper()
	later := time.Now().Add(time.Hour)
	if _, found, err := s.Load(ctxT(t), sid); err != nil || found {
		t.Errorf("Load(expired) = %v, %v; want false, nil", found, err)
	}
	if found, err := s.Touch(ctxT(t), sid, later); err != nil || found {
		t.Errorf("Touch(expired) = %v, %v; want false, nil", found, err)
	}
	if found, err := s.Patch(ctxT(t), sid, core.Patch{Set: map[string][]byte{"a": []byte("1")}, Expiry: later}); err != nil || found {
		t.Errorf("Patch(expired) = %v, %v; want false, nil", found, err)
	}
	err := s.Range(ctxT(t), func(k string, _ core.Record) bool {
		if k == sid {
			t.Errorf("Range visited the expired row %q", sid)
		}
		return true
	})
	if err != nil {
		t.Errorf("Range = %v", err)
	}
	if n, err := s.Count(ctxT(t)); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want the 2 live rows", n, err)
	}
	if n, err := s.Cleanup(ctxT(t)); err != nil || n != 1 {
		t.Errorf("Cleanup = %d, %v; want 1, nil", n, err)
	}
}

// expire is a timestamp without time zone: an instant is written as local
// time in the writer's session TimeZone and read back in the reader's, as
// connect-pg-simple does. A reader in another zone is off by the
// difference, which is why the package documentation requires the Go app
// and the Express app to use one TimeZone. This pins that behaviour down:
// pinning the store to a zone of its own would break sharing with Node.
func TestExpressExpireIsLocalToTheSessionTimeZone(t *testing.T) {
	t.Parallel()
	east, utc := inZone(t, "Pacific/Kiritimati"), inZone(t, "UTC")
	table := newTable(t, utc)
	writer := newExpress(t, east, pgstore.ExpressOptions{Table: table})
	reader, err := pgstore.NewExpress(utc, pgstore.ExpressOptions{Table: table, CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	exp := time.Now().Add(time.Hour).Truncate(time.Millisecond)
	if err := writer.Save(ctxT(t), "sid", core.Record{Values: map[string][]byte{}, Expiry: exp}); err != nil {
		t.Fatal(err)
	}
	rec, found, err := reader.Load(ctxT(t), "sid")
	if err != nil || !found {
		t.Fatalf("Load in UTC = %v, %v", found, err)
	}
	if got := rec.Expiry.Sub(exp); got != 14*time.Hour {
		t.Errorf("Expiry read in UTC of a row written in UTC+14 is off by %v; want 14h", got)
	}
}
