package storetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/sessionkit/sessionkit/core"
)

// The check that a store keeps every value encoding/json produces.
//
// core.Record lets a store normalise whitespace and object key order but
// not change the JSON value. The check holds stores to that exactly, as
// jsonEqual defines it: numbers compare as decimals, not as float64, and
// strings compare character for character, a lone surrogate escape and a
// byte that is not UTF-8 each standing for itself. encoding/json reads
// both as U+FFFD, so comparing decoded Go values would hide a store that
// replaces them.

// everyJSONValue lists values the manager can hand a store: encoding/json
// writes them for Go values, or passes them through from a json.RawMessage
// or json.Number. Each is one that some backend rejects or changes: jsonb
// rejects U+0000 and lone surrogates, float64 rounds long numbers, and a
// decoder into Go strings turns bytes that are not UTF-8 into U+FFFD.
var everyJSONValue = []struct {
	name, value string
}{
	{"null", `null`},
	{"true", `true`},
	{"false", `false`},
	{"empty string", `""`},
	{"empty object", `{}`},
	{"empty array", `[]`},
	{"nested empties", `[{},[],{"":[]},[{}]]`},

	{"NUL", `"\u0000"`},
	{"NUL inside", `"a\u0000b"`},
	{"NUL run", `"` + strings.Repeat(`\u0000`, 1000) + `"`},
	{"NUL in object key", `{"\u0000":1}`},
	{"NUL in nested key and value", `{"a":{"x\u0000y":"\u0000"},"b":["\u0000"]}`},
	{"control characters", `"\u0001\u001f\b\f\n\r\t\u007f"`},
	{"escapes", `"\"\\\/"`},
	{"HTML characters as encoding/json escapes them", `"\u003cscript\u003e\u0026"`},
	{"line and paragraph separators", `"\u2028\u2029"`},

	{"lone high surrogate", `"\ud800"`},
	{"lone low surrogate", `"\udfff"`},
	{"lone surrogates inside", `"a\udbffb\udc00c"`},
	{"high surrogate before a letter", `"\ud800\u0041"`},
	{"two high surrogates", `"\ud800\ud800"`},
	{"surrogates reversed", `"\udc00\ud800"`},
	{"lone surrogate in object key", `{"\ud800":1,"\ufffd":2}`},
	{"surrogate pair escaped", `"\ud83d\ude00"`},
	{"replacement character", `"\ufffd"`},
	{"bytes that are not UTF-8", "\"a\xffb\xfe\""},
	{"encoded surrogate bytes", "\"\xed\xa0\x80\""},
	{"truncated UTF-8 sequence", "\"\xe2\x82\""},
	{"not UTF-8 in object key", "{\"\xff\":1}"},

	{"unicode", `"héllo wörld, 日本語, עברית, 😀"`},
	{"unicode escaped", `"h\u00e9llo \u65e5\u672c"`},
	{"noncharacters", `"\uffff\ufffe\udbff\udfff"`},

	{"negative zero", `-0`},
	{"int64 min", `-9223372036854775808`},
	{"uint64 max", `18446744073709551615`},
	{"beyond float64 precision", `12345678901234567890`},
	{"big.Int", `123456789012345678901234567890123456789`},
	{"json.Number with many digits", `3.14159265358979323846264338327950288419716939937510`},
	{"json.Number beyond float64", `1E400`},
	{"json.Number below float64", `-2.5e-400`},
	{"float64 max", `1.7976931348623157e+308`},
	{"float64 smallest", `5e-324`},
	{"float64 large", `1e+21`},
	{"float64 inexact", `0.30000000000000004`},

	{"key order", `{"b":1,"a":2,"c":{"z":[3,2,1],"y":null}}`},
	{"escaped keys", `{"\"":1,"\\":2,"":3,"a.b":4,"$x":5}`},
	{"mixed array", `[1,"two",null,true,{"x":[]},-0.5]`},
	{"whitespace", " \t\n[ 1 , {\"a\" : null} ]\r\n"},
	{"deep arrays", strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
	{"deep objects", strings.Repeat(`{"a":`, 1000) + `"\u0000"` + strings.Repeat("}", 1000)},
}

// testEveryJSONValue saves, loads and, for each capability the store
// declares, patches, pops and ranges over every value of everyJSONValue,
// alone and all in one record.
func testEveryJSONValue(t *testing.T, s core.Store) {
	for _, tc := range everyJSONValue {
		if !json.Valid([]byte(tc.value)) {
			t.Fatalf("value %q of case %q is not JSON", tc.value, tc.name)
		}
	}
	for _, tc := range everyJSONValue {
		t.Run(tc.name, func(t *testing.T) { checkOneJSONValue(t, s, []byte(tc.value)) })
	}
	t.Run("all in one record", func(t *testing.T) { checkAllJSONValues(t, s) })
}

// checkOneJSONValue follows one value through Save, Load, Patch and Pop.
func checkOneJSONValue(t *testing.T, s core.Store, v []byte) {
	key := NewKey(t)
	exp := time.Now().Add(time.Hour)
	want := map[string][]byte{"v": v, "other": raw(1)}
	mustSave(t, s, key, core.Record{Values: want, Expiry: exp})
	loadJSONValues(t, s, key, "Load after Save", want)

	caps := core.CapabilitiesOf(s)
	if p, ok := s.(core.Patcher); ok && caps.Has(core.CanPatch) {
		found, err := p.Patch(ctxT(t), key, core.Patch{Set: map[string][]byte{"p": v}, Delete: []string{"other"}, Expiry: exp})
		if err != nil || !found {
			t.Fatalf("Patch setting %.80q = %v, %v; want true, nil", v, found, err)
		}
		want = map[string][]byte{"v": v, "p": v}
		loadJSONValues(t, s, key, "Load after Patch", want)
	}
	if p, ok := s.(core.Popper); ok && caps.Has(core.CanPop) {
		got, found, err := p.Pop(ctxT(t), key, "v")
		if err != nil || !found || !jsonEqual(got, v) {
			t.Fatalf("Pop = %.80q, %v, %v; want %.80q, true, nil", got, found, err, v)
		}
		delete(want, "v")
		loadJSONValues(t, s, key, "Load after Pop", want)
	}
}

// checkAllJSONValues keeps every value in one record, each under its
// case's name, and rotates them through one Patch.
func checkAllJSONValues(t *testing.T, s core.Store) {
	key := NewKey(t)
	exp := time.Now().Add(time.Hour)
	all := map[string][]byte{}
	for _, tc := range everyJSONValue {
		all[tc.name] = []byte(tc.value)
	}
	mustSave(t, s, key, core.Record{Values: all, Expiry: exp})
	loadJSONValues(t, s, key, "Load after Save", all)

	caps := core.CapabilitiesOf(s)
	if p, ok := s.(core.Patcher); ok && caps.Has(core.CanPatch) {
		// Each case's name gets the next case's value; every third goes.
		rotated, want := map[string][]byte{}, map[string][]byte{}
		var gone []string
		for i, tc := range everyJSONValue {
			next := []byte(everyJSONValue[(i+1)%len(everyJSONValue)].value)
			if i%3 == 0 {
				gone = append(gone, tc.name)
				continue
			}
			rotated[tc.name], want[tc.name] = next, next
		}
		found, err := p.Patch(ctxT(t), key, core.Patch{Set: rotated, Delete: gone, Expiry: exp})
		if err != nil || !found {
			t.Fatalf("Patch rotating every value = %v, %v; want true, nil", found, err)
		}
		loadJSONValues(t, s, key, "Load after Patch", want)
		all = want
	}
	if it, ok := s.(core.Iterator); ok && caps.Has(core.CanIterate) {
		seen := false
		err := it.Range(ctxT(t), func(k string, rec core.Record) bool {
			if k != key {
				return true
			}
			seen = true
			checkJSONValues(t, "Range", rec.Values, all)
			return false
		})
		if err != nil || !seen {
			t.Errorf("Range = %v, visited the record: %v; want nil, true", err, seen)
		}
	}
}

func loadJSONValues(t *testing.T, s core.Store, key, op string, want map[string][]byte) {
	t.Helper()
	rec, found := mustLoad(t, s, key)
	if !found {
		t.Fatalf("%s: found = false; want true", op)
	}
	checkJSONValues(t, op, rec.Values, want)
}

// checkJSONValues is checkValues with jsonEqual's exact comparison.
func checkJSONValues(t *testing.T, op string, got, want map[string][]byte) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%s: got %d values %q; want %d", op, len(got), keysOf(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s: key %q missing", op, k)
		case !jsonEqual(g, w):
			t.Errorf("%s: value of %q = %.120q; want %.120q or the same JSON value written otherwise", op, k, g, w)
		}
	}
}

