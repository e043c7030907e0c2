package core

import (
	"context"
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxSessions is the memory store's cap on stored sessions when
// MemoryStoreOptions.MaxSessions is zero.
const DefaultMaxSessions = 100_000

const (
	memShards      = 64
	fullSweepEvery = time.Second
)

// MemoryStoreOptions configures NewMemoryStore. The zero value is ready to
// use.
type MemoryStoreOptions struct {
	// CleanupInterval is how often the background sweeper removes expired
	// sessions and puts the sessions used since its last round back to
	// their compact form (see MemoryStore). Expired sessions are never
	// served even before they are swept. Zero means one minute; a negative
	// value disables the sweeper, and then sessions stay in their larger
	// in-use form once loaded, unless the application calls Cleanup.
	// A shorter interval saves memory on a busy store at the price of
	// decoding each active session's values once per interval.
	CleanupInterval time.Duration

	// MaxSessions caps the number of stored sessions, to bound memory under
	// a flood of new sessions. When the cap is reached, saving a new session
	// first evicts expired ones (sweeping the whole store at most once a
	// second, so a flood at the cap stays cheap) and otherwise fails with
	// ErrStoreFull; existing sessions keep working. Zero means
	// DefaultMaxSessions, 100,000: with Config.Limits bounding each session
	// (256 KiB by default) and typical sessions holding well under 1 KiB,
	// that is a few hundred MB at most in practice, 25 GiB in the worst
	// case of every session at its limit; lower it, or lower the limits,
	// on a small machine. A negative value means no cap.
	MaxSessions int
}

// MemoryStore is the embedded store: an in-process, sharded map. It
// implements Store, Patcher, Toucher, Popper, Iterator, Cleaner and
// OwnerIndex: an owner's sessions are found through a per-owner index in
// time proportional to that owner's sessions, and the index drops a
// session when it is deleted, swept, saved without its owner or found
// expired by Owned.
//
// Memory: a session at rest costs about 160 bytes of heap on 64-bit
// platforms with one small value, 43-byte key included, plus the bytes of
// each further key and value: the values are held in one compact
// encoding, not a map. A session in use, that is loaded since the
// sweeper's last round, also holds its values as the map Load returns,
// some 400 bytes more for up to eight values, so that reading it
// allocates nothing; the sweeper's next round drops that map again (see
// CleanupInterval), and the next Load after it decodes the values once
// more, in three allocations. Save copies the values it is given; a Patch
// of a session in use keeps the patch's value slices, which the caller
// must not modify afterwards (the manager never does).
//
// Sessions live in one process only and are lost on restart; use a shared
// store such as Redis or PostgreSQL once the app runs on more than one
// machine. Call Close to stop the sweeper.
type MemoryStore struct {
	seed   maphash.Seed
	shards [memShards]memShard
	max    int64
	n      atomic.Int64 // records held, expired or not
	// lastFull is when Save last swept for lack of room, in Unix ns.
	lastFull atomic.Int64
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	owners   [memShards]ownerShard
}

type memShard struct {
	mu   sync.RWMutex
	recs map[string]memRecord
}

// NewMemoryStore returns a MemoryStore and starts its sweeper.
func NewMemoryStore(opts MemoryStoreOptions) *MemoryStore {
	s := &MemoryStore{seed: maphash.MakeSeed(), stop: make(chan struct{}), done: make(chan struct{})}
	for i := range s.shards {
		s.shards[i].recs = make(map[string]memRecord)
		s.owners[i].keys = make(map[string]map[string]struct{})
	}
	switch {
	case opts.MaxSessions > 0:
		s.max = int64(opts.MaxSessions)
	case opts.MaxSessions == 0:
		s.max = DefaultMaxSessions
	}
	interval := opts.CleanupInterval
	if interval == 0 {
		interval = time.Minute
	}
	if interval < 0 {
		close(s.done)
		return s
	}
	go s.sweep(interval)
	return s
}

func (s *MemoryStore) sweep(interval time.Duration) {
	defer close(s.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			_, _ = s.Cleanup(context.Background())
		}
	}
}

// Close stops the sweeper and waits for it to exit. The store stays usable.
func (s *MemoryStore) Close() error {
	s.once.Do(func() { close(s.stop) })
	<-s.done
	return nil
}

func (s *MemoryStore) shard(key string) *memShard {
	return &s.shards[maphash.String(s.seed, key)%memShards]
}

// Load implements Store. The returned Values map must not be modified.
// The first Load of a resting record decodes its values and keeps them
// with the record; later loads return that map without allocating.
func (s *MemoryStore) Load(ctx context.Context, key string) (Record, bool, error) {
	if err := ctx.Err(); err != nil {
		return Record{}, false, err
	}
	sh := s.shard(key)
	sh.mu.RLock()
	r, ok := sh.recs[key]
	sh.mu.RUnlock()
	if !ok || !r.live(time.Now()) {
		return Record{}, false, nil
	}
	if r.vals == nil && r.blob != nil {
		r.vals = decodeBlob(r.blob)
		sh.mu.Lock()
		// Keep the map unless a write replaced the blob meanwhile.
		if cur, ok := sh.recs[key]; ok && cur.vals == nil && sameBlob(cur.blob, r.blob) {
			cur.vals = r.vals
			sh.recs[key] = cur
		}
		sh.mu.Unlock()
	}
	return r.record(r.vals), true, nil
}

