package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// flashKey is the flash message the tests in this file pop.
var flashKey = core.Key[string]("flash")

// popCountingStore is store middleware that counts the pops, and the
// writes, that reach the store it wraps.
type popCountingStore struct {
	core.StoreWrapper
	pops, patches, saves atomic.Int64
}

func (s *popCountingStore) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	s.pops.Add(1)
	return s.StoreWrapper.Pop(ctx, key, name)
}

func (s *popCountingStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	s.patches.Add(1)
	return s.StoreWrapper.Patch(ctx, key, p)
}

func (s *popCountingStore) Save(ctx context.Context, key string, rec core.Record) error {
	s.saves.Add(1)
	return s.StoreWrapper.Save(ctx, key, rec)
}

// failingPopStore declares CanPop, through StoreWrapper, but every Pop
// fails, like a backend that goes down between a request's load and its
// pop.
type failingPopStore struct{ core.StoreWrapper }

func (failingPopStore) Pop(context.Context, string, string) ([]byte, bool, error) {
	return nil, false, errBackend
}

// gate holds the first n callers of wait until all n have arrived, or
// until a timeout when some never do; later callers pass at once.
type gate struct {
	n       int32
	arrived atomic.Int32
	open    chan struct{}
}

func newGate(n int) *gate { return &gate{n: int32(n), open: make(chan struct{})} }

func (g *gate) wait() {
	if g.arrived.Add(1) == g.n {
		close(g.open)
	}
	select {
	case <-g.open:
	case <-time.After(5 * time.Second):
	}
}

// flashApp serves, behind a manager over store, POST /flash?v= (set the
// flash) and POST /pop (pop it and write what it got) over real HTTP, and
// returns the server's URL. Each of the first racers requests to /pop loads
// the session and waits for the others to load it too before it pops, so
// that they all race for the value, as requests on a slower store do.
func flashApp(t *testing.T, store core.Store, racers int) (*core.Manager, string) {
	t.Helper()
	_, m := withStore(t, store, core.Config{})
	loaded := newGate(racers)
	mux := http.NewServeMux()
	mux.Handle("POST /flash", handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		flashKey.Set(s, r.URL.Query().Get("v"))
	}))
	mux.Handle("POST /pop", handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if err := s.Err(); err != nil {
			http.Error(w, "load failed", http.StatusInternalServerError)
			return
		}
		loaded.wait()
		io.WriteString(w, flashKey.Pop(s))
	}))
	return m, startServer(t, m.Handler(mux)).URL
}

// post sends POST url with c and returns the body of a 200 response.
func post(c *http.Client, url string) (string, error) {
	resp, err := c.Post(url, "text/plain", nil)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d %q", resp.StatusCode, b)
	}
	return string(b), err
}

// popConcurrently sets a flash on a new session, then sends n concurrent
// requests on that session, one cookie, each popping the flash, and
// returns how many saw it and what a last request pops afterwards.
func popConcurrently(t *testing.T, store core.Store, n int) (saw int, after string) {
	t.Helper()
	_, url := flashApp(t, store, n)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{MaxIdleConnsPerHost: n}
	t.Cleanup(tr.CloseIdleConnections)
	c := &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}
	if _, err := post(c, url+"/flash?v=saved!"); err != nil {
		t.Fatalf("POST /flash: %v", err)
	}
	var (
		wg    sync.WaitGroup
		seen  atomic.Int32
		start = make(chan struct{})
	)
	for i := range n {
		wg.Go(func() {
			<-start
			switch got, err := post(c, url+"/pop"); {
			case err != nil:
				t.Errorf("concurrent POST /pop %d: %v", i, err)
			case got == "saved!":
				seen.Add(1)
			case got != "":
				t.Errorf("concurrent POST /pop %d = %q; want %q or \"\"", i, got, "saved!")
			}
		})
	}
	close(start)
	wg.Wait()
	after, err = post(c, url+"/pop")
	if err != nil {
		t.Fatalf("POST /pop after the concurrent pops: %v", err)
	}
	return int(seen.Load()), after
}

