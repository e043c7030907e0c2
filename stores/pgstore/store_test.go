package pgstore_test

import (
	"errors"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// Compile-time proof that Store offers every optional capability.
var (
	_ core.Store      = (*pgstore.Store)(nil)
	_ core.Patcher    = (*pgstore.Store)(nil)
	_ core.Toucher    = (*pgstore.Store)(nil)
	_ core.Popper     = (*pgstore.Store)(nil)
	_ core.Iterator   = (*pgstore.Store)(nil)
	_ core.Cleaner    = (*pgstore.Store)(nil)
	_ core.OwnerIndex = (*pgstore.Store)(nil)
)

func TestCapabilities(t *testing.T) {
	t.Parallel()
	s, err := pgstore.New(unreachablePool(t, closedPort(t)), pgstore.Options{CleanupInterval: -1})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if got, want := core.CapabilitiesOf(s), core.CanPatch|core.CanTouch|core.CanIterate|core.CanCleanup|core.CanPop|core.CanIndexOwners; got != want {
		t.Errorf("CapabilitiesOf(Store) = %v; want %v", got, want)
	}
}

func TestConformance(t *testing.T) {
	pool, _ := newPool(t)
	storetest.Run(t, newStore(t, pool, pgstore.Options{}))
}

func TestZeroExpiryNeverExpires(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	key := storetest.NewKey(t)
	if err := s.Save(ctxT(t), key, core.Record{Values: map[string][]byte{"a": []byte("1")}}); err != nil {
		t.Fatalf("Save with zero expiry = %v; want nil", err)
	}
	rec, found, err := s.Load(ctxT(t), key)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v; want found, nil", found, err)
	}
	if !rec.Expiry.IsZero() {
		t.Errorf("Load: Expiry = %v; want the zero time", rec.Expiry)
	}
	if n, err := s.Cleanup(ctxT(t)); err != nil || n != 0 {
		t.Errorf("Cleanup = %d, %v; want 0, nil", n, err)
	}
	if found, err := s.Touch(ctxT(t), key, time.Time{}); err != nil || !found {
		t.Errorf("Touch(zero expiry) = %v, %v; want true, nil", found, err)
	}
}

// TestBadValuesAreErrors covers what no store can be asked to keep: values
// that are not JSON and names that are not UTF-8 text without NUL. Every
// JSON value is kept (see TestValuesKeepTheirBytes).
func TestBadValuesAreErrors(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	exp := time.Now().Add(time.Hour)
	tests := []struct {
		name   string
		values map[string][]byte
	}{
		{"not JSON", map[string][]byte{"a": []byte("{")}},
		{"empty", map[string][]byte{"a": nil}},
		{"NUL in name", map[string][]byte{"a\x00b": []byte(`1`)}},
		{"name not UTF-8", map[string][]byte{"a\xffb": []byte(`1`)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			key := storetest.NewKey(t)
			if err := s.Save(ctxT(t), key, core.Record{Values: tc.values, Expiry: exp}); !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("Save(%q) = %v; want ErrBadRecord", tc.values, err)
			}
			if _, found, err := s.Load(ctxT(t), key); err != nil || found {
				t.Errorf("Load after failed Save = %v, %v; want not found, nil", found, err)
			}
		})
	}
	t.Run("patch", func(t *testing.T) {
		key := storetest.NewKey(t)
		if err := s.Save(ctxT(t), key, core.Record{Values: map[string][]byte{"a": []byte("1")}, Expiry: exp}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Patch(ctxT(t), key, core.Patch{Set: map[string][]byte{"b": []byte("{")}, Expiry: exp}); !errors.Is(err, core.ErrBadRecord) {
			t.Errorf("Patch with invalid JSON = %v; want ErrBadRecord", err)
		}
	})
}
