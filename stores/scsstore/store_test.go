package scsstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

// TestCapabilities checks that the adapter claims no Patch or Touch: it
// rewrites whole records, so the manager must know to emulate them.
func TestCapabilities(t *testing.T) {
	t.Parallel()
	m := memstore.NewWithCleanupInterval(0)
	tests := []struct {
		name  string
		store core.Store
		want  core.Capabilities
	}{
		{"New", New(m), 0},
		{"NewIterable", NewIterable(m), core.CanIterate},
	}
	for _, tc := range tests {
		if got := core.CapabilitiesOf(tc.store); got != tc.want {
			t.Errorf("CapabilitiesOf(%s(memstore)) = %v; want %v", tc.name, got, tc.want)
		}
	}
}

func TestConformanceMemstore(t *testing.T) {
	t.Parallel()
	m := memstore.NewWithCleanupInterval(100 * time.Millisecond)
	t.Cleanup(m.StopCleanup)
	storetest.Run(t, NewIterable(m))
}

// TestConformanceCtxStore runs the suite through the scs.CtxStore path.
func TestConformanceCtxStore(t *testing.T) {
	t.Parallel()
	m := memstore.NewWithCleanupInterval(100 * time.Millisecond)
	t.Cleanup(m.StopCleanup)
	storetest.Run(t, NewIterable(ctxMemstore{m}))
}

func TestLoadHidesExpiredRecord(t *testing.T) {
	t.Parallel()
	m := memstore.NewWithCleanupInterval(0)
	st := NewIterable(m)
	key := storetest.NewKey(t)
	// The blob says it expired a minute ago while the backend's deadline is
	// an hour away, as when a backend rounds or lags on expiry.
	blob, err := core.EncodeRecord(core.Record{Values: vals("a", "1"), Expiry: time.Now().Add(-time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Commit(key, blob, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if rec, found, err := st.Load(testCtx(t), key); err != nil || found {
		t.Errorf("Load(expired blob) = %v, %v, %v; want not found, nil", rec, found, err)
	}
	if n, err := st.Count(testCtx(t)); err != nil || n != 0 {
		t.Errorf("Count = %d, %v; want 0, nil", n, err)
	}
	err = st.Range(testCtx(t), func(k string, _ core.Record) bool {
		t.Errorf("Range visited expired record %q", k)
		return true
	})
	if err != nil {
		t.Errorf("Range = %v; want nil", err)
	}
}

func TestSaveRejectsZeroExpiry(t *testing.T) {
	t.Parallel()
	m := memstore.NewWithCleanupInterval(0)
	st := New(m)
	key := storetest.NewKey(t)
	if err := st.Save(testCtx(t), key, core.Record{Values: vals("a", "1")}); err == nil {
		t.Error("Save(zero expiry) = nil; want an error")
	}
	if _, found, _ := m.Find(key); found {
		t.Error("Save(zero expiry) committed the record")
	}
}

func TestSaveRejectsInvalidJSON(t *testing.T) {
	t.Parallel()
	st := New(memstore.NewWithCleanupInterval(0))
	rec := core.Record{Values: map[string][]byte{"a": []byte("{not json")}, Expiry: time.Now().Add(time.Hour)}
	if err := st.Save(testCtx(t), storetest.NewKey(t), rec); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Save(invalid JSON value) = %v; want an error wrapping core.ErrBadRecord", err)
	}
}

func TestCorruptBlob(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		blob []byte
	}{
		{"NotJSON", []byte("\x00garbage")},
		{"Empty", []byte{}},
		{"Truncated", []byte(`{"e":1,"v":{"a":`)},
		{"Array", []byte(`["a list"]`)},
		{"StringExpiry", []byte(`{"e":"soon","v":{}}`)},
	} {
		blob := tc.blob
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m := memstore.NewWithCleanupInterval(0)
			st := NewIterable(m)
			key := storetest.NewKey(t)
			if err := m.Commit(key, blob, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			rec, found, err := st.Load(testCtx(t), key)
			if !errors.Is(err, core.ErrBadRecord) || found {
				t.Errorf("Load(%q) = %v, %v, %v; want not found and an error wrapping core.ErrBadRecord", blob, rec, found, err)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "scsstore: load: ") {
				t.Errorf("Load error %q lacks the %q prefix", err, "scsstore: load: ")
			}
			if err := st.Range(testCtx(t), func(string, core.Record) bool { return true }); !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("Range over %q = %v; want an error wrapping core.ErrBadRecord", blob, err)
			}
			if _, err := st.Count(testCtx(t)); !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("Count over %q = %v; want an error wrapping core.ErrBadRecord", blob, err)
			}
		})
	}
}

