package pgstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// expressSave does what express-session and connect-pg-simple do on a
// save: load the session, change it, and write the whole object back,
// re-serialised, with no regard for what was written in between.
func expressSave(ctx context.Context, pool *pgxpool.Pool, table, sid string, change func(map[string]json.RawMessage)) error {
	t := pgx.Identifier{table}.Sanitize()
	var sess string
	if err := pool.QueryRow(ctx, `SELECT sess::text FROM `+t+` WHERE sid = $1`, sid).Scan(&sess); err != nil {
		return err
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(sess), &obj); err != nil {
		return err
	}
	change(obj)
	b, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	_, err = pool.Exec(ctx, `UPDATE `+t+` SET sess = $1::text::json, expire = to_timestamp($2) WHERE sid = $3`,
		string(b), time.Now().Add(time.Hour).Unix(), sid)
	return err
}

// Go's patches never lose an Express write, however they interleave; an
// Express save that loaded the session before a patch committed may lose
// that patch, as documented, but without Express every patch is kept.
func TestExpressPatchesNeverLoseExpressWrites(t *testing.T) {
	t.Parallel()
	for _, withExpress := range []bool{true, false} {
		t.Run(fmt.Sprintf("express writer %v", withExpress), func(t *testing.T) {
			t.Parallel()
			pool, _ := newPool(t)
			table := newTable(t, pool)
			s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
			const n = 50
			sid := "raced"
			insertRow(t, pool, table, sid, `{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}}`, time.Now().Add(time.Hour))

			var wg sync.WaitGroup
			errs := make(chan error, n+1)
			start := make(chan struct{})
			if withExpress {
				wg.Go(func() {
					<-start
					for i := range n {
						if err := expressSave(ctxT(t), pool, table, sid, func(o map[string]json.RawMessage) {
							o[fmt.Sprintf("x%d", i)] = json.RawMessage(fmt.Sprint(i))
						}); err != nil {
							errs <- fmt.Errorf("express save %d: %w", i, err)
							return
						}
					}
				})
			}
			for i := range n {
				wg.Go(func() {
					<-start
					p := core.Patch{Set: map[string][]byte{fmt.Sprintf("k%d", i): []byte(fmt.Sprint(i))}, Expiry: time.Now().Add(time.Hour)}
					if found, err := s.Patch(ctxT(t), sid, p); err != nil || !found {
						errs <- fmt.Errorf("Patch %d = %v, %v; want true, nil", i, found, err)
					}
				})
			}
			close(start)
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}

			rec, found, err := s.Load(ctxT(t), sid)
			if err != nil || !found {
				t.Fatalf("Load = %v, %v", found, err)
			}
			prefix := "k"
			if withExpress {
				prefix = "x"
			}
			var lost []string
			for i := range n {
				if name := fmt.Sprintf("%s%d", prefix, i); string(rec.Values[name]) != fmt.Sprint(i) {
					lost = append(lost, name)
				}
			}
			if len(lost) > 0 {
				t.Errorf("%d of %d writes lost: %v", len(lost), n, lost)
			}
		})
	}
}

// TestExpressLostRaceTakesTheRowLock: a compare-and-set that another
// writer beats (here, an Express save between its read and its write,
// every time) is done again under the row's lock, once, and succeeds,
// having lost none of that writer's changes.
func TestExpressLostRaceTakesTheRowLock(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	sid := "contended"
	insertRow(t, pool, table, sid, `{"cookie":{},"popme":1}`, time.Now().Add(time.Hour))
	writes := 0
	s.SetBeforeCAS(func() {
		if err := expressSave(ctxT(t), pool, table, sid, func(o map[string]json.RawMessage) {
			o[fmt.Sprintf("y%d", writes)] = json.RawMessage("true")
		}); err != nil {
			t.Errorf("express save: %v", err)
		}
		writes++
	})
	exp := time.Now().Add(2 * time.Hour)
	for _, c := range []struct {
		name string
		call func() error
	}{
		{"Patch", func() error {
			_, err := s.Patch(ctxT(t), sid, core.Patch{Set: map[string][]byte{"go": []byte("1")}, Expiry: exp})
			return err
		}},
		{"Touch", func() error { _, err := s.Touch(ctxT(t), sid, exp); return err }},
		{"Pop", func() error { _, _, err := s.Pop(ctxT(t), sid, "popme"); return err }},
	} {
		before := writes
		if err := c.call(); err != nil {
			t.Errorf("%s after a lost race = %v; want nil", c.name, err)
		}
		if got := writes - before; got != 1 {
			t.Errorf("%s made %d optimistic attempts; want 1, then the locked one", c.name, got)
		}
	}
	s.SetBeforeCAS(nil)
	rec, found, err := s.Load(ctxT(t), sid)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v", found, err)
	}
	if string(rec.Values["go"]) != "1" || rec.Values["popme"] != nil {
		t.Errorf("after the locked attempts: %v; want go=1 and popme gone", rec.Values)
	}
	for i := range writes {
		if _, ok := rec.Values[fmt.Sprintf("y%d", i)]; !ok {
			t.Errorf("Express's write y%d is lost", i)
		}
	}
}