// TestPopShowsFlashOnceUnderConcurrentRequests sends 50 concurrent
// requests on one session, each popping one flash message after all have
// loaded the session: with a store that pops natively, directly or through
// store middleware, exactly one request shows it.
func TestPopShowsFlashOnceUnderConcurrentRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store func(*core.MemoryStore) core.Store
	}{
		{"memory store", func(m *core.MemoryStore) core.Store { return m }},
		{"store middleware over the memory store", func(m *core.MemoryStore) core.Store { return core.WrapStore(m) }},
	}
	const n = 50
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			store := tc.store(newMemoryStore(t))
			if !core.CapabilitiesOf(store).Has(core.CanPop) {
				t.Fatalf("CapabilitiesOf(%T) = %v; want it to include Pop", store, core.CapabilitiesOf(store))
			}
			saw, after := popConcurrently(t, store, n)
			if saw != 1 {
				t.Errorf("%d of %d concurrent requests popping one flash saw it; want exactly 1", saw, n)
			}
			if after != "" {
				t.Errorf("POST /pop after the concurrent pops = %q; want \"\"", after)
			}
		})
	}
}

// TestPopWithoutStorePop checks that Pop keeps its meaning within a
// request when the store cannot pop (no CanPop): the value comes out once,
// the deletion is committed, and the next request no longer sees it.
// Concurrent requests that loaded the session before any of them popped
// each see it: the weaker guarantee of stores without Popper.
func TestPopWithoutStorePop(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		store func(*core.MemoryStore) core.Store
	}{
		{"whole-record store", func(m *core.MemoryStore) core.Store { return wholeRecordStore{m} }},
		{"StoreWrapper over a struct embedding core.Store", func(m *core.MemoryStore) core.Store { return core.WrapStore(naiveStore{m}) }},
		{"store declaring every capability but Pop", func(m *core.MemoryStore) core.Store {
			return partlyDeclaredStore{m, core.CanPatch | core.CanTouch | core.CanIterate | core.CanCleanup}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mem := newMemoryStore(t)
			store := tc.store(mem)
			if caps := core.CapabilitiesOf(store); caps.Has(core.CanPop) {
				t.Fatalf("CapabilitiesOf(%T) = %v; want it without Pop", store, caps)
			}
			m := newManager(t, core.Config{Store: store})
			c, id := login(t, m, "other")
			if err := mem.Save(context.Background(), m.StoreKey(id), core.Record{
				Values: map[string][]byte{"flash": []byte(`"saved!"`), "k": []byte(`"other"`)},
				Expiry: time.Now().Add(time.Hour),
			}); err != nil {
				t.Fatal(err)
			}
			var first, second string
			var present bool
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				first, second = flashKey.Pop(s), flashKey.Pop(s)
				_, present = flashKey.Lookup(s)
			})), get("/", c))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d; want 200", resp.StatusCode)
			}
			if first != "saved!" || second != "" || present {
				t.Errorf("Pop, Pop, Lookup in one request = %q, %q, %v; want \"saved!\", \"\", false", first, second, present)
			}
			rec, found, err := mem.Load(context.Background(), m.StoreKey(id))
			if err != nil || !found {
				t.Fatalf("Load after the request = %v, %v; want the record", found, err)
			}
			if _, ok := rec.Values["flash"]; ok || string(rec.Values["k"]) != `"other"` {
				t.Errorf("record after the pop = %q; want the flash deleted and k kept", rec.Values)
			}

			saw, after := popConcurrently(t, store, 50)
			if saw != 50 || after != "" {
				t.Errorf("concurrent pops: %d saw the flash, then POST /pop = %q; want all 50, each having loaded it before any popped, then \"\"", saw, after)
			}
		})
	}
}

