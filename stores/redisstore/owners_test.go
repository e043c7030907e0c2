package redisstore_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// indexKey is the documented key of owner's index under prefix.
func indexKey(prefix, owner string) string {
	sum := sha256.Sum256([]byte(owner))
	return prefix + "owner:" + hex.EncodeToString(sum[:])
}

func ownedBy(owner string, ends, expiry time.Time) core.Record {
	return core.Record{
		Values: map[string][]byte{"user": []byte(`"alice"`)},
		Expiry: expiry,
		Owner:  core.Owner{ID: owner, Created: time.Now(), Ends: ends, Seen: time.Now(), UserAgent: "test"},
	}
}

// listed returns the sorted keys Owned returns for owner.
func listed(t *testing.T, s core.OwnerIndex, owner string) []string {
	t.Helper()
	recs, err := s.Owned(context.Background(), owner)
	if err != nil {
		t.Fatalf("Owned(%q) = %v", owner, err)
	}
	keys := make([]string, 0, len(recs))
	for _, r := range recs {
		keys = append(keys, r.Key)
	}
	slices.Sort(keys)
	return keys
}

func sortedKeys(keys ...string) []string {
	keys = append([]string{}, keys...)
	slices.Sort(keys)
	return keys
}

// TestOwnerIndexLayout checks what Redis holds for owned sessions: the
// owner in the session's own hash, an index under the hashed owner ID
// whose entry repeats the Save's generation, and no key naming the owner.
func TestOwnerIndexLayout(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	owner := "user-" + storetest.NewKey(t)
	key := storetest.NewKey(t)
	ends, exp := time.Now().Add(2*time.Hour), time.Now().Add(time.Hour)
	if err := s.Save(ctx, key, ownedBy(owner, ends, exp)); err != nil {
		t.Fatal(err)
	}
	fields, err := client.HGetAll(ctx, prefix+key).Result()
	if err != nil {
		t.Fatal(err)
	}
	if fields["o:id"] != owner || fields["o:g"] == "" || fields["m"] != "2" {
		t.Errorf("session hash = %v; want o:id = the owner, a generation o:g and the marker", fields)
	}
	index := indexKey(prefix, owner)
	if gen, err := client.HGet(ctx, index, key).Result(); err != nil || gen != fields["o:g"] {
		t.Errorf("HGET index entry = %q, %v; want the session's generation %q", gen, err, fields["o:g"])
	}
	var keys []string
	iter := client.Scan(ctx, 0, redisstore.GlobEscape(prefix)+"*", 100).Iterator()
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	if want := sortedKeys(prefix+key, index); !slices.Equal(sortedKeys(keys...), want) {
		t.Errorf("keys under the prefix = %v; want %v", keys, want)
	}
	for _, k := range keys {
		if strings.Contains(k, owner) {
			t.Errorf("key %q contains the raw owner ID", k)
		}
	}
	// The index is a hash of 70 characters after the prefix: never a
	// session to Count or Range.
	if n, err := s.Count(ctx); err != nil || n != 1 {
		t.Errorf("Count = %d, %v; want 1, nil", n, err)
	}
}

// TestOwnerIndexTTL: the index lives at least as long as the latest end
// (or expiry) of its sessions, never shorter, and for ever when one of
// them has no end.
func TestOwnerIndexTTL(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	now := time.Now()
	h := func(d time.Duration) time.Time { return now.Add(d) }
	type save struct{ ends, expiry time.Time }
	tests := []struct {
		name  string
		saves []save
		want  time.Time // zero: no TTL
	}{
		{"one session: its end", []save{{h(3 * time.Hour), h(time.Hour)}}, h(3 * time.Hour)},
		{"a later end extends", []save{{h(2 * time.Hour), h(time.Hour)}, {h(5 * time.Hour), h(time.Hour)}}, h(5 * time.Hour)},
		{"an earlier end never shortens", []save{{h(5 * time.Hour), h(time.Hour)}, {h(2 * time.Hour), h(time.Hour)}}, h(5 * time.Hour)},
		{"an expiry past the end counts", []save{{h(time.Hour), h(4 * time.Hour)}}, h(4 * time.Hour)},
		{"no end: no TTL", []save{{h(2 * time.Hour), h(time.Hour)}, {time.Time{}, h(time.Hour)}}, time.Time{}},
		{"no TTL stays", []save{{time.Time{}, h(time.Hour)}, {h(2 * time.Hour), h(time.Hour)}}, time.Time{}},
		{"no expiry: no TTL", []save{{h(2 * time.Hour), time.Time{}}}, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			owner := "ttl-" + storetest.NewKey(t)
			for _, sv := range tc.saves {
				if err := s.Save(ctx, storetest.NewKey(t), ownedBy(owner, sv.ends, sv.expiry)); err != nil {
					t.Fatal(err)
				}
			}
			at, err := client.PExpireTime(ctx, indexKey(prefix, owner)).Result()
			if err != nil {
				t.Fatal(err)
			}
			if tc.want.IsZero() {
				if at != -1 {
					t.Errorf("index PEXPIRETIME = %v; want -1 (no TTL)", at)
				}
				return
			}
			if got := time.UnixMilli(int64(at / time.Millisecond)); got.Sub(tc.want).Abs() > time.Second {
				t.Errorf("index expires at %v; want %v", got, tc.want)
			}
		})
	}
}