// TestExpressPatchesUnderSerializableIsolation: with the connections'
// default_transaction_isolation at serializable, a lost race (SQLSTATE
// 40001) is redone under the row lock, so 50 concurrent Patches of one
// row all succeed and all 50 keys are kept.
func TestExpressPatchesUnderSerializableIsolation(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t, func(c *pgxpool.Config) {
		c.ConnConfig.RuntimeParams["default_transaction_isolation"] = "serializable"
	})
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	sid := "serializable"
	insertRow(t, pool, table, sid, `{"cookie":{}}`, time.Now().Add(time.Hour))
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Go(func() {
			if _, err := s.Patch(ctxT(t), sid, core.Patch{Set: map[string][]byte{fmt.Sprintf("k%d", i): []byte("1")}, Expiry: time.Now().Add(time.Hour)}); err != nil {
				t.Errorf("Patch %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	rec, _, err := s.Load(ctxT(t), sid)
	if err != nil || len(rec.Values) != 51 {
		t.Errorf("after 50 Patches: %d values, %v; want the cookie and 50 keys", len(rec.Values), err)
	}
}

// TestExpressRangeSkipsUndecodableRows: one row a Node app broke (a
// sessionkitBytes member that is not Go's) is skipped by Range, so every
// other owner's listing still works; Load reports it.
func TestExpressRangeSkipsUndecodableRows(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	insertRow(t, pool, table, "bad", `{"cookie":{},"sessionkitBytes":{"a":"%%"}}`, time.Now().Add(time.Hour))
	insertRow(t, pool, table, "good", `{"cookie":{}}`, time.Now().Add(time.Hour))
	var seen []string
	if err := s.Range(ctxT(t), func(sid string, _ core.Record) bool { seen = append(seen, sid); return true }); err != nil || len(seen) != 1 || seen[0] != "good" {
		t.Errorf("Range = %v, %v; want only the good row and no error", seen, err)
	}
	if _, _, err := s.Load(ctxT(t), "bad"); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Load(bad) = %v; want ErrBadRecord", err)
	}
}

// TestExpressPastExpiryWritesNothing: Patch and Touch with an expiry
// already past report found false and leave the row alone.
func TestExpressPastExpiryWritesNothing(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newExpress(t, pool, pgstore.ExpressOptions{Table: table})
	insertRow(t, pool, table, "p", `{"cookie":{"originalMaxAge":3600000,"expires":null}}`, time.Now().Add(time.Hour))
	past := time.Now().Add(-time.Second)
	if found, err := s.Patch(ctxT(t), "p", core.Patch{Set: map[string][]byte{"k": []byte("1")}, Expiry: past}); found || err != nil {
		t.Errorf("Patch(past) = %v, %v; want false, nil", found, err)
	}
	if found, err := s.Touch(ctxT(t), "p", past); found || err != nil {
		t.Errorf("Touch(past) = %v, %v; want false, nil", found, err)
	}
	if rec, found, _ := s.Load(ctxT(t), "p"); !found || rec.Values["k"] != nil {
		t.Errorf("row after: found %v, values %v; want it as it was", found, rec.Values)
	}
}
