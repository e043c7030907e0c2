package core_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// loginAs logs a new client in as owner through ownerApp and returns it.
func loginAs(t *testing.T, m *core.Manager, owner string) *http.Client {
	t.Helper()
	var errs []error
	c := newClient(t, ownerApp(m, &errs))
	if resp, _ := fetch(t, c, "GET", "/bind?u="+owner); resp.StatusCode != http.StatusOK || len(errs) > 0 {
		t.Fatalf("login as %s = %d, %v", owner, resp.StatusCode, errs)
	}
	return c
}

func listed(t *testing.T, m *core.Manager, owner string) int {
	t.Helper()
	list, err := m.OwnerSessions(context.Background(), owner)
	if err != nil {
		t.Fatalf("OwnerSessions(%s) = %v", owner, err)
	}
	return len(list)
}

// TestRevokedSessionStaysRevoked: a request already running when its
// session is revoked does not bring the session back, whatever rewrite
// it then makes.
func TestRevokedSessionStaysRevoked(t *testing.T) {
	tests := []struct {
		name string
		do   func(s *core.Session)
	}{
		{"SetOwner to another owner", func(s *core.Session) { s.SetOwner("bob") }},
		{"SetOwner to no one", func(s *core.Session) { s.SetOwner("") }},
		{"Regenerate", func(s *core.Session) { s.Regenerate() }},
		{"SetLifetime", func(s *core.Session) { s.SetLifetime(48 * time.Hour) }},
		{"Set", func(s *core.Session) { keyK.Set(s, "after") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := newManager(t, core.Config{MaxLifetime: 48 * time.Hour})
			c := loginAs(t, m, "alice")
			racing := m.Handler(sessionFunc(func(s *core.Session) {
				_ = s.Owner() // loaded, bound to alice
				if n, err := m.RevokeOwner(context.Background(), "alice"); n != 1 || err != nil {
					t.Errorf("RevokeOwner mid-request = %d, %v; want 1", n, err)
				}
				tc.do(s)
			}))
			c.Transport = inProcess{racing}
			fetch(t, c, "GET", "/race")
			if n := listed(t, m, "alice") + listed(t, m, "bob"); n != 0 {
				t.Errorf("sessions listed after a revocation raced %s: %d; want 0", tc.name, n)
			}
			var owner, k string
			c.Transport = inProcess{m.Handler(sessionFunc(func(s *core.Session) { owner, k = s.Owner(), keyK.Get(s) }))}
			fetch(t, c, "GET", "/me")
			if owner != "" || k != "" {
				t.Errorf("after the race, the client's session has owner %q and k %q; want a fresh, empty session", owner, k)
			}
		})
	}
}

// TestRefusedLoginHandlerAnswers: with RefuseNew, a login handler that
// takes ErrTooManySessions from Save answers for itself, and the session
// stays unbound.
func TestRefusedLoginHandlerAnswers(t *testing.T) {
	m := newManager(t, core.Config{Owners: core.OwnerConfig{MaxSessions: 1, OnLimit: core.RefuseNew}})
	loginAs(t, m, "alice")
	var owner string
	login := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		s.Regenerate()
		s.SetOwner("alice")
		if err := s.Save(r.Context()); errors.Is(err, core.ErrTooManySessions) {
			owner = s.Owner()
			http.Error(w, "sign out elsewhere first", http.StatusConflict)
		}
	}))
	resp := serve(login, get("/login"))
	if resp.StatusCode != http.StatusConflict || owner != "" {
		t.Errorf("refused login = %d, owner %q after the refusal; want the handler's 409 and no owner", resp.StatusCode, owner)
	}
	if n := listed(t, m, "alice"); n != 1 {
		t.Errorf("alice's sessions after a refused login = %d; want 1", n)
	}
}

// TestOwnerOperationsAfterRegenerate: in the request that regenerates the
// session, before it commits, the session's stored record is still its
// own: listed as current and kept by RevokeOthers.
func TestOwnerOperationsAfterRegenerate(t *testing.T) {
	m := newManager(t, core.Config{})
	me := loginAs(t, m, "alice")
	loginAs(t, m, "alice")
	var current, revoked int
	var err error
	me.Transport = inProcess{m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		var list []core.OwnedSession
		list, err = s.OwnerSessions(context.Background())
		for _, o := range list {
			if o.Current {
				current++
			}
		}
		if err == nil {
			revoked, err = s.RevokeOthers(context.Background())
		}
	}))}
	fetch(t, me, "GET", "/regenerate")
	if current != 1 || revoked != 1 || err != nil {
		t.Errorf("after Regenerate: %d listed as current, RevokeOthers = %d, %v; want 1, 1, nil", current, revoked, err)
	}
	if n := listed(t, m, "alice"); n != 1 {
		t.Errorf("alice's sessions afterwards = %d; want 1, the regenerated one", n)
	}
}