// TestOwnedPrunesStaleEntries plants the entries a crash between two
// writes, or an expiry, leaves: Owned lists none of them and deletes them
// all from the index.
func TestOwnedPrunesStaleEntries(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	alice, bob := "alice-"+storetest.NewKey(t), "bob-"+storetest.NewKey(t)
	ends, long := time.Now().Add(2*time.Hour), time.Now().Add(time.Hour)
	live, gone, rebound, unbound, expiring := storetest.NewKey(t), storetest.NewKey(t), storetest.NewKey(t), storetest.NewKey(t), storetest.NewKey(t)
	for _, k := range []string{live, gone, rebound, unbound} {
		if err := s.Save(ctx, k, ownedBy(alice, ends, long)); err != nil {
			t.Fatal(err)
		}
	}
	exp := time.Now().Add(300 * time.Millisecond)
	if err := s.Save(ctx, expiring, ownedBy(alice, ends, exp)); err != nil {
		t.Fatal(err)
	}
	index := indexKey(prefix, alice)
	entries, err := client.HGetAll(ctx, index).Result()
	if err != nil || len(entries) != 5 {
		t.Fatalf("index = %v, %v; want 5 entries", entries, err)
	}
	// Each record changes behind the index's back, as when a process
	// dies between a Save's or Delete's two writes.
	if err := client.Del(ctx, prefix+gone).Err(); err != nil {
		t.Fatal(err)
	}
	if err := client.HSet(ctx, prefix+rebound, "o:id", bob).Err(); err != nil {
		t.Fatal(err)
	}
	if err := client.HDel(ctx, prefix+unbound, "o:id").Err(); err != nil {
		t.Fatal(err)
	}
	for {
		got := listed(t, s, alice)
		if !slices.Contains(got, expiring) {
			// Redis keeps expiries to the millisecond.
			if time.Now().Before(exp.Add(-10 * time.Millisecond)) {
				t.Fatalf("Owned = %v, %v before the short-lived session's expiry; want it listed", got, time.Until(exp))
			}
			break
		}
		if want := sortedKeys(live, expiring); !slices.Equal(got, want) {
			t.Fatalf("Owned = %v; want %v", got, want)
		}
		if time.Now().After(exp.Add(5 * time.Second)) {
			t.Fatalf("Owned still lists a session 5s after its expiry")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A session expired by the application's clock but not yet by
	// Redis's is left out and pruned by a later Owned, once Redis has
	// expired it: poll, briefly.
	var keys []string
	for deadline := time.Now().Add(2 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if got, want := listed(t, s, alice), []string{live}; !slices.Equal(got, want) {
			t.Fatalf("Owned = %v; want %v", got, want)
		}
		if keys, err = client.HKeys(ctx, index).Result(); err != nil || slices.Equal(keys, []string{live}) || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || !slices.Equal(keys, []string{live}) {
		t.Errorf("index after Owned = %v, %v; want only the live session's entry", keys, err)
	}
	if got := listed(t, s, bob); len(got) != 0 {
		t.Errorf("Owned(bob) = %v; want none: bob's index never held the session", got)
	}
}

// saveBetween is a hook that runs fn once, right after the first
// pipeline of scripts has run: between Owned's check of its entries and
// its prune. (A connection's set-up is a pipeline too.)
type saveBetween struct {
	once sync.Once
	fn   func()
}

func (h *saveBetween) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (h *saveBetween) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }
func (h *saveBetween) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		err := next(ctx, cmds)
		if cmds[0].Name() == "eval" {
			h.once.Do(h.fn)
		}
		return err
	}
}

