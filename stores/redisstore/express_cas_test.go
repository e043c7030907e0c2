package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/internal/expressjson"
	"github.com/sessionkit/sessionkit/internal/testenv"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// expressWrite saves rkey as Express does: it loads the whole session
// object (GET), adds the member name, and writes the whole object back
// (SET … EX), with no transaction, so it overwrites whatever was written
// between its two commands.
func expressWrite(ctx context.Context, client redis.UniversalClient, rkey, name, value string) error {
	doc, err := client.Get(ctx, rkey).Result()
	if err != nil {
		return err
	}
	body := strings.TrimSuffix(doc, "}")
	if !strings.HasSuffix(strings.TrimSpace(body), "{") {
		body += ","
	}
	return client.Set(ctx, rkey, body+strconv.Quote(name)+":"+value+"}", time.Hour).Err()
}

// TestExpressPatchesRaceExpressSaves runs 50 concurrent Patches of
// distinct keys, alone and against an Express-like writer saving the
// whole object over and over. Go never loses an Express write: every
// member the writer added is there at the end, exactly. Alone, the
// patches lose nothing either; against the writer, a Go key may be
// missing only because an Express save that read the object before the
// Patch committed wrote it back without the key.
func TestExpressPatchesRaceExpressSaves(t *testing.T) {
	t.Parallel()
	const patches = 50
	for _, expressSaves := range []int{0, 200} {
		t.Run(fmt.Sprintf("ExpressSaves=%d", expressSaves), func(t *testing.T) {
			t.Parallel()
			client := sharedClient(t)
			s, prefix := newExpressStore(t, client)
			key := expressSet(t, client, prefix, connectRedisDoc, time.Hour)
			node := sharedClient(t) // the Express app's own connection
			race(t, expressSaves, patches,
				func(i int) error {
					return expressWrite(context.Background(), node, prefix+key, fmt.Sprintf("x_%d", i), strconv.Itoa(i))
				},
				func(j int) error {
					found, err := s.Patch(context.Background(), key, core.Patch{
						Set:    map[string][]byte{fmt.Sprintf("g_%d", j): []byte(strconv.Itoa(j))},
						Expiry: time.Now().Add(time.Hour),
					})
					if err == nil && !found {
						err = errors.New("found = false")
					}
					return err
				})
			rec, found, err := s.Load(context.Background(), key)
			if err != nil || !found {
				t.Fatalf("Load = %v, %v", found, err)
			}
			checkRaceResult(t, rec.Values, expressSaves, patches)
		})
	}
}