func TestNilBackend(t *testing.T) {
	t.Parallel()
	st := NewIterable(nil)
	rec := core.Record{Values: vals("a", "1"), Expiry: time.Now().Add(time.Hour)}
	for name, op := range ops(st, storetest.NewKey(t), rec) {
		if err := op(testCtx(t)); !errors.Is(err, errNilBackend) {
			t.Errorf("%s on a nil scs store = %v; want an error wrapping errNilBackend", name, err)
		}
	}
	if _, _, err := New(nil).Load(testCtx(t), storetest.NewKey(t)); !errors.Is(err, errNilBackend) {
		t.Errorf("New(nil).Load = %v; want an error wrapping errNilBackend", err)
	}
}

func TestBackendErrorIsWrapped(t *testing.T) {
	t.Parallel()
	st := NewIterable(failingStore{})
	rec := core.Record{Values: vals("a", "1"), Expiry: time.Now().Add(time.Hour)}
	prefix := map[string]string{
		"Load":        "scsstore: load: ",
		"Save":        "scsstore: save: ",
		"SaveExpired": "scsstore: save expired record: ",
		"Delete":      "scsstore: delete: ",
		"Range":       "scsstore: range: ",
		"Count":       "scsstore: count: ",
	}
	for name, op := range ops(st, storetest.NewKey(t), rec) {
		err := op(testCtx(t))
		if !errors.Is(err, errBackend) {
			t.Errorf("%s = %v; want an error wrapping the backend's", name, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), prefix[name]) {
			t.Errorf("%s error = %q; want prefix %q", name, err, prefix[name])
		}
	}
}

// ops runs every operation of st once, for tests that expect each to fail
// the same way.
func ops(st *IterableStore, key string, rec core.Record) map[string]func(context.Context) error {
	past := rec
	past.Expiry = time.Now().Add(-time.Minute)
	return map[string]func(context.Context) error{
		"Load":        func(ctx context.Context) error { _, _, err := st.Load(ctx, key); return err },
		"Save":        func(ctx context.Context) error { return st.Save(ctx, key, rec) },
		"SaveExpired": func(ctx context.Context) error { return st.Save(ctx, key, past) },
		"Delete":      func(ctx context.Context) error { return st.Delete(ctx, key) },
		"Range": func(ctx context.Context) error {
			return st.Range(ctx, func(string, core.Record) bool { return true })
		},
		"Count": func(ctx context.Context) error { _, err := st.Count(ctx); return err },
	}
}

func vals(kv ...string) map[string][]byte {
	m := make(map[string][]byte, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = []byte(kv[i+1])
	}
	return m
}

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

var errBackend = errors.New("backend unavailable")

// failingStore is an scs store whose every call fails, as a store does when
// its server is down.
type failingStore struct{}

func (failingStore) Find(string) ([]byte, bool, error)      { return nil, false, errBackend }
func (failingStore) Commit(string, []byte, time.Time) error { return errBackend }
func (failingStore) Delete(string) error                    { return errBackend }
func (failingStore) All() (map[string][]byte, error)        { return nil, errBackend }

var _ scs.IterableStore = failingStore{}
