package core_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

// tracedStore is store middleware written the supported way: it embeds
// core.StoreWrapper, overrides the calls it traces, and passes every other
// method through with the wrapped store's capabilities.
type tracedStore struct {
	core.StoreWrapper
	loads, saves, patches, touches, pops atomic.Int64
}

func newTracedStore(next core.Store) *tracedStore {
	return &tracedStore{StoreWrapper: core.WrapStore(next)}
}

func (s *tracedStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	s.loads.Add(1)
	return s.StoreWrapper.Load(ctx, key)
}

func (s *tracedStore) Save(ctx context.Context, key string, rec core.Record) error {
	s.saves.Add(1)
	return s.StoreWrapper.Save(ctx, key, rec)
}

func (s *tracedStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	s.patches.Add(1)
	return s.StoreWrapper.Patch(ctx, key, p)
}

func (s *tracedStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	s.touches.Add(1)
	return s.StoreWrapper.Touch(ctx, key, expiry)
}

func (s *tracedStore) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	s.pops.Add(1)
	return s.StoreWrapper.Pop(ctx, key, name)
}

// naiveStore is the wrapper the design replaces: embedding the interface
// hides every optional method of the store inside.
type naiveStore struct{ core.Store }

// racyPatchStore declares CanPatch, through StoreWrapper, but patches by
// reading and then rewriting the whole record, so concurrent patches lose
// each other's writes.
type racyPatchStore struct{ core.StoreWrapper }

func (s racyPatchStore) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	rec, found, err := s.Load(ctx, key)
	if err != nil || !found {
		return false, err
	}
	vals := maps.Clone(rec.Values)
	maps.Copy(vals, p.Set)
	for _, k := range p.Delete {
		delete(vals, k)
	}
	// Stands for the round trip between the read and the write of a
	// networked store, where concurrent patches interleave.
	time.Sleep(time.Millisecond)
	return true, s.Save(ctx, key, core.Record{Values: vals, Expiry: p.Expiry})
}

// racyPopStore declares CanPop, through StoreWrapper, but pops by reading
// and then rewriting the whole record, so concurrent pops of one value
// each see it.
type racyPopStore struct{ core.StoreWrapper }

func (s racyPopStore) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	rec, found, err := s.Load(ctx, key)
	if err != nil || !found {
		return nil, false, err
	}
	v, ok := rec.Values[name]
	if !ok {
		return nil, false, nil
	}
	vals := maps.Clone(rec.Values)
	delete(vals, name)
	// Stands for the round trip between the read and the write of a
	// networked store, where concurrent pops interleave.
	time.Sleep(time.Millisecond)
	return v, true, s.Save(ctx, key, core.Record{Values: vals, Expiry: rec.Expiry})
}

// declaringStore declares caps but, embedding the interface, implements
// none of them.
type declaringStore struct {
	core.Store
	caps core.Capabilities
}

func (s declaringStore) Capabilities() core.Capabilities { return s.caps }

// partlyDeclaredStore implements every capability of its MemoryStore but
// declares only caps.
type partlyDeclaredStore struct {
	*core.MemoryStore
	caps core.Capabilities
}

func (s partlyDeclaredStore) Capabilities() core.Capabilities { return s.caps }

var wrapperSecret = []byte("store-wrapper-test-secret-0123456789")

func newMemoryStore(t *testing.T) *core.MemoryStore {
	t.Helper()
	mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { mem.Close() })
	return mem
}

