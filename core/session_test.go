package core_test

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

func TestUninitializedSessionIsNotSaved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler func(s *core.Session)
	}{
		{"untouched", func(*core.Session) {}},
		{"read a key", func(s *core.Session) { keyK.Get(s) }},
		{"Lookup and Keys", func(s *core.Session) { keyK.Lookup(s); s.Keys() }},
		{"ID", func(s *core.Session) { s.ID() }},
		{"IsNew", func(s *core.Session) { s.IsNew() }},
		{"Delete of an absent key", func(s *core.Session) { keyK.Delete(s) }},
		{"Pop of an absent key", func(s *core.Session) { core.Key[string]("flash").Pop(s) }},
		{"Touch", func(s *core.Session) { s.Touch() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Hour})
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				tc.handler(s)
			})), get("/"))
			if c := setCookies(resp, "session"); len(c) != 0 {
				t.Errorf("Set-Cookie = %v; want none for an unmodified new session", c)
			}
			if n := st.Total(); n != 0 {
				t.Errorf("%d store calls; want 0", n)
			}
		})
	}
}

func TestSaveUninitialized(t *testing.T) {
	t.Parallel()
	for _, touch := range []bool{false, true} {
		t.Run(fmt.Sprintf("handler uses session %v", touch), func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{SaveUninitialized: true})
			var id string
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				if touch {
					id = s.ID()
				}
			})), get("/"))
			c := sessionCookie(t, resp, "session")
			if !live(c) {
				t.Fatalf("Set-Cookie = %v; want a session cookie with SaveUninitialized", c)
			}
			if st.Calls("Save") != 1 {
				t.Errorf("%d Save calls; want 1", st.Calls("Save"))
			}
			var got seen
			serve(m.Handler(reader(&got)), get("/", c))
			if got.isNew || (touch && got.id != id) {
				t.Errorf("next request: IsNew = %v, ID = %q; want the stored session %q", got.isNew, got.id, id)
			}
		})
	}
}

func TestRollingSendsCookieOnEveryResponse(t *testing.T) {
	t.Parallel()
	for _, rolling := range []bool{false, true} {
		t.Run(fmt.Sprintf("Rolling=%v", rolling), func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{Rolling: rolling})
			ck, _ := login(t, m, "v")
			st.Reset()
			handlers := map[string]http.Handler{
				"untouched": http.NotFoundHandler(),
				"reads":     reader(new(seen)),
			}
			for name, h := range handlers {
				for i := range 3 {
					c := sessionCookie(t, serve(m.Handler(h), get("/", ck)), "session")
					if live(c) != rolling {
						t.Errorf("%s request %d: Set-Cookie = %v; want one iff Rolling", name, i, c)
					}
					if live(c) {
						ck = c
					}
				}
			}
			if w := st.Writes(); w != 0 {
				t.Errorf("%d Save/Patch calls for unmodified sessions; want 0", w)
			}
		})
	}
}

