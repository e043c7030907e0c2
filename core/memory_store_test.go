package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/internal/goroutines"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	s := core.NewMemoryStore(core.MemoryStoreOptions{})
	t.Cleanup(func() { s.Close() })
	storetest.Run(t, s)
}

func TestMemoryStoreConformanceWithCap(t *testing.T) {
	// No sweeper: the suite's Cleanup check needs expired records to remain.
	s := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: 10000, CleanupInterval: -1})
	t.Cleanup(func() { s.Close() })
	storetest.Run(t, s)
}

func rec(expiry time.Time) core.Record {
	return core.Record{Values: map[string][]byte{"k": []byte(`"v"`)}, Expiry: expiry}
}

func TestMemoryStoreSweeperRemovesExpired(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name        string
		interval    time.Duration
		wantCleanup int // what a manual Cleanup still finds afterwards
	}{
		{"sweeper on", 20 * time.Millisecond, 0},
		{"sweeper off", -1, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: tc.interval})
				t.Cleanup(func() { s.Close() })
				for i := range 3 {
					if err := s.Save(ctx, fmt.Sprint("short", i), rec(time.Now().Add(200*time.Millisecond))); err != nil {
						t.Fatal(err)
					}
				}
				if err := s.Save(ctx, "long", rec(time.Now().Add(time.Hour))); err != nil {
					t.Fatal(err)
				}
				if n, _ := s.Count(ctx); n != 4 {
					t.Fatalf("Count = %d; want 4", n)
				}
				time.Sleep(600 * time.Millisecond)
				synctest.Wait() // let the sweeper finish its round
				if n, _ := s.Count(ctx); n != 1 {
					t.Errorf("Count after expiry = %d; want 1", n)
				}
				// Cleanup reports what was still there to remove: nothing if the
				// sweeper already removed the expired records.
				if n, err := s.Cleanup(ctx); n != tc.wantCleanup || err != nil {
					t.Errorf("Cleanup = %d, %v; want %d", n, err, tc.wantCleanup)
				}
				var keys []string
				s.Range(ctx, func(k string, _ core.Record) bool { keys = append(keys, k); return true })
				if len(keys) != 1 || keys[0] != "long" {
					t.Errorf("Range keys = %v; want [long]", keys)
				}
			})
		})
	}
}

// TestMemoryStoreCloseStopsSweeper is not parallel: it checks that no
// goroutine outlives Close.
func TestMemoryStoreCloseStopsSweeper(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		before := goroutines.Current()
		s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: time.Millisecond})
		time.Sleep(5 * time.Millisecond)
		if err := s.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		goroutines.Verify(t, before)
		// The store stays usable without its sweeper.
		ctx := context.Background()
		if err := s.Save(ctx, "k", rec(time.Now().Add(time.Hour))); err != nil {
			t.Errorf("Save after Close: %v", err)
		}
		if _, found, err := s.Load(ctx, "k"); !found || err != nil {
			t.Errorf("Load after Close = %v, %v", found, err)
		}

		// A Manager that created its own memory store stops it on Close.
		m, err := core.New(core.Config{Secrets: [][]byte{secretA}})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.Store().(*core.MemoryStore); !ok {
			t.Errorf("default store is %T; want *core.MemoryStore", m.Store())
		}
		m.Close()
		goroutines.Verify(t, before)
	})
}

func TestManagerCloseLeavesCallersStoreRunning(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: 10 * time.Millisecond})
		t.Cleanup(func() { s.Close() })
		m, err := core.New(core.Config{Secrets: [][]byte{secretA}, Store: s})
		if err != nil {
			t.Fatal(err)
		}
		m.Close()
		ctx := context.Background()
		s.Save(ctx, "short", rec(time.Now().Add(20*time.Millisecond)))
		time.Sleep(200 * time.Millisecond)
		synctest.Wait()
		if n, _ := s.Cleanup(ctx); n != 0 {
			t.Errorf("Cleanup found %d expired records; want 0: the caller's store must keep sweeping after Manager.Close", n)
		}
	})
}

