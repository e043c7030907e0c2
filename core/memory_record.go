package core

import (
	"maps"
	"math"
	"time"
)

// memRecord is one session in the memory store. It is never mutated in
// place: a write installs a new memRecord, so Load can hand out its values
// without copying them.
//
// The values are in one of two forms, or both. At rest they are a blob
// (memory_encoding.go), which costs little more than the bytes it holds.
// A session in use also has them as the map Load returns: the first Load
// of a resting record decodes the blob and keeps the map, so later loads
// allocate nothing, and a Patch or Pop of a map-form record builds the new
// map directly, so the next Load is free too. Cleanup, and with it the
// sweeper, puts every record back to rest. When vals is nil the blob is
// the values; when both are set they hold the same values.
type memRecord struct {
	blob   []byte
	vals   map[string][]byte
	expiry int64  // Unix ns; memNever: never expires
	owner  *Owner // nil: bound to no one; replaced, never mutated
}

// memNever is the expiry of a record saved with a zero Expiry.
const memNever = math.MinInt64

var (
	// Expiries beyond what Unix nanoseconds hold are clamped: one before
	// 1678 has passed anyway, and one after 2262 is as good as never.
	minExpiry = time.Unix(0, memNever+1)
	maxExpiry = time.Unix(0, math.MaxInt64)
)

func memExpiry(t time.Time) int64 {
	switch {
	case t.IsZero():
		return memNever
	case t.Before(minExpiry):
		return memNever + 1
	case t.After(maxExpiry):
		return math.MaxInt64
	}
	return t.UnixNano()
}

func (r memRecord) expiryTime() time.Time {
	if r.expiry == memNever {
		return time.Time{}
	}
	return time.Unix(0, r.expiry)
}

func (r memRecord) live(now time.Time) bool {
	return r.expiry == memNever || now.UnixNano() < r.expiry
}

// values returns the record's values as a map, decoding a resting record's
// blob afresh.
func (r memRecord) values() map[string][]byte {
	if r.vals != nil {
		return r.vals
	}
	return decodeBlob(r.blob)
}

// record returns r as a Record with the given values.
func (r memRecord) record(vals map[string][]byte) Record {
	rec := Record{Values: vals, Expiry: r.expiryTime()}
	if r.owner != nil {
		rec.Owner = *r.owner
	}
	return rec
}

// resting returns r with its values in blob form only.
func (r memRecord) resting() memRecord {
	if r.vals != nil && r.blob == nil {
		r.blob = encodeBlob(r.vals)
	}
	r.vals = nil
	return r
}

// patched returns the values of r with set and del applied, in the form r
// is in: a map-form record stays in use, a resting one stays at rest. The
// new map shares set's values, as the old one shared earlier ones: the
// manager never modifies a value it has handed to the store.
func (r memRecord) patched(set map[string][]byte, del []string) memRecord {
	out := memRecord{expiry: r.expiry, owner: r.owner}
	if r.vals == nil {
		out.blob = patchBlob(r.blob, set, del)
		return out
	}
	vals := make(map[string][]byte, len(r.vals)+len(set))
	maps.Copy(vals, r.vals)
	maps.Copy(vals, set)
	for _, k := range del {
		delete(vals, k)
	}
	if len(vals) > 0 {
		out.vals = vals
	}
	return out
}

// lookup returns the value under name.
func (r memRecord) lookup(name string) ([]byte, bool) {
	if r.vals != nil {
		v, ok := r.vals[name]
		return v, ok
	}
	return lookupBlob(r.blob, name)
}

// sameBlob reports whether a and b are the very same blob, not merely
// equal ones: then a map decoded from one belongs with the other.
func sameBlob(a, b []byte) bool {
	return len(a) > 0 && len(a) == len(b) && &a[0] == &b[0]
}