func TestModifiedSessionIsWrittenUnmodifiedIsNot(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v1")
	if st.Calls("Save") != 1 {
		t.Errorf("new modified session: %d Save calls; want 1", st.Calls("Save"))
	}

	st.Reset()
	for range 5 {
		var got seen
		serve(m.Handler(reader(&got)), get("/", ck))
		if got.k != "v1" {
			t.Fatalf("k = %q; want v1", got.k)
		}
	}
	if w := st.Writes(); w != 0 {
		t.Errorf("5 reads cost %d Save/Patch calls; want 0", w)
	}
	if n := st.Calls("Load"); n != 5 {
		t.Errorf("5 reads cost %d Loads; want 5", n)
	}

	// Setting a key to a new value is written.
	st.Reset()
	serve(m.Handler(setter), get("/?v=v2", ck))
	if st.Writes() != 1 {
		t.Errorf("modifying an existing session: %d Save/Patch calls; want 1", st.Writes())
	}
	if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"v2"` {
		t.Errorf("stored k = %s; want \"v2\"", rec.Values["k"])
	}
}

func TestIdleTouchIsThrottled(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Hour, TouchInterval: time.Minute})
	now := time.Now()
	// The session was last touched two minutes ago: the first request
	// touches it, and the many that follow within the interval do not.
	ck, id := storedSession(t, m, st, now.Add(-2*time.Minute), now.Add(time.Hour))
	for i := range 20 {
		var got seen
		resp := serve(m.Handler(reader(&got)), get("/", ck))
		if got.k != "v" {
			t.Fatalf("request %d: k = %q; want v", i, got.k)
		}
		if c := sessionCookie(t, resp, "session"); live(c) {
			ck = c
		}
	}
	if n := st.Calls("Touch"); n != 1 {
		t.Errorf("20 requests within the touch interval cost %d touches; want 1", n)
	}
	if w := st.Writes(); w != 0 {
		t.Errorf("idle touches cost %d Save/Patch calls; want 0 (Touch only)", w)
	}
	if rec, _ := st.Record(t, m, id); time.Until(rec.Expiry) < 59*time.Minute {
		t.Errorf("record expires in %v after the touch; want about an hour", time.Until(rec.Expiry))
	}
}

func TestTouchBypassesThrottle(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{IdleTimeout: time.Hour})
	ck, _ := login(t, m, "v")
	st.Reset()
	h := m.Handler(sessionFunc(func(s *core.Session) { s.Touch() }))
	for i := range 3 {
		c := sessionCookie(t, serve(h, get("/", ck)), "session")
		if !live(c) {
			t.Errorf("request %d: Touch() did not re-send the cookie", i)
		} else {
			ck = c
		}
	}
	if n := st.Calls("Touch"); n != 3 {
		t.Errorf("3 Touch() calls cost %d store touches; want 3", n)
	}
	if w := st.Writes(); w != 0 {
		t.Errorf("Touch() cost %d Save/Patch calls; want 0", w)
	}
}

func TestConcurrentUseWithinOneRequest(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v")
	const goroutines, perG = 8, 20
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		var wg sync.WaitGroup
		for g := range goroutines {
			wg.Go(func() {
				for i := range perG {
					key := fmt.Sprintf("g%d-%02d", g, i)
					k := core.Key[int](key)
					k.Set(s, i)
					if v := k.Get(s); v != i {
						t.Errorf("Get(%q) = %d; want %d", key, v, i)
					}
					s.Keys()
					has(s, "k")
					s.ID()
					if i%2 == 1 {
						k.Delete(s)
					}
				}
			})
		}
		wg.Wait()
		if err := s.Err(); err != nil {
			t.Errorf("Err() after the concurrent Sets = %v; want nil", err)
		}
	}))
	resp := serve(h, get("/", ck))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d", resp.StatusCode)
	}
	rec, _ := st.Record(t, m, id)
	want := []string{"k"}
	for g := range goroutines {
		for i := 0; i < perG; i += 2 {
			want = append(want, fmt.Sprintf("g%d-%02d", g, i))
		}
	}
	slices.Sort(want)
	var got []string
	for k := range rec.Values {
		got = append(got, k)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("stored keys = %v; want %v", got, want)
	}
}

func TestSessionAccessors(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v")
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		core.Key[int]("b").Set(s, 2)
		core.Key[[]int]("a").Set(s, []int{1})
		core.Key[*int]("null").Set(s, nil)
	})), get("/", ck))

	serve(m.Handler(sessionFunc(func(s *core.Session) {
		if got := s.ID(); got != id {
			t.Errorf("ID() = %q; want %q", got, id)
		}
		if s.IsNew() {
			t.Error("IsNew() = true for a stored session")
		}
		if got, want := s.Keys(), []string{"a", "b", "k", "null"}; !slices.Equal(got, want) {
			t.Errorf("Keys() = %v; want %v (sorted)", got, want)
		}
		for key, want := range map[string]bool{"a": true, "null": true, "zz": false} {
			if got := has(s, key); got != want {
				t.Errorf("Lookup(%q) found = %v; want %v", key, got, want)
			}
		}
		if v, ok := core.Key[int]("b").Lookup(s); v != 2 || !ok {
			t.Errorf("Lookup(b) = %d, %v; want 2, true", v, ok)
		}
		if v, ok := core.Key[int]("zz").Lookup(s); v != 0 || ok {
			t.Errorf("Lookup(zz) = %d, %v; want 0, false", v, ok)
		}
		if v, ok := core.Key[*int]("null").Lookup(s); v != nil || !ok {
			t.Errorf("Lookup(null) = %v, %v; want nil, true", v, ok)
		}
		core.Key[int]("b").Delete(s)
		core.Key[int]("absent").Delete(s)
		if err := s.Err(); err != nil {
			t.Errorf("Err() after Lookups and Deletes = %v; want nil", err)
		}
		if has(s, "b") {
			t.Error("Lookup(b) after Delete found it")
		}
	})), get("/", ck))
	rec, _ := st.Record(t, m, id)
	if _, ok := rec.Values["b"]; ok || len(rec.Values) != 3 {
		t.Errorf("stored values after Delete(b) = %v; want a, k, null", keysOf(rec.Values))
	}

	serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Clear()
		if err := s.Err(); err != nil {
			t.Errorf("Clear: %v", err)
		}
		if k := s.Keys(); k == nil || len(k) != 0 {
			t.Errorf("Keys() after Clear = %#v; want an empty, non-nil slice", k)
		}
		core.Key[bool]("after").Set(s, true)
	})), get("/", ck))
	rec, found := st.Record(t, m, id)
	if !found || !slices.Equal(keysOf(rec.Values), []string{"after"}) {
		t.Errorf("stored values after Clear = %v, found %v; want only [after]", keysOf(rec.Values), found)
	}
}

func TestPopIsAFlash(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	ck, _ := login(t, m, "v")
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		core.Key[string]("flash").Set(s, "saved!")
		core.Key[int]("count").Set(s, 3)
	})), get("/", ck))

	var first, second string
	pop := func(dst *string) http.Handler {
		return sessionFunc(func(s *core.Session) {
			*dst = core.Key[string]("flash").Pop(s)
			if err := s.Err(); err != nil {
				t.Errorf("Pop(flash): %v", err)
			}
			if v := core.Key[string]("count").Pop(s); v != "" {
				t.Errorf("Pop[string](count) of an int = %q; want the zero value", v)
			}
			if err := s.Err(); !errors.Is(err, core.ErrTypeMismatch) {
				t.Errorf("Err() after Pop[string](count) of an int = %v; want ErrTypeMismatch", err)
			}
			if !has(s, "count") {
				t.Error("a Pop that failed to decode removed the value")
			}
		})
	}
	serve(m.Handler(pop(&first)), get("/", ck))
	serve(m.Handler(pop(&second)), get("/", ck))
	if first != "saved!" || second != "" {
		t.Errorf("two Pops = %q, %q; want \"saved!\", \"\"", first, second)
	}
}

func TestRegenerate(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	oldCookie, oldID := login(t, m, "v")
	var newID string
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		if err := s.Err(); err != nil {
			t.Fatalf("Regenerate: %v", err)
		}
		newID = s.ID()
		core.Key[string]("user").Set(s, "alice")
	})), get("/", oldCookie))
	if newID == "" || newID == oldID {
		t.Fatalf("ID after Regenerate = %q; want a new one (old %q)", newID, oldID)
	}
	newCookie := sessionCookie(t, resp, "session")
	if !live(newCookie) || newCookie.Value == oldCookie.Value {
		t.Fatalf("Set-Cookie = %v; want a new session cookie", newCookie)
	}
	if _, found := st.Record(t, m, oldID); found {
		t.Error("the old record survived Regenerate")
	}
	var got seen
	serve(m.Handler(reader(&got)), get("/", newCookie))
	if got.id != newID || got.k != "v" {
		t.Errorf("new cookie: ID %q, k %q; want %q, v (data kept)", got.id, got.k, newID)
	}
	if rec, _ := st.Record(t, m, newID); string(rec.Values["user"]) != `"alice"` {
		t.Errorf("user = %s; want \"alice\"", rec.Values["user"])
	}
	// Replaying the old cookie finds nothing.
	serve(m.Handler(reader(&got)), get("/", oldCookie))
	if got.k != "" || !got.isNew || got.id == oldID || got.id == newID {
		t.Errorf("old cookie replayed: ID %q, k %q, IsNew %v; want a fresh, empty session", got.id, got.k, got.isNew)
	}
}

func TestRegenerateRestartsLifetime(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{Lifetime: time.Hour})
	created := time.Now().Add(-50 * time.Minute)
	ck, _ := storedSession(t, m, st, created, created.Add(time.Hour))
	var newID string
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		newID = s.ID()
	})), get("/", ck))
	rec, found := st.Record(t, m, newID)
	if !found || time.Until(rec.Expiry) < 59*time.Minute {
		t.Errorf("regenerated record expires in %v (found %v); want a fresh hour", time.Until(rec.Expiry), found)
	}
}

func TestFailedRegenerateKeepsOldSession(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newFailingStore(t), core.Config{ErrorHandler: (&reported{status: http.StatusServiceUnavailable}).handle})
	ck, id := login(t, m, "cart")
	st.Fail(true, "Save")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		core.Key[string]("user").Set(s, "alice")
	})), get("/", ck))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d; want the error handler's 503", resp.StatusCode)
	}
	st.Fail(false, "Save")
	if rec, found := st.Record(t, m, id); !found || string(rec.Values["k"]) != `"cart"` {
		t.Errorf("old record after a failed Regenerate = %v, %v; want it intact", rec, found)
	}
}

func TestDestroy(t *testing.T) {
	t.Parallel()
	for _, loadFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("loaded=%v", loadFirst), func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			ck, id := login(t, m, "v")
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
				if loadFirst {
					keyK.Get(s)
				}
				s.Destroy()
				if !s.IsNew() || has(s, "k") {
					t.Errorf("after Destroy: IsNew = %v, Lookup(k) found = %v; want a new, empty session", s.IsNew(), has(s, "k"))
				}
			})), get("/", ck))
			c := sessionCookie(t, resp, "session")
			if c == nil || c.MaxAge >= 0 || c.Value != "" {
				t.Errorf("Set-Cookie = %v; want an expired cookie", c)
			}
			if _, found := st.Record(t, m, id); found {
				t.Error("record survived Destroy")
			}
			var got seen
			serve(m.Handler(reader(&got)), get("/", ck))
			if got.k != "" || got.id == id {
				t.Errorf("destroyed cookie replayed: ID %q, k %q; want a fresh, empty session", got.id, got.k)
			}
		})
	}
}

func TestDataAfterDestroyStartsFreshSession(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v")
	var freshID string
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Destroy()
		core.Key[string]("flash").Set(s, "logged out")
		freshID = s.ID()
	})), get("/", ck))
	if freshID == "" || freshID == id {
		t.Fatalf("ID after Destroy and Set = %q; want a fresh one (old %q)", freshID, id)
	}
	c := sessionCookie(t, resp, "session")
	if !live(c) {
		t.Fatalf("Set-Cookie = %v; want the fresh session's cookie", c)
	}
	if _, found := st.Record(t, m, id); found {
		t.Error("the destroyed record survived")
	}
	rec, found := st.Record(t, m, freshID)
	if !found || !slices.Equal(keysOf(rec.Values), []string{"flash"}) {
		t.Errorf("fresh record = %v, %v; want only the flash", keysOf(rec.Values), found)
	}
}

func TestFailedSaveAfterDestroyStillLogsOut(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newFailingStore(t), core.Config{ErrorHandler: (&reported{status: http.StatusServiceUnavailable}).handle})
	ck, id := login(t, m, "v")
	st.Fail(true, "Save")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Destroy()
		core.Key[string]("flash").Set(s, "logged out")
	})), get("/", ck))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("status = %d; want the error handler's 503", resp.StatusCode)
	}
	if _, found := st.Record(t, m, id); found {
		t.Error("the destroyed record survived because a later save failed; a logout must take effect")
	}
}

func TestReloadTakesBackRegenerate(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v1")
	st.Reset()
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		s.Regenerate()
		if err := s.Err(); err != nil {
			t.Errorf("Regenerate: %v", err)
		}
		if err := s.Reload(r.Context()); err != nil {
			t.Errorf("Reload: %v", err)
		}
		if got := s.ID(); got != id {
			t.Errorf("ID after Regenerate then Reload = %q; want the original %q", got, id)
		}
		if v := keyK.Get(s); v != "v1" {
			t.Errorf("k after Regenerate then Reload = %q; want v1", v)
		}
	})), get("/", ck))
	if c := sessionCookie(t, resp, "session"); c != nil {
		t.Errorf("Set-Cookie %v; want none: the session did not change", c)
	}
	if rec, found := st.Record(t, m, id); !found || string(rec.Values["k"]) != `"v1"` {
		t.Errorf("original record = %v, found %v; want it kept with k=v1", keysOf(rec.Values), found)
	}
	if w, d := st.Writes(), st.Calls("Delete"); w != 0 || d != 0 {
		t.Errorf("%d writes and %d deletes; want none after the Regenerate was taken back", w, d)
	}
}

func TestReloadDiscardsChanges(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v1")
	st.Reset()
	serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "mine")
		core.Key[int]("extra").Set(s, 1)
		// Another request commits meanwhile.
		st.Put(t, m, id, core.Record{Values: map[string][]byte{"k": []byte(`"theirs"`)}, Expiry: time.Now().Add(time.Hour)})
		if err := s.Reload(r.Context()); err != nil {
			t.Errorf("Reload: %v", err)
		}
		if v := keyK.Get(s); v != "theirs" {
			t.Errorf("k after Reload = %q; want the store's \"theirs\"", v)
		}
		if has(s, "extra") {
			t.Error("an uncommitted key survived Reload")
		}
	})), get("/", ck))
	if w := st.Writes(); w != 0 {
		t.Errorf("%d Save/Patch calls after Reload discarded every change; want 0", w)
	}
	if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"theirs"` || len(rec.Values) != 1 {
		t.Errorf("stored values = %v; want only k=theirs", keysOf(rec.Values))
	}
}

