package core

import (
	"encoding/binary"
	"strings"
)

// The memory store keeps a resting session's values as one blob instead of
// a map: a Go map costs some 400 bytes before its first entry is counted
// (a header and a group of eight slots), the blob only its own bytes.
//
// A blob is a run of entries, each a key and a value, each of those
// preceded by its length as a uvarint. Entries are in no particular order
// and keys are distinct. An empty set of values is the nil blob. Blobs are
// immutable once built, so decoded values can share the blob's memory.

// entrySize is the encoded size of one entry.
func entrySize(k string, v []byte) int {
	return uvarintLen(len(k)) + len(k) + uvarintLen(len(v)) + len(v)
}

func uvarintLen(n int) int {
	l := 1
	for ; n >= 0x80; n >>= 7 {
		l++
	}
	return l
}

func appendEntry(b []byte, k string, v []byte) []byte {
	b = binary.AppendUvarint(b, uint64(len(k)))
	b = append(b, k...)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

// encodeBlob returns the blob of vals, in one allocation.
func encodeBlob(vals map[string][]byte) []byte {
	size := 0
	for k, v := range vals {
		size += entrySize(k, v)
	}
	if size == 0 {
		return nil
	}
	b := make([]byte, 0, size)
	for k, v := range vals {
		b = appendEntry(b, k, v)
	}
	return b
}

// nextEntry reads the entry at the start of b and its encoded size n. ok
// is false at the end of b and on a malformed blob, which the store never
// builds but which is not worth a panic. The value's capacity ends with
// it, so appending to it copies instead of overwriting the next entry.
func nextEntry(b []byte) (k, v []byte, n int, ok bool) {
	k, kn, ok := lengthPrefixed(b)
	if !ok {
		return nil, nil, 0, false
	}
	v, vn, ok := lengthPrefixed(b[kn:])
	if !ok {
		return nil, nil, 0, false
	}
	return k, v, kn + vn, true
}

// lengthPrefixed reads a uvarint length and that many bytes; n is the
// size of both.
func lengthPrefixed(b []byte) (field []byte, n int, ok bool) {
	l, w := binary.Uvarint(b)
	if w <= 0 || l > uint64(len(b)-w) {
		return nil, 0, false
	}
	n = w + int(l)
	return b[w:n:n], n, true
}

// decodeBlob returns the values of blob b as a map, in three allocations
// whatever the number of keys: the map's two and one string that holds
// every key. The values share b's memory.
func decodeBlob(b []byte) map[string][]byte {
	count, keyBytes := 0, 0
	for rest := b; ; count++ {
		k, _, n, ok := nextEntry(rest)
		if !ok {
			break
		}
		keyBytes += len(k)
		rest = rest[n:]
	}
	if count == 0 {
		return nil
	}
	var keys strings.Builder
	keys.Grow(keyBytes)
	for rest := b; ; {
		k, _, n, ok := nextEntry(rest)
		if !ok {
			break
		}
		keys.Write(k)
		rest = rest[n:]
	}
	all := keys.String()
	vals := make(map[string][]byte, count)
	for rest, off := b, 0; ; {
		k, v, n, ok := nextEntry(rest)
		if !ok {
			break
		}
		vals[all[off:off+len(k)]] = v
		off += len(k)
		rest = rest[n:]
	}
	return vals
}

// patchBlob returns blob b with set and del applied: the entries of b
// that neither replaces, then set's. It allocates once, and not at all
// when nothing is left.
func patchBlob(b []byte, set map[string][]byte, del []string) []byte {
	size := 0
	for k, v := range set {
		size += entrySize(k, v)
	}
	for rest := b; ; {
		k, _, n, ok := nextEntry(rest)
		if !ok {
			break
		}
		if keeps(k, set, del) {
			size += n
		}
		rest = rest[n:]
	}
	if size == 0 {
		return nil
	}
	out := make([]byte, 0, size)
	for rest := b; ; {
		k, _, n, ok := nextEntry(rest)
		if !ok {
			break
		}
		if keeps(k, set, del) {
			out = append(out, rest[:n]...)
		}
		rest = rest[n:]
	}
	for k, v := range set {
		out = appendEntry(out, k, v)
	}
	return out
}

// keeps reports whether an entry under k survives a patch that sets set
// and deletes del. The conversions in the comparisons do not allocate.
func keeps(k []byte, set map[string][]byte, del []string) bool {
	if _, ok := set[string(k)]; ok {
		return false
	}
	for _, d := range del {
		if d == string(k) {
			return false
		}
	}
	return true
}

// lookupBlob returns the value under name in blob b.
func lookupBlob(b []byte, name string) ([]byte, bool) {
	for rest := b; ; {
		k, v, n, ok := nextEntry(rest)
		if !ok {
			return nil, false
		}
		if string(k) == name {
			return v, true
		}
		rest = rest[n:]
	}
}
