package bench

import (
	"net/http"
	"testing"
	"testing/synctest"
	"time"
)

// Idle-expiry writes over virtual time: one read per second for
// idleMinutes minutes, by a client that keeps the latest cookie, with an
// idle timeout of benchIdleTimeout (sessionkit's TouchInterval is then its
// default, one minute).
const idleMinutes = 10

// TestIdleTouchesPerInterval measures, and for sessionkit checks, how
// many store writes idle expiry costs one active session: sessionkit
// touches at most once per TouchInterval, and at least that often, or the
// session would expire while in use; scs re-commits the session on every
// request that loads it. run.sh prints the figures (go test -v).
func TestIdleTouchesPerInterval(t *testing.T) {
	for _, sub := range NetHTTP() {
		if sub.Bare {
			continue
		}
		t.Run("lib="+sub.Lib, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				writes := idleWrites(t, sub)
				t.Logf("lib=%s: %d store writes for %d reads over %d minutes (IdleTimeout %v)",
					sub.Lib, writes, idleMinutes*60, idleMinutes, benchIdleTimeout)
				if sub.Lib == "sessionkit" && (writes < idleMinutes-1 || writes > idleMinutes+1) {
					t.Errorf("sessionkit made %d idle touches in %d minutes; want one per minute (TouchInterval)", writes, idleMinutes)
				}
			})
		})
	}
}

// idleWrites returns the store writes of idleMinutes minutes of reads on
// one session, after the write that created it.
func idleWrites(t *testing.T, sub Subject) int64 {
	ops := new(OpCounter)
	h, closeFn, err := sub.New(Options{IdleTimeout: benchIdleTimeout, Ops: ops})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	defer closeFn()
	j := jar{}
	j.update(serve(h, j.request(PathWrite)))
	ops.Reset()
	for range idleMinutes * 60 {
		time.Sleep(time.Second)
		rec := serve(h, j.request(PathRead))
		if rec.Code != http.StatusOK || rec.Body.String() != "1" {
			t.Fatalf("GET %s = %d %q; want 200 \"1\"", PathRead, rec.Code, rec.Body)
		}
		j.update(rec)
	}
	return ops.Writes()
}
