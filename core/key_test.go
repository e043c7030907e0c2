package core_test

import (
	"encoding/json"
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
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		core.Key[any]("v").Set(s, v)
		if err := s.Err(); err != nil {
			t.Fatalf("Set(%#v): %v", v, err)
		}
	})), get("/"))
	ck := sessionCookie(t, resp, "session")
	if !live(ck) {
		t.Fatalf("no session cookie after Set")
	}
	serve(m.Handler(sessionFunc(fn)), get("/", ck))
}

// read reads "v" as a T and reports the session's error.
func read[T any](s *core.Session) (any, error) {
	v := core.Key[T]("v").Get(s)
	return v, s.Err()
}

func TestUserStructsNeedNoRegistration(t *testing.T) {
	t.Parallel()
	want := profile{Name: "Ada", Tags: []string{"a", "b"}, Since: time.Date(2024, 1, 2, 3, 4, 5, 6, time.UTC), Admin: true, Score: 1.5}
	want.Address.City = "London"
	stored := want
	stored.private = 7
	roundTrip(t, stored, func(s *core.Session) {
		got, err := read[profile](s)
		if err != nil {
			t.Fatalf("Get[profile]: %v", err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Get[profile] = %+v; want %+v", got, want)
		}
		ptr := core.Key[*profile]("v").Get(s)
		if err := s.Err(); err != nil || ptr == nil || ptr.Name != "Ada" {
			t.Errorf("Get[*profile] = %+v, %v; want Ada", ptr, err)
		}
		// Any type with a compatible JSON shape reads the value.
		type view struct{ Name string }
		if v := core.Key[view]("v").Get(s); s.Err() != nil || v.Name != "Ada" {
			t.Errorf("Get[view] = %+v, %v; want Ada", v, s.Err())
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
		{"int", 42, read[int], 42},
		{"int64 max", int64(math.MaxInt64), read[int64], int64(math.MaxInt64)},
		{"float", 2.5, read[float64], 2.5},
		{"bool", true, read[bool], true},
		{"plain string", "hello", read[string], "hello"},
		{"string with escapes", "a\"b\\c\n\t</script>&é😀", read[string], "a\"b\\c\n\t</script>&é😀"},
		{"empty string", "", read[string], ""},
		{"slice", []string{"x", "y"}, read[[]string], []string{"x", "y"}},
		{"map", map[string]int{"a": 1}, read[map[string]int], map[string]int{"a": 1}},
		{"time", time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC), read[time.Time], time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)},
		{"bytes", []byte{0, 1, 255}, read[[]byte], []byte{0, 1, 255}},
		{"any", map[string]any{"n": 1.0}, read[any], map[string]any{"n": 1.0}},
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

// mismatches read a stored value "v" as a type it does not decode into.
var mismatches = []struct {
	name string
	set  any
	get  func(s *core.Session)
}{
	{"int as string", 42, func(s *core.Session) { core.Key[string]("v").Get(s) }},
	{"string as int", "42", func(s *core.Session) { core.Key[int]("v").Get(s) }},
	{"float as int", 1.5, func(s *core.Session) { core.Key[int]("v").Get(s) }},
	{"negative as uint", -1, func(s *core.Session) { core.Key[uint]("v").Get(s) }},
	{"overflow int8", 300, func(s *core.Session) { core.Key[int8]("v").Get(s) }},
	{"struct as int", profile{Name: "x"}, func(s *core.Session) { core.Key[int]("v").Get(s) }},
	{"string as struct", "x", func(s *core.Session) { core.Key[profile]("v").Get(s) }},
	{"slice as map", []int{1}, func(s *core.Session) { core.Key[map[string]int]("v").Get(s) }},
	{"Lookup", true, func(s *core.Session) { core.Key[string]("v").Lookup(s) }},
	{"Pop", true, func(s *core.Session) { core.Key[int]("v").Pop(s) }},
}

func TestTypeMismatchIsAnError(t *testing.T) {
	t.Parallel()
	for _, tc := range mismatches {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			roundTrip(t, tc.set, func(s *core.Session) {
				tc.get(s)
				err := s.Err()
				if !errors.Is(err, core.ErrTypeMismatch) {
					t.Fatalf("error = %v; want ErrTypeMismatch", err)
				}
				if !strings.Contains(err.Error(), `"v"`) {
					t.Errorf("error %q does not name the key", err)
				}
				if !has(s, "v") {
					t.Error("the mismatched value was removed")
				}
			})
		})
	}
}

// A handler that ignores a type mismatch must not answer with a silent
// zero: the commit reports the mismatch, unless the handler looked at
// Err and answered for it itself.
func TestIgnoredTypeMismatchFailsTheRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		observe    bool // the handler checks Err and answers itself
		custom     bool // a custom ErrorHandler instead of the default
		wantStatus int
		wantBody   string
	}{
		{"ignored, default error handler", false, false, http.StatusInternalServerError, http.StatusText(http.StatusInternalServerError) + "\n"},
		{"ignored, custom error handler", false, true, http.StatusInternalServerError, "session failure\n"},
		{"observed by the handler", true, true, http.StatusConflict, "degraded"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var logged syncBuffer
			var errs reported
			cfg := core.Config{Logger: newTestLogger(&logged)}
			if tc.custom {
				cfg.ErrorHandler = errs.handle
			}
			m := newManager(t, cfg)
			ck, _ := login(t, m, "not a number")
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				n := core.Key[int]("k").Get(s)
				if tc.observe && s.Err() != nil {
					w.WriteHeader(http.StatusConflict)
					w.Write([]byte("degraded"))
					return
				}
				fmt.Fprintf(w, "n = %d", n)
			})), get("/", ck))
			if b := body(t, resp); resp.StatusCode != tc.wantStatus || b != tc.wantBody {
				t.Errorf("response = %d %q; want %d %q", resp.StatusCode, b, tc.wantStatus, tc.wantBody)
			}
			wantLogged := 1
			if tc.observe {
				wantLogged = 0
			}
			if n := countLines(logged.String(), "session error", "does not match"); n != wantLogged {
				t.Errorf("%d session errors logged; want %d", n, wantLogged)
			}
			switch got := errs.all(); {
			case !tc.custom:
			case tc.observe && len(got) != 0:
				t.Errorf("error handler got %v; want none: the handler answered for the mismatch", got)
			case !tc.observe && (len(got) != 1 || !errors.Is(got[0], core.ErrTypeMismatch) || !isA[*json.UnmarshalTypeError](got[0])):
				t.Errorf("error handler got %v; want one ErrTypeMismatch wrapping a *json.UnmarshalTypeError", got)
			}
		})
	}
}

