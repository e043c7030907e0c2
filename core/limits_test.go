package core_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// kv is one key and string value.
type kv struct{ k, v string }

// sized returns n keys, k000 onwards, each taking size bytes of a session:
// its 4-byte name and a JSON string of size-4 bytes.
func sized(n, size int) []kv {
	out := make([]kv, n)
	for i := range out {
		out[i] = kv{fmt.Sprintf("k%03d", i), strings.Repeat("x", size-4-2)}
	}
	return out
}

// x returns a string whose JSON encoding is n+2 bytes.
func x(n int) string { return strings.Repeat("x", n) }

// storedStrings returns the string values the record of the session id
// holds in st, and whether there is one.
func storedStrings(t *testing.T, st core.Store, m *core.Manager, id string) (map[string]string, bool) {
	t.Helper()
	rec, found, err := st.Load(context.Background(), m.StoreKey(id))
	if err != nil || !found {
		return nil, false
	}
	out := make(map[string]string, len(rec.Values))
	for k, raw := range rec.Values {
		var v string
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatalf("stored %s = %s: %v", k, raw, err)
		}
		out[k] = v
	}
	return out, true
}

// A Set beyond Config.Limits is refused whole: the request fails through
// the error path with ErrTooLarge, the value is not set, nothing is
// truncated, and the stored record keeps every earlier key.
func TestLimitsRefuseASetAndKeepTheRecord(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		limits core.Limits
		seed   []kv   // stored by an earlier request
		set    []kv   // set by the request under test, in order
		del    string // deleted by it before its last Set
		pop    bool   // deleted with Pop (the store's native pop) instead
		refuse string // the limit the last Set exceeds; "" if none
	}{
		{"value over ValueBytes", core.Limits{ValueBytes: 10}, []kv{{"a", "1"}}, []kv{{"big", x(9)}}, "", false, "ValueBytes"},
		{"value at ValueBytes", core.Limits{ValueBytes: 10}, []kv{{"a", "1"}}, []kv{{"big", x(8)}}, "", false, ""},
		{"replacing a value with one over ValueBytes", core.Limits{ValueBytes: 10}, []kv{{"a", "small"}}, []kv{{"a", x(9)}}, "", false, "ValueBytes"},
		{"new session, value over ValueBytes", core.Limits{ValueBytes: 10}, nil, []kv{{"a", "1"}, {"big", x(9)}}, "", false, "ValueBytes"},
		{"key over Keys", core.Limits{Keys: 2}, []kv{{"a", "1"}, {"b", "2"}}, []kv{{"c", "3"}}, "", false, "Keys"},
		{"replacing a key at Keys", core.Limits{Keys: 2}, []kv{{"a", "1"}, {"b", "2"}}, []kv{{"a", "new"}}, "", false, ""},
		{"Delete makes room for a key", core.Limits{Keys: 2}, []kv{{"a", "1"}}, []kv{{"b", "2"}, {"c", "3"}}, "a", false, ""},
		{"Pop makes room for a key", core.Limits{Keys: 2}, []kv{{"a", "1"}}, []kv{{"b", "2"}, {"c", "3"}}, "a", true, ""},
		{"session over SessionBytes", core.Limits{SessionBytes: 20}, []kv{{"a", x(5)}}, []kv{{"b", x(10)}}, "", false, "SessionBytes"},
		{"session at SessionBytes", core.Limits{SessionBytes: 20}, []kv{{"a", x(5)}}, []kv{{"b", x(9)}}, "", false, ""},
		{"the Sets of one request add up", core.Limits{SessionBytes: 20}, []kv{{"a", x(5)}}, []kv{{"b", x(4)}, {"c", x(4)}}, "", false, "SessionBytes"},
		{"Delete frees session bytes", core.Limits{SessionBytes: 20}, []kv{{"a", x(5)}}, []kv{{"b", x(4)}, {"c", x(10)}}, "a", false, ""},
		{"Pop frees session bytes", core.Limits{SessionBytes: 20}, []kv{{"a", x(5)}}, []kv{{"b", x(4)}, {"c", x(10)}}, "a", true, ""},
		{"negative limits are no limits", core.Limits{ValueBytes: -1, Keys: -1, SessionBytes: -1}, sized(300, 8), []kv{{"big", x(1 << 20)}}, "", false, ""},
		{"default ValueBytes: 64 KiB", core.Limits{}, nil, []kv{{"v", x(64<<10 - 2)}}, "", false, ""},
		{"default ValueBytes: one byte more", core.Limits{}, []kv{{"a", "1"}}, []kv{{"v", x(64<<10 - 1)}}, "", false, "ValueBytes"},
		{"default Keys: 128", core.Limits{}, nil, sized(128, 8), "", false, ""},
		{"default Keys: the 129th", core.Limits{}, sized(128, 8), []kv{{"extra", "1"}}, "", false, "Keys"},
		{"default SessionBytes: 256 KiB", core.Limits{}, nil, sized(4, 64<<10), "", false, ""},
		{"default SessionBytes: one key more", core.Limits{}, sized(4, 64<<10), []kv{{"z", ""}}, "", false, "SessionBytes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
			t.Cleanup(func() { st.Close() })
			var errs reported
			_, m := withStore(t, st, core.Config{Limits: tc.limits, ErrorHandler: errs.handle})
			want := map[string]string{}
			var ck *http.Cookie
			var id string
			if tc.seed != nil {
				resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
					for _, p := range tc.seed {
						core.Key[string](p.k).Set(s, p.v)
						want[p.k] = p.v
					}
					id = s.ID()
				})), get("/seed"))
				if ck = sessionCookie(t, resp, core.DefaultCookieName); !live(ck) || len(errs.all()) != 0 {
					t.Fatalf("seeding: status %d, errors %v; want the seed stored", resp.StatusCode, errs.all())
				}
			}
			before := maps.Clone(want)

			last := tc.set[len(tc.set)-1]
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				for i, p := range tc.set {
					if i == len(tc.set)-1 && tc.del != "" {
						if tc.pop {
							core.Key[string](tc.del).Pop(s)
						} else {
							core.Key[string](tc.del).Delete(s)
						}
						delete(want, tc.del)
					}
					core.Key[string](p.k).Set(s, p.v)
					want[p.k] = p.v
				}
				id = s.ID()
				got, ok := core.Key[string](last.k).Lookup(s)
				old, had := before[last.k]
				if tc.refuse != "" && (got != old || ok != had) {
					t.Errorf("after the refused Set, Lookup(%q) = %.20q, %v; want the value before it, %.20q, %v", last.k, got, ok, old, had)
				}
			})), get("/", ck))

			rec, found := storedStrings(t, st, m, id)
			if tc.refuse == "" {
				if resp.StatusCode != http.StatusOK || len(errs.all()) != 0 {
					t.Fatalf("status %d, errors %v; want 200 within the limits", resp.StatusCode, errs.all())
				}
				if !found || !maps.Equal(rec, want) {
					t.Errorf("stored %d keys (found %v); want all %d set", len(rec), found, len(want))
				}
				return
			}
			wantReplaced(t, resp, http.StatusInternalServerError)
			if err := errs.one(t); !errors.Is(err, core.ErrTooLarge) || !strings.Contains(err.Error(), "Limits."+tc.refuse) {
				t.Errorf("reported %v; want ErrTooLarge naming Limits.%s", err, tc.refuse)
			}
			if found != (tc.seed != nil) || !maps.Equal(rec, before) {
				t.Errorf("stored record after the refused request: %d keys (found %v); want the %d stored before, unchanged", len(rec), found, len(before))
			}
		})
	}
}

