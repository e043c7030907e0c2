package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// ownerApp is a core.Manager over the store behind a real HTTP server,
// serving the owner operations; each device is a client with a jar of its
// own.
type ownerApp struct {
	t   *testing.T
	url string
	tr  *http.Transport

	mu     sync.Mutex
	owners map[string]bool // every owner logged in, revoked at the end
}

// startOwnerApp serves, behind a manager over s:
//
//	POST /login/{owner}  Regenerate and SetOwner
//	POST /relogin        Regenerate
//	POST /logout         Destroy
//	GET  /me             Owner
//	GET  /handle         Handle
//	GET  /list           JSON array of the listed handles, current first
//	POST /revoke/{h}     RevokeSession
//	POST /others         RevokeOthers, the count
func startOwnerApp(t *testing.T, s core.Store, owners core.OwnerConfig) *ownerApp {
	mgr, err := core.New(core.Config{Secrets: [][]byte{secret}, Store: s, IdleTimeout: idleTimeout, StoreTimeout: 10 * time.Second, Owners: owners,
		Logger: slog.New(slog.DiscardHandler)}) // the refused logins of ManagerOwnersCap fail by design
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	session := core.FromRequest
	mux.HandleFunc("POST /login/{owner}", func(w http.ResponseWriter, r *http.Request) {
		session(r).Regenerate()
		session(r).SetOwner(r.PathValue("owner"))
	})
	mux.HandleFunc("POST /relogin", func(w http.ResponseWriter, r *http.Request) { session(r).Regenerate() })
	mux.HandleFunc("POST /logout", func(w http.ResponseWriter, r *http.Request) { session(r).Destroy() })
	mux.HandleFunc("GET /me", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, session(r).Owner()) })
	mux.HandleFunc("GET /handle", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, session(r).Handle()) })
	mux.HandleFunc("GET /list", func(w http.ResponseWriter, r *http.Request) {
		list, err := session(r).OwnerSessions(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		var handles []string
		for _, o := range list {
			if o.Current {
				handles = append([]string{o.Handle}, handles...)
			} else {
				handles = append(handles, o.Handle)
			}
		}
		json.NewEncoder(w).Encode(handles)
	})
	mux.HandleFunc("POST /revoke/{h}", func(w http.ResponseWriter, r *http.Request) {
		if err := session(r).RevokeSession(r.Context(), r.PathValue("h")); err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
		}
	})
	mux.HandleFunc("POST /others", func(w http.ResponseWriter, r *http.Request) {
		n, err := session(r).RevokeOthers(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		fmt.Fprint(w, n)
	})
	srv := httptest.NewServer(mgr.Handler(mux))
	a := &ownerApp{t: t, url: srv.URL, tr: &http.Transport{}, owners: map[string]bool{}}
	t.Cleanup(func() {
		a.tr.CloseIdleConnections()
		srv.Close()
		// Every session the checks create is bound at login: revoking
		// the owners leaves the store as the suite found it.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		for owner := range a.owners {
			if _, err := mgr.RevokeOwner(ctx, owner); err != nil {
				t.Errorf("RevokeOwner(%q) at the end of the check = %v", owner, err)
			}
		}
		mgr.Close()
	})
	return a
}

// used records that owner has sessions, for the clean-up.
func (a *ownerApp) used(owner string) {
	a.mu.Lock()
	a.owners[owner] = true
	a.mu.Unlock()
}

// ownerDevice is one browser of an owner.
type ownerDevice struct {
	a *ownerApp
	c *http.Client
}

func (a *ownerApp) device() *ownerDevice {
	jar, err := cookiejar.New(nil)
	if err != nil {
		a.t.Fatal(err)
	}
	return &ownerDevice{a: a, c: &http.Client{Jar: jar, Transport: a.tr, Timeout: 30 * time.Second}}
}

// send makes one request and returns its status and body; safe from any
// goroutine.
func (d *ownerDevice) send(method, path string) (int, string, error) {
	req, err := http.NewRequest(method, d.a.url+path, nil)
	if err != nil {
		return 0, "", err
	}
	resp, err := d.c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), err
}

func (d *ownerDevice) do(method, path string) string {
	d.a.t.Helper()
	status, body, err := d.send(method, path)
	if err != nil || status != http.StatusOK {
		d.a.t.Fatalf("%s %s = %d %q, %v; want 200", method, path, status, body, err)
	}
	return body
}

func (d *ownerDevice) list() []string {
	d.a.t.Helper()
	var handles []string
	if err := json.Unmarshal([]byte(d.do("GET", "/list")), &handles); err != nil {
		d.a.t.Fatalf("GET /list: %v", err)
	}
	return handles
}

// login logs n new devices in as owner, one after another, a few
// milliseconds apart: stores keep times to the millisecond, and the
// order of logins decides which session a cap evicts.
func (a *ownerApp) login(owner string, n int) []*ownerDevice {
	a.t.Helper()
	a.used(owner)
	ds := make([]*ownerDevice, n)
	for i := range ds {
		if i > 0 {
			time.Sleep(3 * time.Millisecond)
		}
		ds[i] = a.device()
		ds[i].do("POST", "/login/"+owner)
	}
	return ds
}

// wantListed checks that d lists exactly the sessions of want, itself
// first as the current one.
func wantListed(t *testing.T, what string, d *ownerDevice, want ...*ownerDevice) {
	t.Helper()
	var handles []string
	for _, w := range want {
		handles = append(handles, w.do("GET", "/handle"))
	}
	got := d.list()
	if len(got) == 0 || len(handles) == 0 || got[0] != d.do("GET", "/handle") {
		t.Errorf("%s: listing %v does not start with the current session", what, got)
	}
	slices.Sort(got)
	slices.Sort(handles)
	if !slices.Equal(got, handles) {
		t.Errorf("%s: listed %v; want %v", what, got, handles)
	}
}

