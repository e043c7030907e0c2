package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// secret signs the cookies of the suite's managers.
var secret = []byte(strings.Repeat("conformance-secret-", 2))

// profile is a typed key holding a struct, so values make the round trip
// through the store as the application's own types.
var profile = core.Key[struct {
	Name string
	Tags []string
}]("profile")

// idleTimeout is the suite managers' IdleTimeout: every write moves the
// record's expiry to this long after it.
const idleTimeout = time.Hour

// testManager drives a core.Manager backed by s over real HTTP: the store
// must hold only hashed IDs, keep typed values, survive 100 concurrent
// requests writing different keys of one session (all of them, for a store
// declaring CanPatch), keep the expiry each write carries, show a flash
// message to exactly one of 50 concurrent requests (for a store declaring
// CanPop), and forget destroyed sessions.
func testManager(t *testing.T, s core.Store) {
	a := startApp(t, s)
	id := checkFirstWrite(t, a, s)

	const n = 100
	start := time.Now()
	missing := a.writeConcurrently(t, n)
	if core.CapabilitiesOf(s).Has(core.CanPatch) {
		if missing > 0 {
			t.Errorf("%d of %d concurrent writes to different keys were lost; a store declaring CanPatch must lose none", missing, n)
		}
	} else {
		t.Logf("store without CanPatch: %d of %d concurrent writes to different keys were lost (the manager's read-modify-write narrows, but cannot close, this race)", missing, n)
	}

	// Every write carries the session's expiry, whichever path (Save,
	// Patch or its emulation) it took.
	if rec, found, err := s.Load(context.Background(), a.mgr.StoreKey(id)); err != nil || !found {
		t.Errorf("store Load(StoreKey(id)) after the concurrent writes = found %v, err %v; want the session's record", found, err)
	} else if lo, hi := start.Add(idleTimeout-Tolerance), time.Now().Add(idleTimeout+Tolerance); rec.Expiry.Before(lo) || rec.Expiry.After(hi) {
		t.Errorf("store record Expiry after the manager's writes = %v; want the IdleTimeout (%v) after the writes, between %v and %v", rec.Expiry, idleTimeout, lo, hi)
	}

	checkFlashOnce(t, a, s)

	a.do("POST", "/destroy")
	if _, found, err := s.Load(context.Background(), a.mgr.StoreKey(id)); err != nil || found {
		t.Errorf("store Load after Destroy = found %v, err %v; want the record gone", found, err)
	}
	if id2 := a.do("GET", "/id"); id2 == id {
		t.Error("a destroyed session's ID was served again")
	}
}

// checkFirstWrite creates the session and checks what the store holds for
// it: a record under the hashed ID only, with the values the handlers set
// through typed keys. It returns the session ID.
func checkFirstWrite(t *testing.T, a *app, s core.Store) string {
	a.do("POST", "/set/base")
	id := a.do("GET", "/id")
	if id == "" {
		t.Fatal("GET /id returned no session ID after a write")
	}
	if _, found, err := s.Load(context.Background(), id); err != nil || found {
		t.Errorf("store Load(raw ID) = found %v, err %v; the store must only see hashed keys", found, err)
	}
	rec, found, err := s.Load(context.Background(), a.mgr.StoreKey(id))
	if err != nil || !found {
		t.Fatalf("store Load(StoreKey(id)) = found %v, err %v; want the session's record", found, err)
	}
	checkValues(t, "store record after POST /set/base", rec.Values, map[string][]byte{"base": raw("base")})
	if got := a.do("GET", "/get/base"); got != "base" {
		t.Errorf("GET /get/base = %q; want %q", got, "base")
	}
	a.do("POST", "/profile")
	a.do("POST", "/profile")
	if got, want := a.do("GET", "/profile"), "alice [admin admin]"; got != want {
		t.Errorf("GET /profile = %q; want %q", got, want)
	}
	return id
}

