package pgstore_test

import (
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// TestPatchWithEmptyParts covers patches whose Set or Delete is nil, as the
// manager sends them: a nil part must change nothing rather than reach the
// database as NULL.
func TestPatchWithEmptyParts(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	tests := []struct {
		name  string
		patch core.Patch
		want  map[string]string
	}{
		{"set only", core.Patch{Set: map[string][]byte{"c": []byte("3")}}, map[string]string{"a": "1", "b": "2", "c": "3"}},
		{"delete only", core.Patch{Delete: []string{"a"}}, map[string]string{"b": "2"}},
		{"expiry only", core.Patch{}, map[string]string{"a": "1", "b": "2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			key := storetest.NewKey(t)
			rec := core.Record{Values: map[string][]byte{"a": []byte("1"), "b": []byte("2")}, Expiry: time.Now().Add(time.Minute)}
			if err := s.Save(ctxT(t), key, rec); err != nil {
				t.Fatal(err)
			}
			tc.patch.Expiry = time.Now().Add(time.Hour)
			if found, err := s.Patch(ctxT(t), key, tc.patch); err != nil || !found {
				t.Fatalf("Patch(%+v) = %v, %v; want true, nil", tc.patch, found, err)
			}
			got, found, err := s.Load(ctxT(t), key)
			if err != nil || !found {
				t.Fatalf("Load after Patch = %v, %v; want found, nil", found, err)
			}
			if len(got.Values) != len(tc.want) {
				t.Errorf("Load after Patch: values %q; want %v", got.Values, tc.want)
			}
			for k, v := range tc.want {
				if string(got.Values[k]) != v {
					t.Errorf("Load after Patch: %q = %q; want %q", k, got.Values[k], v)
				}
			}
			if d := got.Expiry.Sub(tc.patch.Expiry); d > time.Millisecond || d < -time.Millisecond {
				t.Errorf("Load after Patch: Expiry = %v; want %v", got.Expiry, tc.patch.Expiry)
			}
		})
	}
}