// TestPopTakesTheValueFromTheStore checks when Pop asks a store that pops
// natively: for a value the request loaded, one store Pop and no write;
// for a value the request itself set, no store Pop, and the deletion is
// committed with the request.
func TestPopTakesTheValueFromTheStore(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		handler   func(s *core.Session) string
		want      string
		wantPops  int64
		wantWrite bool
	}{
		{"stored value", func(s *core.Session) string { return flashKey.Pop(s) }, "saved!", 1, false},
		{"value set earlier in the request", func(s *core.Session) string {
			flashKey.Set(s, "new")
			return flashKey.Pop(s)
		}, "new", 0, true},
		{"value after Regenerate", func(s *core.Session) string {
			s.Regenerate()
			return flashKey.Pop(s)
		}, "saved!", 0, true},
		{"absent value", func(s *core.Session) string { return core.Key[string]("never-set").Pop(s) }, "", 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			mem := newMemoryStore(t)
			store := &popCountingStore{StoreWrapper: core.WrapStore(mem)}
			m := newManager(t, core.Config{Store: store})
			c, _ := login(t, m, "other")
			var id string
			serve(m.Handler(sessionFunc(func(s *core.Session) {
				flashKey.Set(s, "saved!")
				id = s.ID()
			})), get("/", c))
			store.pops.Store(0)
			store.patches.Store(0)
			store.saves.Store(0)

			var got string
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				got = tc.handler(s)
				id = s.ID()
			})), get("/", c))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d; want 200", resp.StatusCode)
			}
			if got != tc.want {
				t.Errorf("Pop = %q; want %q", got, tc.want)
			}
			writes := store.patches.Load()+store.saves.Load() > 0
			if p := store.pops.Load(); p != tc.wantPops || writes != tc.wantWrite {
				t.Errorf("store Pop calls = %d, wrote = %v; want %d, %v", p, writes, tc.wantPops, tc.wantWrite)
			}
			rec, found, err := mem.Load(context.Background(), m.StoreKey(id))
			if err != nil || !found {
				t.Fatalf("Load after the request = %v, %v; want the record", found, err)
			}
			if _, ok := rec.Values["flash"]; ok != (tc.want == "") || string(rec.Values["k"]) != `"other"` {
				t.Errorf("record after the request = %q; want k kept, and the flash only if nothing was popped", rec.Values)
			}
		})
	}
}

// TestPopStoreFailureFailsTheRequest checks that a failing store Pop is a
// sticky error: the request gets the error handler's response, the error
// wraps ErrSave and the store's error, and the flash stays stored for a
// later request to show.
func TestPopStoreFailureFailsTheRequest(t *testing.T) {
	t.Parallel()
	mem := newMemoryStore(t)
	h := &reported{}
	m := newManager(t, core.Config{Store: failingPopStore{core.WrapStore(mem)}, ErrorHandler: h.handle})
	c, id := login(t, m, "other")
	if err := mem.Save(context.Background(), m.StoreKey(id), core.Record{
		Values: map[string][]byte{"flash": []byte(`"saved!"`)},
		Expiry: time.Now().Add(time.Hour),
	}); err != nil {
		t.Fatal(err)
	}
	var got string
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		got = flashKey.Pop(s)
		io.WriteString(w, "handler body: "+got)
	})), get("/", c))
	wantReplaced(t, resp, http.StatusInternalServerError)
	if got != "" {
		t.Errorf("Pop with a failing store = %q; want \"\"", got)
	}
	if err := h.one(t); !errors.Is(err, core.ErrSave) || !errors.Is(err, errBackend) {
		t.Errorf("reported error = %v; want one wrapping ErrSave and the store's error", err)
	}
	rec, found, err := mem.Load(context.Background(), m.StoreKey(id))
	if err != nil || !found || string(rec.Values["flash"]) != `"saved!"` {
		t.Errorf("record after the failed pop = %q, %v, %v; want the flash still stored", rec.Values, found, err)
	}
}
