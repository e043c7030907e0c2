package core

import (
	"bytes"
	"maps"
	"testing"
)

// fuzzValues reads values from data: NUL-separated pieces, alternately
// a key and its value. A key seen twice keeps its last value.
func fuzzValues(data []byte) map[string][]byte {
	vals := map[string][]byte{}
	pieces := bytes.Split(data, []byte{0})
	for i := 0; i+1 < len(pieces); i += 2 {
		vals[string(pieces[i])] = pieces[i+1]
	}
	return vals
}

// FuzzBlob: any values survive encodeBlob and decodeBlob; a patch of the
// blob equals the same patch of the map; and any bytes at all decode,
// without a panic, to values that round-trip in turn.
func FuzzBlob(f *testing.F) {
	f.Add([]byte("views\x001"), []byte("views\x00\x00new\x00\"x\""))
	f.Add([]byte("a\x00\x00\xff\x80\x00é"), []byte("a\x00"))
	f.Add([]byte{}, []byte("k\x00v"))
	f.Add([]byte{5, 'v', 'i', 'e', 'w', 's', 1, '1'}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Fuzz(func(t *testing.T, a, b []byte) {
		vals := fuzzValues(a)
		blob := encodeBlob(vals)
		if got := decodeBlob(blob); !equalValues(got, vals) {
			t.Fatalf("decodeBlob(encodeBlob(%q)) = %q", vals, got)
		}

		// The patch sets b's values and deletes the keys they name with an
		// empty value.
		set, del := fuzzValues(b), []string(nil)
		for k, v := range set {
			if len(v) == 0 {
				delete(set, k)
				del = append(del, k)
			}
		}
		want := maps.Clone(vals)
		maps.Copy(want, set)
		for _, k := range del {
			delete(want, k)
		}
		if got := decodeBlob(patchBlob(blob, set, del)); !equalValues(got, want) {
			t.Fatalf("patchBlob(%q, set %q, delete %q) = %q; want %q", vals, set, del, got, want)
		}

		raw := decodeBlob(a)
		if again := decodeBlob(encodeBlob(raw)); !equalValues(again, raw) {
			t.Fatalf("values decoded from raw bytes %q did not round-trip: %q, then %q", a, raw, again)
		}
	})
}
