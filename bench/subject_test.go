package bench

import (
	"net/http"
	"testing"
)

// TestSubjects checks that every benchmarked handler does what its
// benchmark claims, through the same request path the benchmarks use: the
// write path persists, the read path returns the stored value, and the
// untouched path creates no session.
func TestSubjects(t *testing.T) {
	t.Parallel()
	for _, fw := range frameworks() {
		for _, sub := range fw.subjects {
			t.Run(fw.name+"/lib="+sub.Lib, func(t *testing.T) {
				t.Parallel()
				h, closeFn, err := sub.New(Options{Dir: t.TempDir()})
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				defer closeFn()

				// want is the body each step answers; for a bare subject the
				// read and write paths answer fixed values.
				steps := []struct {
					path, want, wantBare string
				}{
					{PathUntouched, "ok", "ok"},
					{PathRead, "0", "0"},
					{PathWrite, "1", "1"},
					{PathRead, "1", "0"},
					{PathUntouched, "ok", "ok"},
					{PathWrite, "2", "1"},
					{PathRead, "2", "0"},
					{PathCount, "0", "0"},
					{PathPut + "?k=" + PutName(7), "ok", "ok"},
					{PathPut + "?k=" + PutName(99), "ok", "ok"},
					{PathCount, "2", "0"},
					{PathRead, "2", "0"},
				}
				j := jar{}
				for i, st := range steps {
					rec := serve(h, j.request(st.path))
					want := st.want
					if sub.Bare {
						want = st.wantBare
					}
					if rec.Code != http.StatusOK || rec.Body.String() != want {
						t.Fatalf("step %d: GET %s = %d %q; want 200 %q", i, st.path, rec.Code, rec.Body, want)
					}
					cookies := rec.Result().Cookies()
					if (i < 2 || sub.Bare) && len(cookies) > 0 {
						t.Errorf("step %d: GET %s without a session set cookie %q; want none", i, st.path, cookies[0].Name)
					}
					if st.path == PathWrite && !sub.Bare && len(j) == 0 && len(cookies) == 0 {
						t.Errorf("step %d: GET %s set no cookie; want a session cookie", i, st.path)
					}
					j.update(rec)
				}
			})
		}
	}
}

// TestSubjectsAreDistinct guards the benchmark names: benchstat matches
// rows by name, so two subjects of one framework must never share a lib.
func TestSubjectsAreDistinct(t *testing.T) {
	t.Parallel()
	for _, fw := range frameworks() {
		seen := map[string]bool{}
		bare := 0
		for _, sub := range fw.subjects {
			if seen[sub.Lib] {
				t.Errorf("%s: lib %q listed twice", fw.name, sub.Lib)
			}
			seen[sub.Lib] = true
			if sub.Bare {
				bare++
			}
		}
		if bare != 1 {
			t.Errorf("%s has %d bare baselines; want 1", fw.name, bare)
		}
	}
}