// TestMemoryStorePop checks on virtual time what the conformance suite
// can only approach in real time: a record is gone for Pop from the very
// instant of its expiry, Pop keeps that expiry exactly, and a record
// without expiry never expires. It also checks that a pop leaves the
// values an earlier Load returned as they were, since the manager shares
// them with requests in flight.
func TestMemoryStorePop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
		t.Cleanup(func() { s.Close() })
		exp := time.Now().Add(time.Second)
		vals := map[string][]byte{"flash": []byte(`"hi"`), "keep": []byte(`1`)}
		for _, key := range []string{"timed", "forever"} {
			e := exp
			if key == "forever" {
				e = time.Time{}
			}
			if err := s.Save(ctx, key, core.Record{Values: vals, Expiry: e}); err != nil {
				t.Fatalf("Save(%q): %v", key, err)
			}
		}
		before, _, _ := s.Load(ctx, "timed")

		canceled, cancel := context.WithCancel(ctx)
		cancel()
		if _, _, err := s.Pop(canceled, "timed", "flash"); !errors.Is(err, context.Canceled) {
			t.Errorf("Pop with a canceled context = %v; want context.Canceled", err)
		}
		if v, found, err := s.Pop(ctx, "timed", "flash"); string(v) != `"hi"` || !found || err != nil {
			t.Errorf("Pop(timed, flash) = %s, %v, %v; want \"hi\", true, nil", v, found, err)
		}
		if _, ok := before.Values["flash"]; !ok {
			t.Error("Pop changed the values an earlier Load returned")
		}
		after, found, _ := s.Load(ctx, "timed")
		if _, ok := after.Values["flash"]; !found || ok || string(after.Values["keep"]) != "1" || !after.Expiry.Equal(exp) {
			t.Errorf("Load after Pop = %v, %v; want only keep=1 and Expiry %v", after, found, exp)
		}

		time.Sleep(time.Until(exp))
		if v, found, err := s.Pop(ctx, "timed", "keep"); found || err != nil {
			t.Errorf("Pop at the record's expiry = %s, %v, %v; want false, nil", v, found, err)
		}
		time.Sleep(time.Hour)
		if v, found, err := s.Pop(ctx, "forever", "flash"); string(v) != `"hi"` || !found || err != nil {
			t.Errorf("Pop(record without expiry, an hour later) = %s, %v, %v; want \"hi\", true, nil", v, found, err)
		}
		if rec, found, _ := s.Load(ctx, "forever"); !found || len(rec.Values) != 1 || !rec.Expiry.IsZero() {
			t.Errorf("Load(forever) after Pop = %v, %v; want keep only, no expiry", rec, found)
		}
	})
}

func TestMemoryStoreMaxSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const max = 100
	s := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: max, CleanupInterval: -1})
	t.Cleanup(func() { s.Close() })
	exp := time.Now().Add(time.Hour)
	for i := range max {
		if err := s.Save(ctx, fmt.Sprint("key", i), rec(exp)); err != nil {
			t.Fatalf("Save #%d of %d under the cap: %v", i+1, max, err)
		}
	}
	if err := s.Save(ctx, "one-too-many", rec(exp)); !errors.Is(err, core.ErrStoreFull) {
		t.Fatalf("Save beyond the cap = %v; want ErrStoreFull", err)
	}
	if _, found, _ := s.Load(ctx, "one-too-many"); found {
		t.Error("the rejected record was stored")
	}
	// Existing sessions keep working.
	if err := s.Save(ctx, "key0", rec(exp)); err != nil {
		t.Errorf("overwriting an existing session at the cap: %v", err)
	}
	if found, err := s.Patch(ctx, "key1", core.Patch{Set: map[string][]byte{"x": []byte("1")}, Expiry: exp}); !found || err != nil {
		t.Errorf("Patch at the cap = %v, %v", found, err)
	}
	if found, err := s.Touch(ctx, "key2", exp.Add(time.Hour)); !found || err != nil {
		t.Errorf("Touch at the cap = %v, %v", found, err)
	}
	if _, found, err := s.Pop(ctx, "key4", "k"); !found || err != nil {
		t.Errorf("Pop at the cap = %v, %v", found, err)
	}
	// Deleting one makes room for one.
	s.Delete(ctx, "key3")
	s.Delete(ctx, "key3") // deleting twice frees nothing more
	if err := s.Save(ctx, "new1", rec(exp)); err != nil {
		t.Errorf("Save after a Delete: %v", err)
	}
	if err := s.Save(ctx, "new2", rec(exp)); !errors.Is(err, core.ErrStoreFull) {
		t.Errorf("second Save after one Delete = %v; want ErrStoreFull", err)
	}
	if n, _ := s.Count(ctx); n != max {
		t.Errorf("Count = %d; want %d", n, max)
	}
}