// A logout is never lost to a Set beyond the limits, before or after
// Destroy.
func TestLogoutDespiteTooLargeSet(t *testing.T) {
	t.Parallel()
	tooLarge := func(s *core.Session) { keyK.Set(s, x(64<<10)) }
	tests := []struct {
		name   string
		fn     func(s *core.Session)
		status int
	}{
		// The value belonged to the destroyed session: nothing to report.
		{"too large Set, then Destroy", func(s *core.Session) { tooLarge(s); s.Destroy() }, http.StatusOK},
		{"Destroy, then too large Set", func(s *core.Session) { s.Destroy(); tooLarge(s) }, http.StatusInternalServerError},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var errs reported
			st, m := withStore(t, newMeteredStore(t), core.Config{ErrorHandler: errs.handle})
			ck, id := login(t, m, "alice")
			resp := serve(m.Handler(sessionFunc(tc.fn)), get("/logout", ck))
			if resp.StatusCode != tc.status {
				t.Errorf("status = %d (errors %v); want %d", resp.StatusCode, errs.all(), tc.status)
			}
			if _, found := st.Record(t, m, id); found {
				t.Error("the session survived its logout")
			}
			if tc.status == http.StatusInternalServerError && !errors.Is(errs.one(t), core.ErrTooLarge) {
				t.Errorf("reported %v; want ErrTooLarge", errs.all())
			}
		})
	}
}

// The defaults are those Config.Limits documents.
func TestDefaultLimits(t *testing.T) {
	t.Parallel()
	want := core.Limits{ValueBytes: 64 << 10, Keys: 128, SessionBytes: 256 << 10}
	if core.DefaultLimits != want {
		t.Errorf("DefaultLimits = %+v; want the documented %+v", core.DefaultLimits, want)
	}
	if core.DefaultMaxSessions != 100_000 {
		t.Errorf("DefaultMaxSessions = %d; want the documented 100,000", core.DefaultMaxSessions)
	}
}

// A memory store created with zero options holds DefaultMaxSessions
// sessions and refuses one more; a negative MaxSessions has no cap.
func TestMemoryStoreDefaultCap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		max      int
		wantFull bool
	}{
		{"zero: DefaultMaxSessions", 0, true},
		{"negative: no cap", -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := core.NewMemoryStore(core.MemoryStoreOptions{MaxSessions: tc.max, CleanupInterval: -1})
			t.Cleanup(func() { s.Close() })
			ctx := context.Background()
			r := core.Record{Values: map[string][]byte{}, Expiry: time.Now().Add(time.Hour)}
			// Filled from several goroutines, which the store's shards
			// serve in parallel, to keep the test fast.
			const workers = 8
			var wg sync.WaitGroup
			for w := range workers {
				wg.Go(func() {
					for i := w; i < core.DefaultMaxSessions; i += workers {
						if err := s.Save(ctx, strconv.Itoa(i), r); err != nil {
							t.Errorf("Save #%d: %v; want room for %d sessions", i+1, err, core.DefaultMaxSessions)
							return
						}
					}
				})
			}
			wg.Wait()
			err := s.Save(ctx, "one more", r)
			if full := errors.Is(err, core.ErrStoreFull); full != tc.wantFull {
				t.Errorf("Save #%d = %v; want ErrStoreFull: %v", core.DefaultMaxSessions+1, err, tc.wantFull)
			}
			if err := s.Save(ctx, "0", r); err != nil {
				t.Errorf("overwriting a stored session at the cap: %v", err)
			}
		})
	}
}