// writeConcurrently sends n concurrent requests on the session, each
// setting a key of its own, and returns how many of those keys the session
// lacks afterwards. The keys written before must all remain.
func (a *app) writeConcurrently(t *testing.T, n int) (missing int) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := a.send("POST", fmt.Sprintf("/set/k%03d", i)); err != nil {
				t.Errorf("concurrent request %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	var keys []string
	if err := json.Unmarshal([]byte(a.do("GET", "/keys")), &keys); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, k := range keys {
		got[k] = true
	}
	if !got["base"] || !got[profile.Name()] {
		t.Errorf("key written before the concurrent requests is gone: %v", keys)
	}
	for i := range n {
		if !got[fmt.Sprintf("k%03d", i)] {
			missing++
		}
	}
	return missing
}

// checkFlashOnce sets a flash message on the session and sends popRacers
// concurrent requests on it, each popping the flash with Key.Pop once all
// have loaded the session. With a store declaring CanPop exactly one of
// them may see it; without, Pop is atomic within a request only and every
// request that loaded the flash sees it. Either way at least one sees it
// and it is gone afterwards.
func checkFlashOnce(t *testing.T, a *app, s core.Store) {
	a.do("POST", "/set/flash")
	var (
		wg   sync.WaitGroup
		saw  atomic.Int32
		gate = make(chan struct{})
	)
	for i := range popRacers {
		wg.Go(func() {
			<-gate
			body, err := a.send("POST", "/pop/flash")
			switch {
			case err != nil:
				t.Errorf("concurrent POST /pop/flash %d: %v", i, err)
			case body == "flash":
				saw.Add(1)
			case body != "":
				t.Errorf("concurrent POST /pop/flash %d = %q; want %q or \"\"", i, body, "flash")
			}
		})
	}
	close(gate)
	wg.Wait()
	n := saw.Load()
	switch {
	case core.CapabilitiesOf(s).Has(core.CanPop):
		if n != 1 {
			t.Errorf("%d of %d concurrent requests popping one flash saw it; with a store declaring CanPop exactly one must", n, popRacers)
		}
	case n < 1:
		t.Errorf("none of %d concurrent requests popping one flash saw it; want at least one", popRacers)
	default:
		t.Logf("store without CanPop: %d of %d concurrent requests popping one flash saw it (Pop is atomic within a request only)", n, popRacers)
	}
	if got := a.do("GET", "/get/flash"); got != "" {
		t.Errorf("GET /get/flash after the pops = %q; want \"\": a popped flash must be gone", got)
	}
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
	t := time.NewTimer(10 * time.Second)
	defer t.Stop()
	select {
	case <-g.open:
	case <-t.C:
	}
}

// app is a core.Manager over the store behind a real HTTP server, and a
// client whose cookie jar holds one session.
type app struct {
	t   *testing.T
	mgr *core.Manager
	url string
	c   *http.Client
}

// startApp serves the suite's handlers behind a manager over s until t
// ends. Store failures are sticky, so the middleware answers them with a
// 500, which fails the request.
func startApp(t *testing.T, s core.Store) *app {
	mgr, err := core.New(core.Config{
		Secrets:      [][]byte{secret},
		Store:        s,
		IdleTimeout:  idleTimeout,
		StoreTimeout: 10 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /set/{key}", func(w http.ResponseWriter, r *http.Request) {
		core.Key[string](r.PathValue("key")).Set(core.FromRequest(r), r.PathValue("key"))
	})
	mux.HandleFunc("GET /get/{key}", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, core.Key[string](r.PathValue("key")).Get(core.FromRequest(r)))
	})
	// The first popRacers pops each wait, once the session is loaded, for
	// the others to load it too, so that they all race for the value.
	loaded := newGate(popRacers)
	mux.HandleFunc("POST /pop/{key}", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		if err := s.Err(); err != nil {
			http.Error(w, "load failed", http.StatusInternalServerError)
			return
		}
		loaded.wait()
		io.WriteString(w, core.Key[string](r.PathValue("key")).Pop(s))
	})
	mux.HandleFunc("POST /profile", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		p := profile.Get(s)
		p.Name, p.Tags = "alice", append(p.Tags, "admin")
		profile.Set(s, p)
	})
	mux.HandleFunc("GET /profile", func(w http.ResponseWriter, r *http.Request) {
		p := profile.Get(core.FromRequest(r))
		fmt.Fprintf(w, "%s %v", p.Name, p.Tags)
	})
	mux.HandleFunc("GET /id", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, core.FromRequest(r).ID())
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(core.FromRequest(r).Keys())
	})
	mux.HandleFunc("POST /destroy", func(w http.ResponseWriter, r *http.Request) {
		core.FromRequest(r).Destroy()
	})
	srv := httptest.NewServer(mgr.Handler(mux))
	tr := &http.Transport{}
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
		mgr.Close()
	})
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &app{t: t, mgr: mgr, url: srv.URL, c: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second}}
}

// send makes one request and returns the body of its 200 response. It may
// be called from any goroutine.
func (a *app) send(method, path string) (string, error) {
	req, err := http.NewRequest(method, a.url+path, nil)
	if err != nil {
		return "", err
	}
	resp, err := a.c.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d %s", resp.StatusCode, b)
	}
	return string(b), err
}

// do is send on the test's goroutine, failing the test on any error.
func (a *app) do(method, path string) string {
	a.t.Helper()
	body, err := a.send(method, path)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	return body
}
