package core_test

import (
	"errors"
	"fmt"
	"math"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

type profile struct {
	Name    string
	Tags    []string
	Address struct{ City string }
	Since   time.Time
	Admin   bool
	Score   float64
	private int // not encoded, as with encoding/json
}

// roundTrip stores v under "v" in one request and returns the next request's
// session for the checks in fn.
func roundTrip(t *testing.T, v any, fn func(s *core.Session)) {
	t.Helper()
	m := newManager(t, core.Config{})
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		if err := s.Set("v", v); err != nil {
			t.Fatalf("Set(%#v): %v", v, err)
		}
	})), get("/"))
	ck := sessionCookie(t, resp, "session")
	if !live(ck) {
		t.Fatalf("no session cookie after Set")
	}
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		fn(s)
	})), get("/", ck))
}

func TestUserStructsNeedNoRegistration(t *testing.T) {
	t.Parallel()
	want := profile{Name: "Ada", Tags: []string{"a", "b"}, Since: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), Admin: true, Score: 1.5}
	want.Address.City = "London"
	stored := want
	stored.private = 7
	roundTrip(t, stored, func(s *core.Session) {
		got, err := core.Get[profile](s, "v")
		if err != nil {
			t.Fatalf("Get[profile]: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Get[profile] = %+v; want %+v", got, want)
		}
		ptr, err := core.Get[*profile](s, "v")
		if err != nil || ptr == nil || ptr.Name != "Ada" {
			t.Errorf("Get[*profile] = %+v, %v; want Ada", ptr, err)
		}
		// Any type with a compatible JSON shape reads the value.
		type view struct{ Name string }
		if v, err := core.Get[view](s, "v"); err != nil || v.Name != "Ada" {
			t.Errorf("Get[view] = %+v, %v; want Ada", v, err)
		}
	})
}

func TestTypedReads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		set  any
		get  func(s *core.Session) (any, error)
		want any
	}{
		{"int", 42, func(s *core.Session) (any, error) { return core.Get[int](s, "v") }, 42},
		{"int64 max", int64(math.MaxInt64), func(s *core.Session) (any, error) { return core.Get[int64](s, "v") }, int64(math.MaxInt64)},
		{"float", 2.5, func(s *core.Session) (any, error) { return core.Get[float64](s, "v") }, 2.5},
		{"bool", true, func(s *core.Session) (any, error) { return core.Get[bool](s, "v") }, true},
		{"plain string", "hello", func(s *core.Session) (any, error) { return core.Get[string](s, "v") }, "hello"},
		{"string with escapes", "a\"b\\c\n\t</script>&é😀", func(s *core.Session) (any, error) { return core.Get[string](s, "v") }, "a\"b\\c\n\t</script>&é😀"},
		{"empty string", "", func(s *core.Session) (any, error) { return core.Get[string](s, "v") }, ""},
		{"slice", []string{"x", "y"}, func(s *core.Session) (any, error) { return core.Get[[]string](s, "v") }, []string{"x", "y"}},
		{"map", map[string]int{"a": 1}, func(s *core.Session) (any, error) { return core.Get[map[string]int](s, "v") }, map[string]int{"a": 1}},
		{"time", time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC), func(s *core.Session) (any, error) { return core.Get[time.Time](s, "v") }, time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)},
		{"bytes", []byte{0, 1, 255}, func(s *core.Session) (any, error) { return core.Get[[]byte](s, "v") }, []byte{0, 1, 255}},
		{"any", map[string]any{"n": 1.0}, func(s *core.Session) (any, error) { return core.Get[any](s, "v") }, map[string]any{"n": 1.0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, tc.set, func(s *core.Session) {
				got, err := tc.get(s)
				if err != nil {
					t.Fatalf("Get: %v", err)
				}
				if !reflect.DeepEqual(got, tc.want) {
					t.Errorf("Get = %#v; want %#v", got, tc.want)
				}
			})
		})
	}
}