// TestRebindAfterHeaders: binding a stored session to another owner after
// the headers went out needs no cookie, so it is saved.
func TestRebindAfterHeaders(t *testing.T) {
	m := newManager(t, core.Config{})
	c := loginAs(t, m, "alice")
	var err error
	c.Transport = inProcess{m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		_ = s.Owner()
		w.Write([]byte("body first"))
		s.SetOwner("bob")
		err = s.Save(r.Context())
	}))}
	resp, _ := fetch(t, c, "GET", "/rebind")
	if err != nil || len(resp.Header.Values("Set-Cookie")) != 0 {
		t.Errorf("rebind after the headers: Save = %v, Set-Cookie %q; want nil and none", err, resp.Header.Values("Set-Cookie"))
	}
	if a, b := listed(t, m, "alice"), listed(t, m, "bob"); a != 0 || b != 1 {
		t.Errorf("after the rebind alice has %d sessions, bob %d; want 0, 1", a, b)
	}
}

// TestOwnerEndsCoversExpiry: the owner's Ends, which a store may use to
// bound its index entries, never precedes the record's expiry, even when
// a later request lengthens the session's lifetime.
func TestOwnerEndsCoversExpiry(t *testing.T) {
	st, m := withStore(t, newMeteredStore(t), core.Config{MaxLifetime: 48 * time.Hour})
	var id string
	ck, _ := login(t, m, "v")
	serve(m.Handler(sessionFunc(func(s *core.Session) { s.SetOwner("alice"); id = s.ID() })), get("/bind", ck))
	serve(m.Handler(sessionFunc(func(s *core.Session) { s.SetLifetime(48 * time.Hour) })), get("/remember", ck))
	rec, found := st.Record(t, m, id)
	if !found || rec.Owner.ID != "alice" || rec.Owner.Ends.Before(rec.Expiry) {
		t.Errorf("record found %v, owner %q, Ends %v, Expiry %v; want alice's, Ends no earlier than Expiry", found, rec.Owner.ID, rec.Owner.Ends, rec.Expiry)
	}
}

// TestEvictionFollowsTheSave: a login past the cap that fails to save
// evicts nobody.
func TestEvictionFollowsTheSave(t *testing.T) {
	fs := newFailingStore(t)
	_, m := withStore(t, fs, core.Config{Owners: core.OwnerConfig{MaxSessions: 1}})
	loginAs(t, m, "alice")
	fs.Fail(true, "Save")
	var errs []error
	if resp, _ := fetch(t, newClient(t, ownerApp(m, &errs)), "GET", "/bind?u=alice"); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("login with the store failing = %d; want 500", resp.StatusCode)
	}
	fs.Fail(false, "Save")
	if n := listed(t, m, "alice"); n != 1 {
		t.Errorf("alice's sessions after a failed login past the cap = %d; want 1, none evicted", n)
	}
}

// listingBarrier is a store whose first n listings of an owner's sessions
// wait for each other, as logins racing on a shared store do: each sees
// the others' new sessions.
type listingBarrier struct {
	core.StoreWrapper
	arrived sync.WaitGroup
	calls   atomic.Int32
	n       int32
}

func (b *listingBarrier) Owned(ctx context.Context, owner string) ([]core.OwnedRecord, error) {
	if b.calls.Add(1) <= b.n {
		b.arrived.Done()
		b.arrived.Wait()
	}
	return b.StoreWrapper.Owned(ctx, owner)
}

// TestRacingLoginsKeepTheNewest: logins at the cap that commit at once,
// each seeing the others' sessions, do not sign each other out: the
// newest stays.
func TestRacingLoginsKeepTheNewest(t *testing.T) {
	for _, racers := range []int{2, 3} {
		mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
		t.Cleanup(func() { mem.Close() })
		b := &listingBarrier{StoreWrapper: core.WrapStore(mem), n: int32(racers)}
		b.arrived.Add(racers)
		m := newManager(t, core.Config{Store: b, Owners: core.OwnerConfig{MaxSessions: 1}})
		var wg sync.WaitGroup
		for range racers {
			wg.Go(func() { loginAs(t, m, "alice") })
		}
		wg.Wait()
		if n := listed(t, m, "alice"); n != 1 {
			t.Errorf("%d logins racing at a cap of 1 left %d sessions; want 1, the newest", racers, n)
		}
	}
}