// jsonEqual reports whether a and b are the same JSON value: equal
// literals, numbers equal as decimals, strings equal character for
// character (see jsonParser.str), arrays equal element by element and
// objects with equal members in any order. Whitespace and how a character
// is escaped do not matter. Anything that is not JSON equals only the
// same bytes.
func jsonEqual(a, b []byte) bool {
	if !json.Valid(a) || !json.Valid(b) {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(parseJSON(a), parseJSON(b))
}

// Canonical forms parseJSON returns for strings and numbers; null, true
// and false are nil, true and false, arrays []any and objects
// map[string]any keyed by canonical strings.
type (
	jsonString string
	jsonNumber string
)

// parseJSON parses JSON text that json.Valid accepted.
func parseJSON(b []byte) any {
	p := &jsonParser{b: b}
	return p.value()
}

type jsonParser struct {
	b []byte
	i int
}

func (p *jsonParser) space() {
	for p.i < len(p.b) && strings.IndexByte(" \t\r\n", p.b[p.i]) >= 0 {
		p.i++
	}
}

func (p *jsonParser) value() any {
	p.space()
	switch p.b[p.i] {
	case '{':
		m := map[string]any{}
		for p.i++; p.next('}'); {
			k := p.str()
			p.space()
			p.i++ // ':'
			m[k] = p.value()
		}
		return m
	case '[':
		a := []any{}
		for p.i++; p.next(']'); {
			a = append(a, p.value())
		}
		return a
	case '"':
		return jsonString(p.str())
	case 't':
		p.i += len("true")
		return true
	case 'f':
		p.i += len("false")
		return false
	case 'n':
		p.i += len("null")
		return nil
	}
	start := p.i
	for p.i < len(p.b) && strings.IndexByte("+-.0123456789eE", p.b[p.i]) >= 0 {
		p.i++
	}
	return canonicalNumber(string(p.b[start:p.i]))
}

// next skips to the next element of an array or object and reports
// whether there is one, consuming the closing bracket if not.
func (p *jsonParser) next(end byte) bool {
	p.space()
	if p.b[p.i] == ',' {
		p.i++
		p.space()
	}
	if p.b[p.i] == end {
		p.i++
		return false
	}
	return true
}

// str parses a string into a canonical form: each character as UTF-8,
// whether it was written raw or as an escape, and each lone surrogate
// escape and each byte that is not UTF-8 as a marker byte (0xFE or 0xFF,
// which UTF-8 never uses) followed by its value.
func (p *jsonParser) str() string {
	var out []byte
	for p.i++; ; {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(out)
		case c == '\\':
			out = p.escape(out)
		default:
			r, n := utf8.DecodeRune(p.b[p.i:])
			if r == utf8.RuneError && n == 1 {
				out = append(out, 0xFF, c)
			} else {
				out = append(out, p.b[p.i:p.i+n]...)
			}
			p.i += n
		}
	}
}