// TestOwnedPruneSparesARacingSave saves a session again, to its owner,
// after Owned found its record gone but before Owned prunes the entry:
// the prune must not drop the entry the new Save wrote.
func TestOwnedPruneSparesARacingSave(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	owner := "racer-" + storetest.NewKey(t)
	key := storetest.NewKey(t)
	rec := ownedBy(owner, time.Now().Add(2*time.Hour), time.Now().Add(time.Hour))
	if err := s.Save(ctx, key, rec); err != nil {
		t.Fatal(err)
	}
	// The record goes, its entry stays: a Delete whose second write is
	// still to come.
	if err := client.Del(ctx, prefix+key).Err(); err != nil {
		t.Fatal(err)
	}
	hooked := sharedClient(t)
	hook := &saveBetween{fn: func() {
		if err := s.Save(ctx, key, rec); err != nil {
			t.Errorf("Save between Owned's check and its prune: %v", err)
		}
	}}
	hooked.AddHook(hook)
	racing, err := redisstore.New(hooked, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if got := listed(t, racing, owner); len(got) != 0 {
		t.Errorf("Owned while the record was gone = %v; want none", got)
	}
	if got := listed(t, s, owner); !slices.Equal(got, []string{key}) {
		t.Errorf("Owned after the racing Save = %v; want [%s]: the prune dropped a live session's entry", got, key)
	}
}

// cmdLog is a hook that records the commands a client sends, a
// pipeline's as one entry.
type cmdLog struct {
	mu    sync.Mutex
	names []string
}

func (l *cmdLog) add(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.names = append(l.names, name)
}

// take returns the commands recorded since the last take.
func (l *cmdLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.names
	l.names = nil
	return n
}

func (l *cmdLog) DialHook(next redis.DialHook) redis.DialHook { return next }
func (l *cmdLog) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		l.add(cmd.Name())
		return next(ctx, cmd)
	}
}
func (l *cmdLog) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		names := make([]string, len(cmds))
		for i, c := range cmds {
			names[i] = c.Name()
		}
		l.add("pipeline(" + strings.Join(names, ",") + ")")
		return next(ctx, cmds)
	}
}

// TestOwnedSessionCostsNoExtraCommands: reading, touching, patching and
// popping an owned session sends exactly the commands an unowned one
// does, one each, the owner's Seen riding in the same script; so does a
// read request through a manager.
func TestOwnedSessionCostsNoExtraCommands(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	log := &cmdLog{}
	client.AddHook(log)
	s, _ := newStore(t, client)
	ctx := context.Background()
	exp := time.Now().Add(time.Hour)
	ops := []struct {
		name string
		fn   func(key string) error
	}{
		{"Load", func(key string) error { _, _, err := s.Load(ctx, key); return err }},
		{"Touch", func(key string) error { _, err := s.Touch(ctx, key, exp); return err }},
		{"Patch", func(key string) error {
			_, err := s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"n": []byte("1")}, Expiry: exp})
			return err
		}},
		{"Pop", func(key string) error { _, _, err := s.Pop(ctx, key, "user"); return err }},
	}
	costs := func(owner string) map[string][]string {
		key := storetest.NewKey(t)
		if err := s.Save(ctx, key, ownedBy(owner, exp.Add(time.Hour), exp)); err != nil {
			t.Fatal(err)
		}
		log.take()
		got := map[string][]string{}
		for _, op := range ops {
			if err := op.fn(key); err != nil {
				t.Fatalf("%s: %v", op.name, err)
			}
			got[op.name] = log.take()
		}
		return got
	}
	costs("") // loads every script, so no NOSCRIPT retry below
	unowned, owned := costs(""), costs("owner-"+storetest.NewKey(t))
	for _, op := range ops {
		if u, o := unowned[op.name], owned[op.name]; len(u) != 1 || !slices.Equal(u, o) {
			t.Errorf("%s sent %v for an unowned session and %v for an owned one; want the same single command", op.name, u, o)
		}
	}

	// Through a manager that touches on every request.
	mgr, err := core.New(core.Config{Secrets: [][]byte{newSecret(t)}, Store: s, IdleTimeout: time.Hour, TouchInterval: time.Nanosecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mgr.Close() })
	mux := http.NewServeMux()
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		core.Key[string]("user").Set(core.FromRequest(r), "alice")
		core.FromRequest(r).SetOwner(r.FormValue("owner"))
	})
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, core.Key[string]("user").Get(core.FromRequest(r)))
	})
	srv := httptest.NewServer(mgr.Handler(mux))
	t.Cleanup(srv.Close)
	read := func(owner string) []string {
		b := newBrowser(t)
		do(t, b, http.MethodPost, srv.URL+"/login?owner="+owner)
		do(t, b, http.MethodGet, srv.URL+"/")
		log.take()
		if code, body := do(t, b, http.MethodGet, srv.URL+"/"); code != http.StatusOK || body != "alice" {
			t.Fatalf("GET = %d %q; want 200 \"alice\"", code, body)
		}
		return log.take()
	}
	// The unowned login: an empty owner binds no one.
	u, o := read(""), read("owner-"+storetest.NewKey(t))
	if len(u) != 2 || !slices.Equal(u, o) {
		t.Errorf("a read request sent %v for an unowned session and %v for an owned one; want the same two commands (load, touch)", u, o)
	}
}

