package bench

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"hash/maphash"
	"sync"
	"testing"
)

// The floor is what a server-side session read must at least do, with
// nothing else: verify the cookie's HMAC-SHA256, hash the session ID into
// its store key with SHA-256, find the record in a sharded in-memory map,
// and decode one JSON int. Its token has the size of a sessionkit token
// (an 18-byte header and a 43-byte ID under a 32-byte MAC, in base64url).
// BenchmarkFloor/part=all is the sum a read is compared with; the parts
// show where it goes.

const (
	floorShards   = 64
	floorSessions = 1000
	floorIDLen    = 43
	floorHeader   = 18
)

type floorRecord struct {
	values map[string][]byte
}

type floorShard struct {
	mu   sync.RWMutex
	recs map[string]floorRecord
}

// floor holds the prepared state of the floor benchmark: a signing key,
// one valid token and a store holding its session among others.
type floor struct {
	domain []byte
	macs   sync.Pool // of *floorMAC
	seed   maphash.Seed
	shards [floorShards]floorShard
	token  string
}

// floorMAC is a pooled HMAC with room for its sum and for a decoded
// token, so that verifying allocates nothing (what is passed to a
// hash.Hash escapes).
type floorMAC struct {
	h   hash.Hash
	sum [sha256.Size]byte
	buf [floorHeader + 128 + sha256.Size]byte
}

func newFloor(tb testing.TB) *floor {
	key := []byte(Secret)
	f := &floor{domain: []byte("sessionkit/v1\x00session\x00"), seed: maphash.MakeSeed()}
	f.macs.New = func() any { return &floorMAC{h: hmac.New(sha256.New, key)} }
	for i := range f.shards {
		f.shards[i].recs = map[string]floorRecord{}
	}
	var id string
	for range floorSessions {
		id = rand.Text() + rand.Text()[:floorIDLen-26]
		f.put(id)
	}
	payload := append(make([]byte, floorHeader), id...)
	m := f.macs.Get().(*floorMAC)
	f.token = base64.RawURLEncoding.EncodeToString(append(payload, f.mac(m, payload)...))
	f.macs.Put(m)
	if _, ok := f.read(); !ok {
		tb.Fatal("floor: prepared token does not read back")
	}
	return f
}

func (f *floor) put(id string) {
	k := storeKey([]byte(id))
	sh := f.shard(k[:])
	sh.recs[string(k[:])] = floorRecord{values: map[string][]byte{Key: []byte("1")}}
}

// mac returns the MAC of payload, in m's buffer.
func (f *floor) mac(m *floorMAC, payload []byte) []byte {
	m.h.Reset()
	m.h.Write(f.domain)
	m.h.Write(payload)
	return m.h.Sum(m.sum[:0])
}

// verify decodes the token into m's buffer and checks its MAC; it
// returns the ID, valid until m goes back to the pool.
func (f *floor) verify(m *floorMAC, token string) ([]byte, bool) {
	n, err := base64.RawURLEncoding.Decode(m.buf[:], []byte(token))
	if err != nil || n < floorHeader+sha256.Size {
		return nil, false
	}
	payload, sig := m.buf[:n-sha256.Size], m.buf[n-sha256.Size:n]
	if !hmac.Equal(f.mac(m, payload), sig) {
		return nil, false
	}
	return payload[floorHeader:], true
}

// storeKey is the base64url SHA-256 of id, in a fixed-size array. The ID
// is copied to the stack first so the hash input does not escape.
func storeKey(id []byte) [43]byte {
	var in [128]byte
	sum := sha256.Sum256(in[:copy(in[:], id)])
	var k [43]byte
	base64.RawURLEncoding.Encode(k[:], sum[:])
	return k
}

func (f *floor) shard(key []byte) *floorShard {
	return &f.shards[maphash.Bytes(f.seed, key)%floorShards]
}

func (f *floor) lookup(key []byte) (floorRecord, bool) {
	sh := f.shard(key)
	sh.mu.RLock()
	r, ok := sh.recs[string(key)]
	sh.mu.RUnlock()
	return r, ok
}

// read is the whole floor: verify, hash, look up, decode.
func (f *floor) read() (int, bool) {
	m := f.macs.Get().(*floorMAC)
	id, ok := f.verify(m, f.token)
	var k [43]byte
	if ok {
		k = storeKey(id)
	}
	f.macs.Put(m)
	if !ok {
		return 0, false
	}
	r, ok := f.lookup(k[:])
	if !ok {
		return 0, false
	}
	var n int
	if json.Unmarshal(r.values[Key], &n) != nil {
		return 0, false
	}
	return n, true
}

// BenchmarkFloor measures the floor of a session read, whole (part=all)
// and by part, in the same binary as the libraries it bounds.
func BenchmarkFloor(b *testing.B) {
	f := newFloor(b)
	m := f.macs.Get().(*floorMAC)
	v, _ := f.verify(m, f.token)
	id := append([]byte(nil), v...)
	f.macs.Put(m)
	key := storeKey(id)
	raw := []byte("1")
	parts := []struct {
		name string
		fn   func() bool
	}{
		{"verify", func() bool {
			m := f.macs.Get().(*floorMAC)
			_, ok := f.verify(m, f.token)
			f.macs.Put(m)
			return ok
		}},
		{"hash", func() bool { k := storeKey(id); return k[0] != 0 }},
		{"lookup", func() bool { _, ok := f.lookup(key[:]); return ok }},
		{"decode", func() bool { var n int; return json.Unmarshal(raw, &n) == nil && n == 1 }},
		{"all", func() bool { n, ok := f.read(); return ok && n == 1 }},
	}
	for _, p := range parts {
		b.Run("part="+p.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !p.fn() {
					b.Fatalf("floor part %s failed", p.name)
				}
			}
		})
	}
}

func TestFloorReads(t *testing.T) {
	t.Parallel()
	f := newFloor(t)
	if n, ok := f.read(); !ok || n != 1 {
		t.Errorf("floor read = %d, %v; want 1, true", n, ok)
	}
	forged := []byte(f.token)
	forged[10] = map[bool]byte{true: 'B', false: 'A'}[forged[10] == 'A']
	f.token = string(forged)
	if _, ok := f.read(); ok {
		t.Error("floor read of a forged token succeeded; want failure")
	}
}
