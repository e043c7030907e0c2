package core

import (
	"sync"
	"sync/atomic"
	"time"
)

// touchPauses remembers, per session, that a throttled idle touch failed,
// so the session's next throttled touch waits a TouchInterval: during a
// store outage each active session costs at most one touch timeout per
// interval, not one per request. A failure of one session's touch never
// pauses another's.
type touchPauses struct {
	m       sync.Map // store key → resume time (Unix ns)
	entries atomic.Int64
}

// pruneEvery is how many pauses are recorded between sweeps of the ones
// that have run out, which bounds the map by the sessions whose touch
// failed within one interval.
const pruneEvery = 1024

func (p *touchPauses) paused(key string, now time.Time) bool {
	v, ok := p.m.Load(key)
	return ok && now.UnixNano() < v.(int64)
}

func (p *touchPauses) pause(key string, until time.Time) {
	p.m.Store(key, until.UnixNano())
	if p.entries.Add(1)%pruneEvery == 0 {
		now := time.Now().UnixNano()
		p.m.Range(func(k, v any) bool {
			if v.(int64) <= now {
				p.m.CompareAndDelete(k, v)
			}
			return true
		})
	}
}

// resume forgets a pause once a touch of the session succeeded.
func (p *touchPauses) resume(key string) {
	if p.entries.Load() > 0 {
		p.m.Delete(key)
	}
}