// TestClusterOwnedNeverStale races Saves, Deletes, re-bindings and
// expiries with Owned on a real Redis Cluster, where a session and its
// owner's index sit in different slots: no Owned that starts after a
// session was deleted, re-bound or expired lists it under its former
// owner, and once the writes end each owner lists exactly its live
// sessions and its index holds nothing else.
func TestClusterOwnedNeverStale(t *testing.T) {
	t.Parallel()
	addrs := startCluster(t)
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs, ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	s, prefix := newStore(t, client)
	testOwnedNeverStaleRacing(t, client, s, prefix)
}

// TestOwnedNeverStaleRacing is TestClusterOwnedNeverStale on one server.
func TestOwnedNeverStaleRacing(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	testOwnedNeverStaleRacing(t, client, s, prefix)
}

// fate is what becomes of a session in testOwnedNeverStaleRacing.
type fate int

const (
	kept    fate = iota // stays with alice
	deleted             // deleted
	rebound             // saved again with bob
	expires             // saved with a short expiry
	fates
)

// leftAlice records, per session key, when it stopped being alice's.
type leftAlice struct {
	mu sync.Mutex
	at map[string]time.Time
}

func (l *leftAlice) set(key string, at time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.at[key] = at
}

// before reports whether key stopped being alice's before t.
func (l *leftAlice) before(key string, t time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	at, ok := l.at[key]
	return ok && at.Before(t)
}

func testOwnedNeverStaleRacing(t *testing.T, client redis.UniversalClient, s *redisstore.Store, prefix string) {
	ctx := context.Background()
	alice, bob := "alice-"+storetest.NewKey(t), "bob-"+storetest.NewKey(t)
	ends := time.Now().Add(2 * time.Hour)
	long := time.Now().Add(time.Hour)
	const n = 40
	keys := make([]string, n)
	for i := range keys {
		keys[i] = storetest.NewKey(t)
	}
	gone := &leftAlice{at: map[string]time.Time{}}
	short := time.Now().Add(400 * time.Millisecond)
	for i, k := range keys {
		if fate(i%int(fates)) == expires {
			gone.set(k, short)
		}
	}
	done := make(chan struct{})
	var writers, readers sync.WaitGroup
	for i, k := range keys {
		writers.Go(func() {
			f := fate(i % int(fates))
			exp := long
			if f == expires {
				exp = short
			}
			if err := s.Save(ctx, k, ownedBy(alice, ends, exp)); err != nil {
				t.Errorf("Save: %v", err)
				return
			}
			var err error
			switch f {
			case deleted:
				err = s.Delete(ctx, k)
			case rebound:
				err = s.Save(ctx, k, ownedBy(bob, ends, long))
			}
			if err != nil {
				t.Errorf("write: %v", err)
			}
			if f == deleted || f == rebound {
				gone.set(k, time.Now())
			}
		})
	}
	for range 4 {
		readers.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				start := time.Now()
				recs, err := s.Owned(ctx, alice)
				if err != nil {
					t.Errorf("Owned: %v", err)
					return
				}
				for _, r := range recs {
					if r.Owner.ID != alice {
						t.Errorf("Owned(alice) listed a session of %q", r.Owner.ID)
					}
					if gone.before(r.Key, start) {
						t.Errorf("Owned(alice), started after the session left alice, lists it")
					}
				}
			}
		})
	}
	writers.Wait()
	var wantAlice, wantBob []string
	for i, k := range keys {
		switch fate(i % int(fates)) {
		case kept:
			wantAlice = append(wantAlice, k)
		case rebound:
			wantBob = append(wantBob, k)
		}
	}
	wantAlice = sortedKeys(wantAlice...)
	// The readers go on until the short-lived sessions have expired and
	// alice lists exactly her kept ones, or a deadline passes.
	deadline := short.Add(5 * time.Second)
	for {
		got := listed(t, s, alice)
		if time.Now().After(short) && slices.Equal(got, wantAlice) {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("Owned(alice) after the race = %v; want %v", got, wantAlice)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	close(done)
	readers.Wait()
	if got, want := listed(t, s, bob), sortedKeys(wantBob...); !slices.Equal(got, want) {
		t.Errorf("Owned(bob) after the race = %v; want %v", got, want)
	}
	// The Deletes and re-bindings dropped their entries, and Owned
	// pruned the expired sessions'.
	for owner, want := range map[string][]string{alice: wantAlice, bob: wantBob} {
		got, err := client.HKeys(ctx, indexKey(prefix, owner)).Result()
		slices.Sort(got)
		if err != nil || !slices.Equal(got, sortedKeys(want...)) {
			t.Errorf("index entries = %v, %v; want %v", got, err, sortedKeys(want...))
		}
	}
}