var jsonEscapes = map[byte]byte{'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}

func (p *jsonParser) escape(out []byte) []byte {
	c := p.b[p.i+1]
	p.i += 2
	if c != 'u' {
		return append(out, jsonEscapes[c])
	}
	r := p.hex4()
	if r >= 0xd800 && r < 0xdc00 && bytes.HasPrefix(p.b[p.i:], []byte(`\u`)) {
		// A high surrogate pairs only with a low one; anything else is
		// the next character.
		at := p.i
		p.i += 2
		if pair := utf16.DecodeRune(r, p.hex4()); pair != utf8.RuneError {
			return utf8.AppendRune(out, pair)
		}
		p.i = at
	}
	if utf16.IsSurrogate(r) {
		return append(out, 0xFE, byte(r>>8), byte(r))
	}
	return utf8.AppendRune(out, r)
}

func (p *jsonParser) hex4() rune {
	n, _ := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 16)
	p.i += 4
	return rune(n)
}

// canonicalNumber writes a JSON number as its significant digits and a
// power of ten, so that numbers equal as decimals compare equal however
// they are written: 100, 1e2, 1.00E+2 and 100.0 are all "1e2", and 0 and
// -0 are "0". A number whose exponent does not fit an int stays as
// written.
func canonicalNumber(s string) jsonNumber {
	sign := ""
	if rest, ok := strings.CutPrefix(s, "-"); ok {
		sign, s = "-", rest
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return jsonNumber(sign + s)
		}
		mant, exp = s[:i], e
	}
	whole, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(whole+frac, "0")
	exp -= len(frac)
	sig := strings.TrimRight(digits, "0")
	if sig == "" {
		return "0"
	}
	return jsonNumber(fmt.Sprintf("%s%se%d", sign, sig, exp+len(digits)-len(sig)))
}
