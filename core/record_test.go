package core_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestRecordRoundTrip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		rec  core.Record
	}{
		{"empty", core.Record{Values: map[string][]byte{}}},
		{"no expiry", core.Record{Values: map[string][]byte{"k": []byte(`"v"`)}}},
		{"values and expiry", core.Record{
			Values: map[string][]byte{"n": []byte("42"), "s": []byte(`"a\"b"`), "o": []byte(`{"x":[1,2,null]}`), "": []byte("true")},
			Expiry: time.UnixMilli(1893456000123),
		}},
		{"unicode key", core.Record{Values: map[string][]byte{"ключ": []byte(`"значение"`)}, Expiry: time.UnixMilli(1)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b, err := core.EncodeRecord(tc.rec)
			if err != nil {
				t.Fatalf("EncodeRecord: %v", err)
			}
			got, err := core.DecodeRecord(b)
			if err != nil {
				t.Fatalf("DecodeRecord(%s): %v", b, err)
			}
			if !got.Expiry.Equal(tc.rec.Expiry) {
				t.Errorf("Expiry = %v; want %v", got.Expiry, tc.rec.Expiry)
			}
			if !maps.EqualFunc(got.Values, tc.rec.Values, bytes.Equal) {
				t.Errorf("Values = %q; want %q", got.Values, tc.rec.Values)
			}
		})
	}
}

func TestEncodeRecordRejectsInvalidJSON(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"", "{", "undefined", "'x'", `"unterminated`} {
		_, err := core.EncodeRecord(core.Record{Values: map[string][]byte{"bad": []byte(v)}})
		if !errors.Is(err, core.ErrBadRecord) || !strings.Contains(err.Error(), `"bad"`) {
			t.Errorf("EncodeRecord(value %q) = %v; want ErrBadRecord naming the key", v, err)
		}
	}
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(a, b []byte) bool {
	var x, y any
	da, db := json.NewDecoder(bytes.NewReader(a)), json.NewDecoder(bytes.NewReader(b))
	da.UseNumber()
	db.UseNumber()
	if da.Decode(&x) != nil || db.Decode(&y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// FuzzDecodeRecord feeds DecodeRecord arbitrary bytes. Property: it never
// panics; it fails with ErrBadRecord or returns a record that encodes and
// decodes back to the same values and expiry.
func FuzzDecodeRecord(f *testing.F) {
	for _, rec := range []core.Record{
		{Values: map[string][]byte{}},
		{Values: map[string][]byte{"k": []byte(`"v"`), "n": []byte("1.5e3")}, Expiry: time.UnixMilli(1700000000000)},
		{Values: map[string][]byte{"o": []byte(`{"a":[true,false,null,"<&>"]}`)}, Expiry: time.UnixMilli(-1)},
	} {
		b, err := core.EncodeRecord(rec)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{"", "null", "[]", "{}", `{"v":null}`, `{"v":{"k":null}}`, `{"e":"x"}`, `{"e":1e30}`,
		`{"e":9223372036854775807,"v":{}}`, `{"E":1,"V":{"k":1}}`, `{"v":{"k":1,"k":2}}`, `{"v":{"k": [ 1 , 2 ] }}`,
		`{"v":[1]}`, "\xff\xfe", `{"v":{"k":"\ud800"}}`, strings.Repeat("[", 10000)} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec, err := core.DecodeRecord(b)
		if err != nil {
			if !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("DecodeRecord(%q) = %v; want ErrBadRecord", b, err)
			}
			return
		}
		enc, err := core.EncodeRecord(rec)
		if err != nil {
			t.Fatalf("EncodeRecord of a decoded record: %v", err)
		}
		again, err := core.DecodeRecord(enc)
		if err != nil {
			t.Fatalf("DecodeRecord(EncodeRecord(...)) = %v", err)
		}
		if !again.Expiry.Equal(rec.Expiry) {
			t.Errorf("Expiry changed in a round trip: %v -> %v", rec.Expiry, again.Expiry)
		}
		if !maps.EqualFunc(again.Values, rec.Values, sameJSON) {
			t.Errorf("Values changed in a round trip: %q -> %q", rec.Values, again.Values)
		}
	})
}