func TestStoreWrapperKeepsCapabilities(t *testing.T) {
	t.Parallel()
	mem := newMemoryStore(t)
	all := core.CapabilitiesOf(mem)
	if all != core.CanPatch|core.CanTouch|core.CanIterate|core.CanCleanup|core.CanPop|core.CanIndexOwners {
		t.Fatalf("CapabilitiesOf(MemoryStore) = %v; want Patch|Touch|Iterate|Cleanup|Pop|IndexOwners", all)
	}
	tests := []struct {
		name  string
		store core.Store
		want  core.Capabilities
	}{
		{"WrapStore", core.WrapStore(mem), all},
		{"middleware embedding StoreWrapper", newTracedStore(mem), all},
		{"middleware over middleware", newTracedStore(newTracedStore(mem)), all},
		{"naive struct embedding core.Store", naiveStore{mem}, 0},
		{"WrapStore over the naive wrapper", core.WrapStore(naiveStore{mem}), 0},
	}
	for _, tc := range tests {
		if got := core.CapabilitiesOf(tc.store); got != tc.want {
			t.Errorf("%s: CapabilitiesOf = %v; want %v", tc.name, got, tc.want)
		}
	}

	// A capability the wrapped store lacks is reported, not faked.
	w := core.WrapStore(naiveStore{mem})
	if _, err := w.Patch(context.Background(), "k", core.Patch{Expiry: time.Now().Add(time.Hour)}); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Patch through WrapStore(naive) = %v; want an error wrapping errors.ErrUnsupported", err)
	}
	if _, err := w.Touch(context.Background(), "k", time.Now().Add(time.Hour)); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Touch through WrapStore(naive) = %v; want an error wrapping errors.ErrUnsupported", err)
	}
	if _, _, err := w.Pop(context.Background(), "k", "flash"); !errors.Is(err, errors.ErrUnsupported) {
		t.Errorf("Pop through WrapStore(naive) = %v; want an error wrapping errors.ErrUnsupported", err)
	}
}

func TestStoreWrapperConformance(t *testing.T) {
	t.Parallel()
	s := newTracedStore(newMemoryStore(t))
	storetest.Run(t, s)
	// The suite reached the capabilities through the middleware.
	for name, n := range map[string]int64{"Load": s.loads.Load(), "Save": s.saves.Load(), "Patch": s.patches.Load(), "Touch": s.touches.Load(), "Pop": s.pops.Load()} {
		if n == 0 {
			t.Errorf("the suite made no %s call through the middleware", name)
		}
	}
}

// TestStoreWrapperLosesNoConcurrentWrites sends 100 concurrent requests on
// one session, each setting its own key, through a manager whose store is
// middleware over a MemoryStore: every write must survive, because the
// manager patches through the middleware instead of rewriting the record.
func TestStoreWrapperLosesNoConcurrentWrites(t *testing.T) {
	t.Parallel()
	store := newTracedStore(newMemoryStore(t))
	mgr, err := core.New(core.Config{Secrets: [][]byte{wrapperSecret}, Store: store})
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /set/{key}", func(w http.ResponseWriter, r *http.Request) {
		core.Key[string](r.PathValue("key")).Set(core.FromRequest(r), "v")
	})
	mux.HandleFunc("GET /keys", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(core.FromRequest(r).Keys())
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
	c := &http.Client{Jar: jar, Transport: tr, Timeout: 10 * time.Second}
	do := func(method, path string) (string, error) {
		req, err := http.NewRequest(method, srv.URL+path, nil)
		if err != nil {
			return "", err
		}
		resp, err := c.Do(req)
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

	if _, err := do("POST", "/set/base"); err != nil {
		t.Fatalf("POST /set/base: %v", err)
	}
	const n = 100
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			if _, err := do("POST", fmt.Sprintf("/set/k%03d", i)); err != nil {
				t.Errorf("concurrent POST /set/k%03d: %v", i, err)
			}
		})
	}
	wg.Wait()
	body, err := do("GET", "/keys")
	if err != nil {
		t.Fatalf("GET /keys: %v", err)
	}
	var keys []string
	if err := json.Unmarshal([]byte(body), &keys); err != nil {
		t.Fatalf("GET /keys = %q: %v", body, err)
	}
	got := map[string]bool{}
	for _, k := range keys {
		got[k] = true
	}
	lost := 0
	for i := range n {
		if !got[fmt.Sprintf("k%03d", i)] {
			lost++
		}
	}
	if lost > 0 || !got["base"] {
		t.Errorf("%d of %d concurrent writes to different keys were lost (base kept: %v); want none", lost, n, got["base"])
	}
	if p, s := store.patches.Load(), store.saves.Load(); p != n || s != 1 {
		t.Errorf("the middleware saw %d Patch and %d Save calls; want %d and 1: the session is created once, then patched", p, s, n)
	}
}

// misbehavingStoreEnv selects, in a child process, the store that
// TestMisbehavingStoreConformance runs the suite against.
const misbehavingStoreEnv = "SESSIONKIT_MISBEHAVING_STORE"