// testManagerOwners drives a manager over the store through the owner
// lifecycle: bind, list, Regenerate, Destroy, revoke one, revoke the
// others, and a foreign handle. It runs for stores the manager can list
// by owner: with CanIndexOwners, or by a scan with CanIterate.
func testManagerOwners(t *testing.T, s core.Store) {
	if !canList(s) {
		t.Skip("the store declares neither CanIndexOwners nor CanIterate: the manager cannot list by owner")
	}
	a := startOwnerApp(t, s, core.OwnerConfig{})
	owner, other := "owner-"+NewKey(t), "other-"+NewKey(t)
	ds := a.login(owner, 3)
	stranger := a.login(other, 1)[0]
	for i, d := range ds {
		wantListed(t, fmt.Sprintf("device %d after three logins", i), d, ds...)
	}
	old := ds[1].do("GET", "/handle")
	ds[1].do("POST", "/relogin")
	if got := ds[1].do("GET", "/me"); got != owner {
		t.Errorf("Owner() after Regenerate = %q; want %q", got, owner)
	}
	wantListed(t, "after a Regenerate", ds[0], ds...)
	if status, _, _ := ds[0].send("POST", "/revoke/"+old); status != http.StatusNotFound {
		t.Errorf("revoking the handle a Regenerate retired = %d; want 404", status)
	}
	if status, _, _ := stranger.send("POST", "/revoke/"+ds[0].do("GET", "/handle")); status != http.StatusNotFound {
		t.Errorf("another owner revoking a handle = %d; want 404", status)
	}
	ds[2].do("POST", "/logout")
	wantListed(t, "after a Destroy", ds[0], ds[0], ds[1])
	ds[0].do("POST", "/revoke/"+ds[1].do("GET", "/handle"))
	if got := ds[1].do("GET", "/me"); got != "" {
		t.Errorf("Owner() of a revoked session = %q; want \"\"", got)
	}
	more := a.login(owner, 2)
	if got := ds[0].do("POST", "/others"); got != "2" {
		t.Errorf("RevokeOthers = %s; want 2", got)
	}
	for _, d := range more {
		if got := d.do("GET", "/me"); got != "" {
			t.Errorf("Owner() after RevokeOthers = %q; want \"\"", got)
		}
	}
	wantListed(t, "after RevokeOthers", ds[0], ds[0])
	wantListed(t, "the other owner's", stranger, stranger)
}

// testManagerOwnersConcurrent races logins of one owner against
// revocations of the others; afterwards the listing holds exactly the
// sessions still logged in.
func testManagerOwnersConcurrent(t *testing.T, s core.Store) {
	if !canList(s) {
		t.Skip("the store declares neither CanIndexOwners nor CanIterate: the manager cannot list by owner")
	}
	a := startOwnerApp(t, s, core.OwnerConfig{})
	owner := "racer-" + NewKey(t)
	keeper := a.login(owner, 1)[0]
	const logins = 20
	ds := make([]*ownerDevice, logins)
	a.used(owner)
	var wg sync.WaitGroup
	for i := range ds {
		ds[i] = a.device()
		wg.Go(func() {
			if status, body, err := ds[i].send("POST", "/login/"+owner); err != nil || status != http.StatusOK {
				t.Errorf("concurrent login %d = %d %q, %v", i, status, body, err)
			}
		})
		if i%5 == 0 {
			wg.Go(func() {
				if status, body, err := keeper.send("POST", "/others"); err != nil || status != http.StatusOK {
					t.Errorf("concurrent RevokeOthers = %d %q, %v", status, body, err)
				}
			})
		}
	}
	wg.Wait()
	alive := []*ownerDevice{keeper}
	for _, d := range ds {
		if d.do("GET", "/me") == owner {
			alive = append(alive, d)
		}
	}
	wantListed(t, fmt.Sprintf("after %d logins raced revocations (%d survived)", logins, len(alive)-1), keeper, alive...)
	keeper.do("POST", "/others")
	wantListed(t, "after a last RevokeOthers", keeper, keeper)
}

// testManagerOwnersCap: with OwnerConfig.MaxSessions 2, a third login
// evicts the owner's oldest session, and with RefuseNew it fails and
// saves nothing.
func testManagerOwnersCap(t *testing.T, s core.Store) {
	if !canList(s) {
		t.Skip("the store declares neither CanIndexOwners nor CanIterate: the manager cannot list by owner")
	}
	a := startOwnerApp(t, s, core.OwnerConfig{MaxSessions: 2})
	owner := "capped-" + NewKey(t)
	ds := a.login(owner, 3)
	if got := ds[0].do("GET", "/me"); got != "" {
		t.Errorf("Owner() of the oldest session after a login past the cap = %q; want \"\" (evicted)", got)
	}
	wantListed(t, "after three logins under a cap of two", ds[2], ds[1], ds[2])

	strict := startOwnerApp(t, s, core.OwnerConfig{MaxSessions: 2, OnLimit: core.RefuseNew})
	owner = "strict-" + NewKey(t)
	ds = strict.login(owner, 2)
	late := strict.device()
	if status, _, err := late.send("POST", "/login/"+owner); err != nil || status != http.StatusInternalServerError {
		t.Errorf("a login past the cap with RefuseNew = %d, %v; want 500", status, err)
	}
	if got := late.do("GET", "/me"); got != "" {
		t.Errorf("Owner() of a refused login = %q; want \"\"", got)
	}
	wantListed(t, "after a refused login", ds[0], ds...)
}

func canList(s core.Store) bool {
	c := core.CapabilitiesOf(s)
	return c.Has(core.CanIndexOwners) || c.Has(core.CanIterate)
}