// race runs express(1), …, express(saves) one after another, as one
// Express app saving a session on successive requests, while patch(0),
// …, patch(patches-1) run at once, all starting together. It fails t for
// each error.
func race(t *testing.T, saves, patches int, express, patch func(int) error) {
	var (
		wg    sync.WaitGroup
		start = make(chan struct{})
		errs  = make(chan error, patches+1)
	)
	wg.Go(func() {
		<-start
		for i := 1; i <= saves; i++ {
			if err := express(i); err != nil {
				errs <- fmt.Errorf("Express save %d: %w", i, err)
				return
			}
		}
	})
	for j := range patches {
		wg.Go(func() {
			<-start
			if err := patch(j); err != nil {
				errs <- fmt.Errorf("Patch %d: %w", j, err)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// checkRaceResult checks the values after race: every Express member and
// every member of connectRedisDoc exactly, every Go key present with its
// value, none missing unless Express saves ran.
func checkRaceResult(t *testing.T, vals map[string][]byte, saves, patches int) {
	t.Helper()
	for i := 1; i <= saves; i++ {
		if got := string(vals[fmt.Sprintf("x_%d", i)]); got != strconv.Itoa(i) {
			t.Errorf("Express's member x_%d = %q; want %d: a Go write lost an Express write", i, got, i)
		}
	}
	for name, want := range connectRedisValues {
		if got := string(vals[name]); got != want && name != "cookie" {
			t.Errorf("member %q = %s; want exactly %s", name, got, want)
		}
	}
	// The Express writer may go on after the last Patch, so the cookie's
	// expires is only known to follow one of them: maxAge kept, expires
	// within the race.
	if c, err := expressjson.ParseCookie(vals["cookie"]); err != nil || c.OriginalMaxAge == nil || *c.OriginalMaxAge != 7200000 || time.Until(c.Expires) < time.Hour {
		t.Errorf("cookie after the race = %s, %v; want Node's maxAge kept and expires refreshed", vals["cookie"], err)
	}
	lost := 0
	for j := range patches {
		if got, ok := vals[fmt.Sprintf("g_%d", j)]; !ok {
			lost++
		} else if string(got) != strconv.Itoa(j) {
			t.Errorf("Go key g_%d = %s; want %d", j, got, j)
		}
	}
	if saves == 0 && lost > 0 {
		t.Errorf("%d of %d concurrent Patches lost with no other writer; want none", lost, patches)
	}
	t.Logf("%d of %d Go keys overwritten by Express saves that read the object before the Patch committed", lost, patches)
}

// rival is a redis.Hook that plays an Express app saving the session
// between a compare-and-set's read and its EXEC: before each of the first
// n MULTI/EXEC transactions that write key (every one, for n < 0), it
// adds a member through a client of its own, which makes Redis refuse
// the EXEC. It is deterministic: every attempt it preempts fails.
type rival struct {
	client *redis.Client
	key    string
	n      int

	mu    sync.Mutex
	execs int      // transactions seen that write key
	added []string // members the rival added
	err   error
}

func (r *rival) DialHook(next redis.DialHook) redis.DialHook          { return next }
func (r *rival) ProcessHook(next redis.ProcessHook) redis.ProcessHook { return next }

func (r *rival) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if writesKey(cmds, r.key) {
			r.preempt(ctx)
		}
		return next(ctx, cmds)
	}
}

func (r *rival) preempt(ctx context.Context) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.execs++
	if r.n >= 0 && r.execs > r.n {
		return
	}
	name := fmt.Sprintf("rival_%d", r.execs)
	if err := expressWrite(ctx, r.client, r.key, name, strconv.Itoa(r.execs)); err != nil && r.err == nil {
		r.err = err
	}
	r.added = append(r.added, name)
}

// writesKey reports whether cmds is a MULTI/EXEC transaction with a
// command that writes key.
func writesKey(cmds []redis.Cmder, key string) bool {
	if len(cmds) == 0 || cmds[0].Name() != "multi" {
		return false
	}
	for _, c := range cmds {
		switch c.Name() {
		case "set", "pexpireat", "persist":
			if args := c.Args(); len(args) > 1 && args[1] == key {
				return true
			}
		}
	}
	return false
}

// TestExpressCASRetriesAndThenGivesUp forces Express saves between each
// Patch, Touch or Pop's read and its EXEC. Preempted a few times, the call
// succeeds on a later attempt and keeps every member the rival added;
// preempted every time, it stops after ExpressCASAttempts with the
// contention error, having written nothing.
func TestExpressCASRetriesAndThenGivesUp(t *testing.T) {
	t.Parallel()
	exp := time.Now().Add(time.Hour)
	ops := []struct {
		name  string
		owned bool
		fn    func(s *redisstore.ExpressStore, key string) (bool, error)
	}{
		{"Patch", false, func(s *redisstore.ExpressStore, key string) (bool, error) {
			return s.Patch(context.Background(), key, core.Patch{Set: map[string][]byte{"go": []byte(`1`)}, Expiry: exp})
		}},
		{"Touch unowned", false, func(s *redisstore.ExpressStore, key string) (bool, error) {
			return s.Touch(context.Background(), key, exp)
		}},
		{"Touch owned", true, func(s *redisstore.ExpressStore, key string) (bool, error) {
			return s.Touch(context.Background(), key, exp)
		}},
		{"Pop", false, func(s *redisstore.ExpressStore, key string) (bool, error) {
			_, found, err := s.Pop(context.Background(), key, "passport")
			return found, err
		}},
	}
	for _, op := range ops {
		for _, preempt := range []int{3, -1} {
			t.Run(fmt.Sprintf("%s/preempt=%d", op.name, preempt), func(t *testing.T) {
				t.Parallel()
				testRival(t, op.owned, preempt, op.fn)
			})
		}
	}
}

func testRival(t *testing.T, owned bool, preempt int, op func(*redisstore.ExpressStore, string) (bool, error)) {
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	key := storetest.NewKey(t)
	rec := core.Record{Values: map[string][]byte{"passport": []byte(`{"user":"106"}`)}, Expiry: time.Now().Add(time.Hour)}
	if owned {
		rec.Owner = core.Owner{ID: "user-106", Seen: time.Now().Add(-time.Hour)}
	}
	if err := s.Save(context.Background(), key, rec); err != nil {
		t.Fatal(err)
	}
	r := &rival{client: sharedClient(t), key: prefix + key, n: preempt}
	client.AddHook(r)

	start := time.Now()
	found, err := op(s, key)
	elapsed := time.Since(start)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		t.Fatalf("rival: %v", r.err)
	}
	doc, _ := rawDoc(t, r.client, prefix+key)
	if preempt < 0 {
		if !errors.Is(err, redisstore.ErrExpressContention) || found {
			t.Fatalf("preempted every time: = %v, %v; want false and the contention error", found, err)
		}
		if !strings.Contains(err.Error(), "contention") {
			t.Errorf("error %q does not say the session is under write contention", err)
		}
		if r.execs != redisstore.ExpressCASAttempts {
			t.Errorf("%d attempts; want exactly %d", r.execs, redisstore.ExpressCASAttempts)
		}
		if strings.Contains(doc, `"go"`) {
			t.Errorf("a refused call wrote its change: %s", doc)
		}
		t.Logf("gave up after %v", elapsed)
	} else {
		if err != nil || !found {
			t.Fatalf("preempted %d times: = %v, %v; want true, nil", preempt, found, err)
		}
		if r.execs != preempt+1 {
			t.Errorf("%d attempts; want %d", r.execs, preempt+1)
		}
	}
	for _, name := range r.added {
		if !strings.Contains(doc, strconv.Quote(name)+":") {
			t.Errorf("document %s lost the rival's member %s", doc, name)
		}
	}
}

// TestExpressHonoursDeadlines: against a server that never answers, every
// call returns at once for a context already past its deadline, and by
// the deadline for one that ends during the call.
func TestExpressHonoursDeadlines(t *testing.T) {
	t.Parallel()
	client := redis.NewClient(&redis.Options{Addr: testenv.BlackHole(t), ContextTimeoutEnabled: true})
	t.Cleanup(func() { client.Close() })
	s, err := redisstore.NewExpress(client, redisstore.ExpressOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key := storetest.NewKey(t)
	exp := time.Now().Add(time.Hour)
	vals := map[string][]byte{"a": []byte(`1`)}
	ops := []struct {
		name string
		fn   func(context.Context) error
	}{
		{"Load", func(ctx context.Context) error { _, _, err := s.Load(ctx, key); return err }},
		{"Save", func(ctx context.Context) error { return s.Save(ctx, key, core.Record{Values: vals, Expiry: exp}) }},
		{"Save past expiry", func(ctx context.Context) error {
			return s.Save(ctx, key, core.Record{Values: vals, Expiry: time.Now().Add(-time.Hour)})
		}},
		{"Delete", func(ctx context.Context) error { return s.Delete(ctx, key) }},
		{"Patch", func(ctx context.Context) error {
			_, err := s.Patch(ctx, key, core.Patch{Set: vals, Expiry: exp})
			return err
		}},
		{"Touch", func(ctx context.Context) error { _, err := s.Touch(ctx, key, exp); return err }},
		{"Pop", func(ctx context.Context) error { _, _, err := s.Pop(ctx, key, "a"); return err }},
		{"Range", func(ctx context.Context) error {
			return s.Range(ctx, func(string, core.Record) bool { return true })
		}},
		{"Count", func(ctx context.Context) error { _, err := s.Count(ctx); return err }},
	}
	deadlines := []struct {
		name    string
		timeout time.Duration
		within  time.Duration // a hang guard, not a performance check: go-redis's ReadTimeout is 3s
	}{
		{"expired", -time.Second, 100 * time.Millisecond},
		{"during the call", 200 * time.Millisecond, 2 * time.Second},
	}
	for _, op := range ops {
		for _, d := range deadlines {
			t.Run(op.name+"/"+d.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), d.timeout)
				defer cancel()
				start := time.Now()
				err := op.fn(ctx)
				if took := time.Since(start); took > d.within {
					t.Errorf("%s took %v on a hung server; want at most %v", op.name, took, d.within)
				}
				if err == nil {
					t.Errorf("%s on a hung server = nil; want an error", op.name)
				}
				if d.timeout < 0 && !errors.Is(err, context.DeadlineExceeded) {
					t.Errorf("%s with an expired context = %v; want context.DeadlineExceeded", op.name, err)
				}
			})
		}
	}
}
