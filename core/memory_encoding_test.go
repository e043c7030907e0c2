package core

import (
	"bytes"
	"encoding/binary"
	"maps"
	"strings"
	"testing"
)

func equalValues(a, b map[string][]byte) bool {
	return maps.EqualFunc(a, b, bytes.Equal)
}

func manyValues(n int) map[string][]byte {
	vals := make(map[string][]byte, n)
	for i := range n {
		vals[strings.Repeat("k", i+1)] = []byte(strings.Repeat("7", i))
	}
	return vals
}

var blobCases = []struct {
	name string
	vals map[string][]byte
}{
	{"none", nil},
	{"one", map[string][]byte{"views": []byte("1")}},
	{"empty value", map[string][]byte{"k": {}, "nil": nil}},
	{"empty key", map[string][]byte{"": []byte(`"x"`)}},
	{"odd bytes in keys", map[string][]byte{"\x80\xff": []byte("1"), "é\u2028": []byte("2"), "\x7f": []byte("3")}},
	{"many keys", manyValues(100)},
	{"large value", map[string][]byte{"big": bytes.Repeat([]byte("a"), 300_000), "small": []byte("0")}},
	{"long key", map[string][]byte{strings.Repeat("x", 200): []byte("null")}},
}

// TestBlobRoundTrip: decodeBlob returns exactly the values encodeBlob
// took, and lookupBlob finds each of them.
func TestBlobRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range blobCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := encodeBlob(tc.vals)
			if len(tc.vals) == 0 && b != nil {
				t.Errorf("encodeBlob(no values) = %q; want nil", b)
			}
			if got := decodeBlob(b); !equalValues(got, tc.vals) {
				t.Errorf("decodeBlob(encodeBlob(%d values)) = %d values, unequal", len(tc.vals), len(got))
			}
			for k, v := range tc.vals {
				if got, ok := lookupBlob(b, k); !ok || !bytes.Equal(got, v) {
					t.Errorf("lookupBlob(%q) = %q, %v; want %q, true", k, got, ok, v)
				}
			}
			if _, ok := lookupBlob(b, "absent"); ok {
				t.Error(`lookupBlob("absent") found a value`)
			}
		})
	}
}

// TestBlobValuesDoNotOverlap: appending to a decoded value copies it
// instead of overwriting the entry after it in the shared blob.
func TestBlobValuesDoNotOverlap(t *testing.T) {
	t.Parallel()
	want := map[string][]byte{"a": []byte("1"), "b": []byte("2"), "c": []byte("3")}
	b := encodeBlob(want)
	for _, v := range decodeBlob(b) {
		_ = append(v, "XXXXXXXX"...)
	}
	if got := decodeBlob(b); !equalValues(got, want) {
		t.Errorf("after appending to decoded values, the blob holds %q; want %q", got, want)
	}
}

func TestPatchBlob(t *testing.T) {
	t.Parallel()
	base := map[string][]byte{"a": []byte("1"), "b": []byte("2"), "c": []byte("3")}
	tests := []struct {
		name string
		from map[string][]byte
		set  map[string][]byte
		del  []string
		want map[string][]byte
	}{
		{"nothing", base, nil, nil, base},
		{"replace", base, map[string][]byte{"b": []byte("20")}, nil, map[string][]byte{"a": []byte("1"), "b": []byte("20"), "c": []byte("3")}},
		{"add to none", nil, map[string][]byte{"x": []byte(`"y"`)}, nil, map[string][]byte{"x": []byte(`"y"`)}},
		{"delete", base, nil, []string{"a", "c"}, map[string][]byte{"b": []byte("2")}},
		{"delete absent", base, nil, []string{"zz", ""}, base},
		{"delete all", base, nil, []string{"a", "b", "c"}, nil},
		{"set and delete", base, map[string][]byte{"d": {}}, []string{"a"}, map[string][]byte{"b": []byte("2"), "c": []byte("3"), "d": {}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := patchBlob(encodeBlob(tc.from), tc.set, tc.del)
			if got := decodeBlob(b); !equalValues(got, tc.want) {
				t.Errorf("patchBlob = %q; want %q", got, tc.want)
			}
			if len(tc.want) == 0 && b != nil {
				t.Errorf("patchBlob leaving nothing = %q; want nil", b)
			}
		})
	}
}

// TestDecodeBlobStopsAtMalformed: a blob the store did not build (it never
// builds one) decodes to its well-formed entries, without a panic.
func TestDecodeBlobStopsAtMalformed(t *testing.T) {
	t.Parallel()
	good := encodeBlob(map[string][]byte{"k": []byte("1")})
	tests := []struct {
		name string
		blob []byte
		want int
	}{
		{"truncated key", []byte{5, 'a'}, 0},
		{"truncated value", append([]byte{1, 'a', 9}, "12"...), 0},
		{"huge length", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, 0},
		{"overlong uvarint", bytes.Repeat([]byte{0x80}, 11), 0},
		{"good then junk", append(append([]byte{}, good...), 7), 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := decodeBlob(tc.blob); len(got) != tc.want {
				t.Errorf("decodeBlob(%q) = %d values; want %d", tc.blob, len(got), tc.want)
			}
		})
	}
}

func TestUvarintLen(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 0x7f, 0x80, 0x3fff, 0x4000, 1 << 28, 1<<31 - 1} {
		if got, want := uvarintLen(n), len(binary.AppendUvarint(nil, uint64(n))); got != want {
			t.Errorf("uvarintLen(%d) = %d; want %d", n, got, want)
		}
	}
}