func TestValueIsEncodedAtSet(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		tags := []string{"before"}
		k := core.Key[[]string]("tags")
		k.Set(s, tags)
		tags[0] = "after"
		if got := k.Get(s); got[0] != "before" {
			t.Errorf("Get after mutating the set slice = %v; want [before]", got)
		}
	})), get("/"))
}

func TestUnencodableValueFailsTheRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		v    any
		as   func(error) bool // what errors.As finds in the error
	}{
		{"chan", make(chan int), isA[*json.UnsupportedTypeError]},
		{"func", func() {}, isA[*json.UnsupportedTypeError]},
		{"+Inf", math.Inf(1), isA[*json.UnsupportedValueError]},
		{"NaN", math.NaN(), isA[*json.UnsupportedValueError]},
		{"struct with a chan field", struct{ C chan int }{make(chan int)}, isA[*json.UnsupportedTypeError]},
		{"complex", complex(1, 2), isA[*json.UnsupportedTypeError]},
	}
	for _, tc := range tests {
		for _, existing := range []bool{false, true} {
			name := tc.name + "/new session"
			if existing {
				name = tc.name + "/existing session"
			}
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				var logged syncBuffer
				var errs reported
				st, m := withStore(t, newMeteredStore(t), core.Config{Logger: newTestLogger(&logged), ErrorHandler: errs.handle})
				var ck *http.Cookie
				if existing {
					ck, _ = login(t, m, "v")
				}
				st.Reset()
				resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
					core.Key[int]("good").Set(s, 1)
					core.Key[any]("bad-key").Set(s, tc.v)
					w.Write([]byte("handler body"))
				})), get("/", ck))
				if err := errs.one(t); !errors.Is(err, core.ErrEncode) || !strings.Contains(err.Error(), `"bad-key"`) || !tc.as(err) {
					t.Errorf("Set reported %v; want ErrEncode naming \"bad-key\" and wrapping the json error", err)
				}
				wantReplaced(t, resp, http.StatusInternalServerError)
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

// isA reports whether errors.As finds a T in err.
func isA[T error](err error) bool {
	var target T
	return errors.As(err, &target)
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
			var errs reported
			m := newManager(t, core.Config{ErrorHandler: errs.handle})
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				core.Key[string](tc.key).Set(s, "v")
			})), get("/"))
			got := errs.all()
			if tc.ok && (len(got) != 0 || resp.StatusCode != http.StatusOK) {
				t.Errorf("Set(%q) reported %v, status %d; want nothing, 200", tc.key, got, resp.StatusCode)
			}
			if !tc.ok && (len(got) != 1 || !errors.Is(got[0], core.ErrEncode) || resp.StatusCode != http.StatusInternalServerError) {
				t.Errorf("Set(%q) reported %v, status %d; want ErrEncode and the error handler's 500", tc.key, got, resp.StatusCode)
			}
		})
	}
}

// Setting a key to the bytes it already holds changes nothing: no store
// write and no cookie, so an idempotent handler costs what a read does.
func TestSettingTheSameValueIsNotAModification(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(s *core.Session)
		writes int
	}{
		{"same string", func(s *core.Session) { keyK.Set(s, "v") }, 0},
		{"same value through another type", func(s *core.Session) { core.Key[json.RawMessage]("k").Set(s, json.RawMessage(`"v"`)) }, 0},
		{"same value twice with another in between", func(s *core.Session) { keyK.Set(s, "w"); keyK.Set(s, "v") }, 1},
		{"another value", func(s *core.Session) { keyK.Set(s, "w") }, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			ck, _ := login(t, m, "v")
			st.Reset()
			resp := serve(m.Handler(sessionFunc(tc.change)), get("/", ck))
			if w := st.Writes(); w != tc.writes {
				t.Errorf("%d Save/Patch calls; want %d", w, tc.writes)
			}
			if c := sessionCookie(t, resp, "session"); c != nil {
				t.Errorf("Set-Cookie = %v; want none for an established session", c)
			}
		})
	}
}
