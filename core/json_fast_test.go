package core

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
)

// sameAsJSON checks that encodeFast, when it takes v, writes what
// json.Marshal writes.
func sameAsJSON(t *testing.T, v any) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := encodeFast(v); ok && !bytes.Equal(got, want) {
		t.Errorf("encodeFast(%#v) = %s; json.Marshal writes %s", v, got, want)
	}
}

func TestEncodeFastMatchesJSON(t *testing.T) {
	for _, v := range []any{
		0, 1, -1, math.MaxInt, math.MinInt, int64(math.MinInt64), int64(42), true, false,
		"", "plain", "with space", "quote\"", `back\slash`, "<tag>", "a&b", "tab\t", "caf\u00e9", "\xff",
		3.5, uint(7), []int{1},
	} {
		sameAsJSON(t, v)
	}
	for _, tt := range []struct {
		v    any
		fast bool
	}{{7, true}, {int64(7), true}, {true, true}, {"plain", true}, {"<", false}, {"caf\u00e9", false}, {3.5, false}} {
		if _, ok := encodeFast(tt.v); ok != tt.fast {
			t.Errorf("encodeFast(%#v) took the fast path: %v; want %v", tt.v, ok, tt.fast)
		}
	}
}

// decodeBoth decodes raw into a T with decodeFast and with json.Unmarshal
// and fails if decodeFast took a value encoding/json reads otherwise or
// rejects.
func decodeBoth[T comparable](t *testing.T, raw []byte) {
	t.Helper()
	var fast T
	if !decodeFast(raw, &fast) {
		return
	}
	var want T
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Errorf("decodeFast took %q as %T %v; json.Unmarshal rejects it: %v", raw, fast, fast, err)
		return
	}
	if fast != want {
		t.Errorf("decodeFast(%q) = %v; json.Unmarshal reads %v", raw, fast, want)
	}
}

var decodeSeeds = []string{
	"0", "-0", "1", "-1", "01", "+1", "1.0", "1e2", " 1", "1 ", "9223372036854775807", "9223372036854775808",
	"-9223372036854775808", "-", "", "true", "false", "null", "True", `"x"`, `"a\"b"`, `"\u0041"`, "\"\xff\"",
	`"tab	"`, `"café"`, `"`, `""`,
}

func TestDecodeFastMatchesJSON(t *testing.T) {
	for _, s := range decodeSeeds {
		raw := []byte(s)
		decodeBoth[int](t, raw)
		decodeBoth[int64](t, raw)
		decodeBoth[bool](t, raw)
		decodeBoth[string](t, raw)
	}
	for _, tt := range []struct {
		raw  string
		into any
		fast bool
	}{
		{"12", new(int), true}, {"-0", new(int64), true}, {"01", new(int), false}, {"1e2", new(int), false},
		{"true", new(bool), true}, {`"x"`, new(string), true}, {`"\n"`, new(string), false}, {"1", new(float64), false},
	} {
		if got := decodeFast([]byte(tt.raw), tt.into); got != tt.fast {
			t.Errorf("decodeFast(%q, %T) took the fast path: %v; want %v", tt.raw, tt.into, got, tt.fast)
		}
	}
}

func TestFastPathsAllocate(t *testing.T) {
	raw := []byte("12345")
	if n := testing.AllocsPerRun(100, func() {
		var v int
		if err := decode(raw, &v, "k"); err != nil || v != 12345 {
			t.Fatalf("decode = %v, %v", v, err)
		}
	}); n != 0 {
		t.Errorf("decoding an int allocates %v times; want 0", n)
	}
	if n := testing.AllocsPerRun(100, func() {
		if _, err := encode("k", 123456); err != nil {
			t.Fatal(err)
		}
	}); n != 1 {
		t.Errorf("encoding an int allocates %v times; want 1 (its bytes)", n)
	}
}

func FuzzFastPathsMatchJSON(f *testing.F) {
	for _, s := range decodeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		raw := []byte(s)
		decodeBoth[int](t, raw)
		decodeBoth[int64](t, raw)
		decodeBoth[bool](t, raw)
		decodeBoth[string](t, raw)
		sameAsJSON(t, s)
	})
}