func TestSaveCommitsBeforeResponse(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v1")
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "v2")
		if err := s.Save(r.Context()); err != nil {
			t.Fatalf("Save: %v", err)
		}
		if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"v2"` {
			t.Errorf("store after Save, before the response: k = %s; want \"v2\"", rec.Values["k"])
		}
		w.Write([]byte("done"))
	})), get("/", ck))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d", resp.StatusCode)
	}
	if n := st.Writes(); n != 2 {
		t.Errorf("%d Save/Patch calls (login and Save); want 2: the middleware must not write again", n)
	}

	// A new session: Save stores it and sets the cookie at once.
	var newID string
	resp = serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "new")
		if err := s.Save(r.Context()); err != nil {
			t.Fatalf("Save: %v", err)
		}
		newID = s.ID()
		if _, found := st.Record(t, m, newID); !found {
			t.Error("new session not in the store after Save")
		}
		if s.IsNew() {
			t.Error("IsNew() after Save = true; want false")
		}
		// The cookie goes on with the headers, on the handler's
		// goroutine, so a Save from another goroutine cannot race the
		// handler's own header writes.
		if c := w.Header().Values("Set-Cookie"); len(c) != 0 {
			t.Errorf("Set-Cookie right after Save = %q; want it added when the headers are sent", c)
		}
	})), get("/"))
	if c := sessionCookie(t, resp, "session"); !live(c) {
		t.Errorf("Set-Cookie = %v; want the new session's cookie", c)
	}
}

func TestRequestRacingLoginLeavesNewCookieAlone(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{IdleTimeout: time.Hour})
	old, _ := login(t, m, "anon")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		core.Key[string]("user").Set(s, "alice")
		if err := s.Err(); err != nil {
			t.Errorf("Regenerate: %v", err)
		}
	})), get("/login", old))
	if !live(sessionCookie(t, resp, "session")) {
		t.Fatal("login sent no new cookie")
	}
	var got seen
	poll := serve(m.Handler(reader(&got)), get("/poll", old))
	if c := sessionCookie(t, poll, "session"); c != nil {
		t.Errorf("poll with the pre-login cookie sent Set-Cookie %v; want none, or it may log the user out", c)
	}
	if got.k != "" || !got.isNew {
		t.Errorf("poll saw k = %q, IsNew = %v; want a fresh session: the old one is gone", got.k, got.isNew)
	}
}

func TestSaveFromAnotherGoroutine(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	var id string
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		var wg sync.WaitGroup
		wg.Go(func() {
			keyK.Set(s, "from goroutine")
			if err := s.Save(r.Context()); err != nil {
				t.Errorf("Save: %v", err)
			}
			id = s.ID()
		})
		for i := range 100 {
			w.Header().Set("X-Progress", string(rune('a'+i%26)))
		}
		wg.Wait()
		w.Write([]byte("done"))
	})), get("/"))
	if !live(sessionCookie(t, resp, "session")) {
		t.Error("no session cookie after a Save from another goroutine")
	}
	if rec, found := st.Record(t, m, id); !found || string(rec.Values["k"]) != `"from goroutine"` {
		t.Errorf("stored k = %s, found %v; want the goroutine's value", rec.Values["k"], found)
	}
}

func TestDestroyAfterFailedSetStillLogsOut(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "alice")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		core.Key[func()]("audit").Set(s, func() {})
		s.Destroy()
		// Not observed before Destroy, so that Destroy alone must clear it.
		if err := s.Err(); err != nil {
			t.Errorf("Err() after Set(func) then Destroy = %v; want nil: the failure belonged to the destroyed session", err)
		}
	})), get("/logout", ck))
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status = %d; want 200: the failed value belonged to the destroyed session", resp.StatusCode)
	}
	if c := sessionCookie(t, resp, "session"); c == nil || c.MaxAge >= 0 {
		t.Errorf("Set-Cookie = %v; want the cookie cleared", c)
	}
	if _, found := st.Record(t, m, id); found {
		t.Error("the session survived its logout")
	}
}

// A cookie staged by Save must not go out for a session that then ends.
func TestDestroyAfterSaveSendsOnlyTheClearingCookie(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	var id string
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "v")
		if err := s.Save(r.Context()); err != nil {
			t.Errorf("Save: %v", err)
		}
		id = s.ID()
		s.Destroy()
	})), get("/"))
	if c := sessionCookie(t, resp, "session"); c == nil || c.Value != "" || c.MaxAge >= 0 {
		t.Errorf("Set-Cookie = %v; want only the expired, empty cookie", c)
	}
	if _, found := st.Record(t, m, id); found {
		t.Error("the saved-then-destroyed session is still stored")
	}
}

// A logout takes effect even when a value set after Destroy fails.
func TestDestroyThenFailedSetStillLogsOut(t *testing.T) {
	t.Parallel()
	var errs reported
	st, m := withStore(t, newMeteredStore(t), core.Config{ErrorHandler: errs.handle})
	ck, id := login(t, m, "alice")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) {
		s.Destroy()
		core.Key[string]("bad\x00key").Set(s, "v")
	})), get("/logout", ck))
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status = %d; want the error handler's 500 for the failed Set", resp.StatusCode)
	}
	if err := errs.one(t); !errors.Is(err, core.ErrEncode) {
		t.Errorf("Set(bad key) reported %v; want ErrEncode", err)
	}
	if _, found := st.Record(t, m, id); found {
		t.Error("the session survived its logout because a later Set failed")
	}
}
