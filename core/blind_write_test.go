package core_test

import (
	"net/http"
	"strconv"
	"sync"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// noWholeRecordLimits turns off the limits that need the stored record,
// which lets a handler's sets skip the load (see Key.Set).
var noWholeRecordLimits = core.Limits{Keys: -1, SessionBytes: -1}

var keyOther = core.Key[string]("other")

func TestSetWithoutReadCostsOnePatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		limits core.Limits
		calls  map[string]int
	}{
		{"whole-record limits off: a blind patch", noWholeRecordLimits, map[string]int{"Patch": 1}},
		{"default limits: load, then patch", core.Limits{}, map[string]int{"Load": 1, "Patch": 1}},
		{"only Keys off: still loads", core.Limits{Keys: -1}, map[string]int{"Load": 1, "Patch": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{Limits: tt.limits})
			ck, id := login(t, m, "v")
			serve(m.Handler(sessionFunc(func(s *core.Session) { keyOther.Set(s, "kept") })), get("/", ck))
			st.Reset()
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) { keyK.Set(s, "new") })), get("/", ck))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d", resp.StatusCode)
			}
			for _, method := range []string{"Load", "Save", "Patch", "Touch", "Delete"} {
				if got := st.Calls(method); got != tt.calls[method] {
					t.Errorf("%s calls = %d; want %d", method, got, tt.calls[method])
				}
			}
			if n := len(setCookies(resp, core.DefaultCookieName)); n != 0 {
				t.Errorf("%d Set-Cookie lines; want none, the cookie is unchanged", n)
			}
			rec, ok := st.Record(t, m, id)
			if !ok || string(rec.Values["k"]) != `"new"` || string(rec.Values["other"]) != `"kept"` {
				t.Errorf("stored record = %v, %v; want k=\"new\" and other=\"kept\"", rec.Values, ok)
			}
		})
	}
}

func TestSetThenReadSeesStoredAndSetKeys(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{Limits: noWholeRecordLimits})
	ck, _ := login(t, m, "v")
	serve(m.Handler(sessionFunc(func(s *core.Session) { keyOther.Set(s, "stored") })), get("/", ck))
	var k, other string
	var keys []string
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		keyK.Set(s, "set first")
		k, other, keys = keyK.Get(s), keyOther.Get(s), s.Keys()
	})), get("/", ck))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if k != "set first" || other != "stored" || len(keys) != 2 {
		t.Errorf("after a set, reads saw k=%q other=%q keys=%q; want the set value over the stored record", k, other, keys)
	}
	if n := st.Calls("Load"); n != 1 {
		t.Errorf("%d loads; want 1", n)
	}
}

func TestSetWithoutReadOfAGoneSessionStartsANewOne(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		write func(r *http.Request, s *core.Session) // a handler that never reads
	}{
		{"one key", func(_ *http.Request, s *core.Session) { keyK.Set(s, "after") }},
		{"saved by the handler", func(r *http.Request, s *core.Session) {
			keyK.Set(s, "after")
			if err := s.Save(r.Context()); err != nil {
				t.Errorf("Save: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{Limits: noWholeRecordLimits})
			ck, id := login(t, m, "before")
			st.Drop(t, m, id) // revoked, or ended by another request
			resp := serve(m.Handler(handlerFunc(func(_ http.ResponseWriter, r *http.Request, s *core.Session) { tt.write(r, s) })), get("/", ck))
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status = %d", resp.StatusCode)
			}
			if _, ok := st.Record(t, m, id); ok {
				t.Error("the blind patch brought the gone session back under its old ID")
			}
			c := sessionCookie(t, resp, core.DefaultCookieName)
			if !live(c) || c.Value == ck.Value {
				t.Fatalf("cookie = %v; want a new session's", c)
			}
			var got string
			serve(m.Handler(sessionFunc(func(s *core.Session) { got = keyK.Get(s) })), get("/", c))
			if got != "after" {
				t.Errorf("the new session holds k=%q; want the value set, %q", got, "after")
			}
		})
	}
}

func TestSetWithoutReadGoesOnToTheLiveCookie(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{Limits: noWholeRecordLimits})
	stale, staleID := login(t, m, "stale")
	st.Drop(t, m, staleID)
	liveCk, liveID := login(t, m, "live")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) { keyK.Set(s, "set") })), get("/", stale, liveCk))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if rec, ok := st.Record(t, m, liveID); !ok || string(rec.Values["k"]) != `"set"` {
		t.Errorf("live session holds %v, %v; want k=\"set\" (the stale cookie came first)", rec.Values, ok)
	}
	if _, ok := st.Record(t, m, staleID); ok {
		t.Error("the stale session came back")
	}
}

func TestConcurrentBlindSetsLoseNothing(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{Limits: noWholeRecordLimits})
	ck, id := login(t, m, "v")
	const n = 50
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key := core.Key[int]("key" + strconv.Itoa(i))
			serve(m.Handler(sessionFunc(func(s *core.Session) { key.Set(s, i) })), get("/", ck))
		})
	}
	wg.Wait()
	rec, _ := st.Record(t, m, id)
	if got := len(rec.Values); got != n+1 {
		t.Errorf("the session holds %d keys; want %d: every concurrent set kept", got, n+1)
	}
}

func TestSetAfterABlindSaveWritesAgain(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{Limits: noWholeRecordLimits})
	ck, id := login(t, m, "v")
	resp := serve(m.Handler(handlerFunc(func(_ http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "mine")
		if err := s.Save(r.Context()); err != nil {
			t.Errorf("Save: %v", err)
		}
		rec, _ := st.Record(t, m, id)
		rec.Values = map[string][]byte{"k": []byte(`"theirs"`)} // another request's write
		st.Put(t, m, id, rec)
		keyK.Set(s, "mine") // the request never read "theirs": this is a change
	})), get("/", ck))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"mine"` {
		t.Errorf("stored k = %s; want the request's last Set, \"mine\"", rec.Values["k"])
	}
}