func TestTypeMismatchIsAnError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		set  any
		get  func(s *core.Session) error
	}{
		{"int as string", 42, func(s *core.Session) error { _, err := core.Get[string](s, "v"); return err }},
		{"string as int", "42", func(s *core.Session) error { _, err := core.Get[int](s, "v"); return err }},
		{"float as int", 1.5, func(s *core.Session) error { _, err := core.Get[int](s, "v"); return err }},
		{"negative as uint", -1, func(s *core.Session) error { _, err := core.Get[uint](s, "v"); return err }},
		{"overflow int8", 300, func(s *core.Session) error { _, err := core.Get[int8](s, "v"); return err }},
		{"struct as int", profile{Name: "x"}, func(s *core.Session) error { _, err := core.Get[int](s, "v"); return err }},
		{"string as struct", "x", func(s *core.Session) error { _, err := core.Get[profile](s, "v"); return err }},
		{"slice as map", []int{1}, func(s *core.Session) error { _, err := core.Get[map[string]int](s, "v"); return err }},
		{"Lookup", true, func(s *core.Session) error { _, _, err := core.Lookup[string](s, "v"); return err }},
		{"Pop", true, func(s *core.Session) error { _, err := core.Pop[int](s, "v"); return err }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, tc.set, func(s *core.Session) {
				err := tc.get(s)
				if !errors.Is(err, core.ErrTypeMismatch) {
					t.Fatalf("error = %v; want ErrTypeMismatch", err)
				}
				if !strings.Contains(err.Error(), `"v"`) {
					t.Errorf("error %q does not name the key", err)
				}
				if !s.Has("v") {
					t.Error("the mismatched value was removed")
				}
			})
		})
	}
}

func TestValueIsEncodedAtSet(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		tags := []string{"before"}
		s.Set("tags", tags)
		tags[0] = "after"
		if got, _ := core.Get[[]string](s, "tags"); got[0] != "before" {
			t.Errorf("Get after mutating the set slice = %v; want [before]", got)
		}
	})), get("/"))
}

func TestUnencodableValueFailsTheRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    any
	}{
		{"chan", make(chan int)},
		{"func", func() {}},
		{"+Inf", math.Inf(1)},
		{"NaN", math.NaN()},
		{"struct with a chan field", struct{ C chan int }{make(chan int)}},
		{"complex", complex(1, 2)},
	}
	for _, tc := range tests {
		for _, existing := range []bool{false, true} {
			name := tc.name + "/new session"
			if existing {
				name = tc.name + "/existing session"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				st := newCountingStore(t)
				var logged syncBuffer
				m := newManager(t, core.Config{Store: st, Logger: newTestLogger(&logged)})
				var ck *http.Cookie
				if existing {
					ck, _ = login(t, m, "v")
				}
				st.Reset()
				var setErr error
				resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
					s.Set("good", 1)
					setErr = s.Set("bad-key", tc.v)
					w.Write([]byte("handler body"))
				})), get("/", ck))
				if !errors.Is(setErr, core.ErrEncode) || !strings.Contains(setErr.Error(), `"bad-key"`) {
					t.Errorf("Set = %v; want ErrEncode naming \"bad-key\"", setErr)
				}
				if resp.StatusCode != http.StatusInternalServerError {
					t.Errorf("status = %d; want 500 from the error handler", resp.StatusCode)
				}
				if b := body(t, resp); strings.Contains(b, "handler body") {
					t.Errorf("body = %q; the handler's body must be discarded", b)
				}
				if w := st.Writes(); w != 0 {
					t.Errorf("%d Save/Patch calls; want 0: the request's changes fail together", w)
				}
				if !strings.Contains(logged.String(), "bad-key") {
					t.Errorf("log = %q; want the error naming the key", logged.String())
				}
			})
		}
	}
}

// Keys must survive every store unchanged: JSON objects, jsonb columns and
// hash fields all keep valid UTF-8 without NUL, and nothing else.
func TestSetRejectsKeysStoresCannotKeep(t *testing.T) {
	t.Parallel()
	tests := []struct {
		key string
		ok  bool
	}{
		{"plain", true},
		{"ünïcode and spaces", true},
		{`quotes ' " \ and dots.`, true},
		{"", true},
		{"\xff", false},
		{"bad\xfe utf8", false},
		{"nul\x00byte", false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q", tc.key), func(t *testing.T) {
			t.Parallel()
			m := newManager(t, core.Config{})
			var setErr error
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				setErr = s.Set(tc.key, "v")
			})), get("/"))
			if tc.ok && (setErr != nil || resp.StatusCode != http.StatusOK) {
				t.Errorf("Set(%q) = %v, status %d; want nil, 200", tc.key, setErr, resp.StatusCode)
			}
			if !tc.ok && (!errors.Is(setErr, core.ErrEncode) || resp.StatusCode != http.StatusInternalServerError) {
				t.Errorf("Set(%q) = %v, status %d; want ErrEncode and the error handler's 500", tc.key, setErr, resp.StatusCode)
			}
		})
	}
}