func TestMemoryStoreMaxSessionsEvictsExpiredFirst(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		const max = 50
		s := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: max, CleanupInterval: -1})
		t.Cleanup(func() { s.Close() })
		for i := range max {
			exp := time.Now().Add(time.Hour)
			if i%10 == 0 {
				exp = time.Now().Add(50 * time.Millisecond)
			}
			if err := s.Save(ctx, fmt.Sprint("key", i), rec(exp)); err != nil {
				t.Fatal(err)
			}
		}
		time.Sleep(150 * time.Millisecond)
		for i := range max / 10 {
			if err := s.Save(ctx, fmt.Sprint("new", i), rec(time.Now().Add(time.Hour))); err != nil {
				t.Errorf("Save #%d with expired records to evict: %v", i, err)
			}
		}
		if err := s.Save(ctx, "extra", rec(time.Now().Add(time.Hour))); !errors.Is(err, core.ErrStoreFull) {
			t.Errorf("Save with nothing left to evict = %v; want ErrStoreFull", err)
		}
		for i := range max {
			_, found, _ := s.Load(ctx, fmt.Sprint("key", i))
			if want := i%10 != 0; found != want {
				t.Errorf("key%d found = %v; want %v", i, found, want)
			}
		}
	})
}

func TestMemoryStoreMaxSessionsConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	const max, writers = 100, 300
	s := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: max, CleanupInterval: -1})
	t.Cleanup(func() { s.Close() })
	var ok, full atomic.Int32
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			switch err := s.Save(ctx, fmt.Sprint("key", i), rec(time.Now().Add(time.Hour))); {
			case err == nil:
				ok.Add(1)
			case errors.Is(err, core.ErrStoreFull):
				full.Add(1)
			default:
				t.Errorf("Save: %v", err)
			}
		})
	}
	wg.Wait()
	if ok.Load() != max || full.Load() != writers-max {
		t.Errorf("%d saves succeeded, %d were refused; want %d and %d", ok.Load(), full.Load(), max, writers-max)
	}
	if n, _ := s.Count(ctx); n != max {
		t.Errorf("Count = %d; want %d", n, max)
	}
}

func TestRegenerateWhenStoreIsFull(t *testing.T) {
	t.Parallel()
	mem := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: 3, CleanupInterval: -1})
	t.Cleanup(func() { mem.Close() })
	m := newManager(t, core.Config{Store: mem})
	mine, _ := login(t, m, "me")
	login(t, m, "other1")
	login(t, m, "other2")
	var newID string
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		core.Key[string]("user").Set(s, "alice")
		if err := s.Err(); err != nil {
			t.Errorf("Regenerate: %v", err)
		}
		newID = s.ID()
	})), get("/login", mine))
	if resp.StatusCode != http.StatusOK || !live(sessionCookie(t, resp, "session")) {
		t.Fatalf("login on a full store: status %d; want 200 and a new cookie", resp.StatusCode)
	}
	if rec, found, _ := mem.Load(context.Background(), m.StoreKey(newID)); !found || string(rec.Values["k"]) != `"me"` {
		t.Errorf("new record found %v, k = %s; want the session's data under the new ID", found, rec.Values["k"])
	}
	if n, _ := mem.Count(context.Background()); n != 3 {
		t.Errorf("store holds %d sessions; want 3: the old record made room for the new", n)
	}
}
