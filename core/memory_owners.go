package core

import (
	"context"
	"hash/maphash"
	"sync"
	"time"
)

// ownerShard indexes the keys of some owners' records: owner ID to the
// set of keys saved with that owner.
//
// Lock order: a record shard's lock, then an owner shard's. Every change
// to the index happens under the lock of the record it concerns, so an
// entry Owned prunes, having checked its record under that lock, cannot
// belong to a record saved with the owner in the meantime.
type ownerShard struct {
	mu   sync.Mutex
	keys map[string]map[string]struct{}
}

func (s *MemoryStore) ownerShard(owner string) *ownerShard {
	return &s.owners[maphash.String(s.seed, owner)%memShards]
}

// reindex moves key from the index of old's owner to that of now's.
// The caller holds the lock of key's record shard.
func (s *MemoryStore) reindex(key string, old, now *Owner) {
	switch {
	case old != nil && now != nil && old.ID == now.ID:
	case old != nil:
		s.unindex(old.ID, key)
	}
	if now != nil && (old == nil || old.ID != now.ID) {
		sh := s.ownerShard(now.ID)
		sh.mu.Lock()
		set := sh.keys[now.ID]
		if set == nil {
			set = make(map[string]struct{}, 1)
			sh.keys[now.ID] = set
		}
		set[key] = struct{}{}
		sh.mu.Unlock()
	}
}

func (s *MemoryStore) unindex(owner, key string) {
	sh := s.ownerShard(owner)
	sh.mu.Lock()
	if set := sh.keys[owner]; set != nil {
		delete(set, key)
		if len(set) == 0 {
			delete(sh.keys, owner)
		}
	}
	sh.mu.Unlock()
}

// seenNow returns o with Seen set to now, for a write to an owned record;
// nil stays nil.
func seenNow(o *Owner) *Owner {
	if o == nil {
		return nil
	}
	c := *o
	c.Seen = time.Now()
	return &c
}

// Owned implements OwnerIndex: it visits owner's index entries only, and
// prunes those whose record has expired.
func (s *MemoryStore) Owned(ctx context.Context, owner string) ([]OwnedRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	osh := s.ownerShard(owner)
	osh.mu.Lock()
	keys := make([]string, 0, len(osh.keys[owner]))
	for k := range osh.keys[owner] {
		keys = append(keys, k)
	}
	osh.mu.Unlock()
	out := make([]OwnedRecord, 0, len(keys))
	now := time.Now()
	for _, k := range keys {
		if r, ok := s.ownedRecord(k, owner, now); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// ownedRecord checks one index entry against its record, dropping an
// expired record and its entry.
func (s *MemoryStore) ownedRecord(key, owner string, now time.Time) (OwnedRecord, bool) {
	sh := s.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	r, ok := sh.recs[key]
	switch {
	case !ok || r.owner == nil || r.owner.ID != owner:
		// The entry went with a Delete or a Save to another owner,
		// which already dropped it; nothing to do.
		return OwnedRecord{}, false
	case !r.live(now):
		s.reindex(key, r.owner, nil)
		delete(sh.recs, key)
		s.n.Add(-1)
		return OwnedRecord{}, false
	}
	return OwnedRecord{Key: key, Expiry: r.expiryTime(), Owner: *r.owner}, true
}