// Save implements Store.
func (s *MemoryStore) Save(ctx context.Context, key string, rec Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// The blob copies the values, so the caller may reuse its map and
	// slices; the record stays at rest until it is loaded.
	blob := encodeBlob(rec.Values)
	sh := s.shard(key)
	sh.mu.Lock()
	_, exists := sh.recs[key]
	if !exists && !s.reserve() {
		// Full: evict expired records everywhere, then try once more. The
		// sweep runs at most once per fullSweepEvery, so a flood of new
		// sessions at the cap fails fast instead of sweeping each time.
		sh.mu.Unlock()
		if last := s.lastFull.Load(); time.Since(time.Unix(0, last)) >= fullSweepEvery && s.lastFull.CompareAndSwap(last, time.Now().UnixNano()) {
			if _, err := s.Cleanup(ctx); err != nil {
				return err
			}
		}
		sh.mu.Lock()
		if _, exists = sh.recs[key]; !exists && !s.reserve() {
			sh.mu.Unlock()
			return ErrStoreFull
		}
	}
	nr := memRecord{blob: blob, expiry: memExpiry(rec.Expiry)}
	if rec.Owner.Bound() {
		o := rec.Owner
		nr.owner = &o
	}
	s.reindex(key, sh.recs[key].owner, nr.owner)
	sh.recs[key] = nr
	sh.mu.Unlock()
	return nil
}

// reserve counts one more record, unless that would exceed MaxSessions.
func (s *MemoryStore) reserve() bool {
	for {
		n := s.n.Load()
		if s.max > 0 && n >= s.max {
			return false
		}
		if s.n.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Delete implements Store.
func (s *MemoryStore) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sh := s.shard(key)
	sh.mu.Lock()
	if r, ok := sh.recs[key]; ok {
		s.reindex(key, r.owner, nil)
		delete(sh.recs, key)
		s.n.Add(-1)
	}
	sh.mu.Unlock()
	return nil
}

// Patch implements Patcher.
func (s *MemoryStore) Patch(ctx context.Context, key string, p Patch) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	sh := s.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	r, ok := sh.recs[key]
	if !ok || !r.live(time.Now()) {
		return false, nil
	}
	nr := r.patched(p.Set, p.Delete)
	nr.expiry, nr.owner = memExpiry(p.Expiry), seenNow(r.owner)
	sh.recs[key] = nr
	return true, nil
}

// Touch implements Toucher.
func (s *MemoryStore) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	sh := s.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	r, ok := sh.recs[key]
	if !ok || !r.live(time.Now()) {
		return false, nil
	}
	r.expiry = memExpiry(expiry)
	r.owner = seenNow(r.owner)
	sh.recs[key] = r
	return true, nil
}

// Pop implements Popper.
func (s *MemoryStore) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	sh := s.shard(key)
	sh.mu.Lock()
	defer sh.mu.Unlock()
	r, ok := sh.recs[key]
	if !ok || !r.live(time.Now()) {
		return nil, false, nil
	}
	v, ok := r.lookup(name)
	if !ok {
		return nil, false, nil
	}
	nr := r.patched(nil, []string{name})
	nr.owner = seenNow(r.owner)
	sh.recs[key] = nr
	return v, true, nil
}

// Range implements Iterator. fn runs without any lock held.
func (s *MemoryStore) Range(ctx context.Context, fn func(key string, rec Record) bool) error {
	type kv struct {
		k string
		r memRecord
	}
	now := time.Now()
	for i := range s.shards {
		if err := ctx.Err(); err != nil {
			return err
		}
		sh := &s.shards[i]
		sh.mu.RLock()
		batch := make([]kv, 0, len(sh.recs))
		for k, r := range sh.recs {
			if r.live(now) {
				batch = append(batch, kv{k, r})
			}
		}
		sh.mu.RUnlock()
		for _, e := range batch {
			if !fn(e.k, e.r.record(e.r.values())) {
				return nil
			}
		}
	}
	return nil
}

// Count implements Iterator.
func (s *MemoryStore) Count(ctx context.Context) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, now := 0, time.Now()
	for i := range s.shards {
		sh := &s.shards[i]
		sh.mu.RLock()
		for _, r := range sh.recs {
			if r.live(now) {
				n++
			}
		}
		sh.mu.RUnlock()
	}
	return n, nil
}

// Cleanup implements Cleaner. It also puts every session back to rest:
// values decoded by Load, or written by Patch or Pop to a session in use,
// go back to their compact encoding, and the next Load decodes them again.
func (s *MemoryStore) Cleanup(ctx context.Context) (int, error) {
	n, now := 0, time.Now()
	for i := range s.shards {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		sh := &s.shards[i]
		sh.mu.Lock()
		for k, r := range sh.recs {
			switch {
			case !r.live(now):
				s.reindex(k, r.owner, nil)
				delete(sh.recs, k)
				s.n.Add(-1)
				n++
			case r.vals != nil:
				sh.recs[k] = r.resting()
			}
		}
		sh.mu.Unlock()
	}
	return n, nil
}