var misbehavingStores = map[string]func(*core.MemoryStore) core.Store{
	"racy-patch":      func(m *core.MemoryStore) core.Store { return racyPatchStore{core.WrapStore(m)} },
	"undefined-patch": func(m *core.MemoryStore) core.Store { return declaringStore{Store: m, caps: core.CanPatch} },
	"racy-pop":        func(m *core.MemoryStore) core.Store { return racyPopStore{core.WrapStore(m)} },
	"undefined-pop":   func(m *core.MemoryStore) core.Store { return declaringStore{Store: m, caps: core.CanPop} },
}

// TestMisbehavingStoreConformance is run in a child process by
// TestConformanceFailsMisbehavingStores, which expects it to fail.
func TestMisbehavingStoreConformance(t *testing.T) {
	newStore, ok := misbehavingStores[os.Getenv(misbehavingStoreEnv)]
	if !ok {
		t.Skip("fails on purpose; TestConformanceFailsMisbehavingStores runs it in a child process")
	}
	storetest.Run(t, newStore(newMemoryStore(t)))
}

// TestConformanceFailsMisbehavingStores runs the suite, in a child process
// so that its failure does not fail this test, against stores that declare
// a capability they do not honour, and checks that it fails them with the
// message that names the broken promise.
func TestConformanceFailsMisbehavingStores(t *testing.T) {
	t.Parallel()
	tests := []struct {
		store    string
		subtest  string
		want     string
		declares core.Capabilities
	}{
		{"racy-patch", "PatchConcurrent", "concurrent patches to different keys of one record were lost", core.CanPatch},
		{"undefined-patch", "Capabilities", "declares Patch but does not implement core.Patcher", core.CanPatch},
		{"racy-pop", "PopConcurrent", "concurrent Pops of one value found it; a store declaring CanPop must give it to exactly one", core.CanPop},
		{"racy-pop", "ManagerOverHTTP", "concurrent requests popping one flash saw it; with a store declaring CanPop exactly one must", core.CanPop},
		{"undefined-pop", "Capabilities", "declares Pop but does not implement core.Popper", core.CanPop},
	}
	for _, tc := range tests {
		t.Run(tc.store+"/"+tc.subtest, func(t *testing.T) {
			t.Parallel()
			if got := core.CapabilitiesOf(misbehavingStores[tc.store](newMemoryStore(t))); !got.Has(tc.declares) {
				t.Fatalf("CapabilitiesOf(%s) = %v; want it to declare %v", tc.store, got, tc.declares)
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestMisbehavingStoreConformance$/^"+tc.subtest+"$", "-test.v", "-test.timeout=60s")
			cmd.Env = append(os.Environ(), misbehavingStoreEnv+"="+tc.store)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("suite against %s: err = %v; want it to fail\n%s", tc.store, err, out)
			}
			if fail := "--- FAIL: TestMisbehavingStoreConformance/" + tc.subtest; !bytes.Contains(out, []byte(fail)) {
				t.Errorf("suite against %s: output lacks %q\n%s", tc.store, fail, out)
			}
			if !bytes.Contains(out, []byte(tc.want)) {
				t.Errorf("suite against %s: output lacks %q\n%s", tc.store, tc.want, out)
			}
		})
	}
}

func TestNewRejectsStoreDeclaringMissingCapability(t *testing.T) {
	t.Parallel()
	mem := newMemoryStore(t)
	tests := []struct {
		name string
		caps core.Capabilities
	}{
		{"Patch", core.CanPatch},
		{"Touch", core.CanTouch},
		{"Iterate", core.CanIterate},
		{"Cleanup", core.CanCleanup},
		{"Pop", core.CanPop},
		{"unknown", 1 << 6},
	}
	for _, tc := range tests {
		mgr, err := core.New(core.Config{Secrets: [][]byte{wrapperSecret}, Store: declaringStore{Store: mem, caps: tc.caps}})
		if mgr != nil {
			mgr.Close()
		}
		if !errors.Is(err, core.ErrInvalidConfig) {
			t.Errorf("New with a store declaring %s it lacks = %v; want an error wrapping ErrInvalidConfig", tc.name, err)
		}
	}
	// Declaring less than the store implements is allowed: the manager
	// then does without it.
	mgr, err := core.New(core.Config{Secrets: [][]byte{wrapperSecret}, Store: partlyDeclaredStore{mem, core.CanTouch}})
	if err != nil {
		t.Errorf("New with a store declaring a subset of its capabilities = %v; want nil", err)
	}
	if mgr != nil {
		mgr.Close()
	}
}
