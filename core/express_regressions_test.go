package core_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Regressions found by review of the Express modes, one test each.

// newMigrating returns a manager in ExpressMigrate over two memory
// stores, the Express one seeded with a session of id for ann.
func newMigrating(t *testing.T, id string, owner string) (*core.Manager, *meteredStore, *meteredStore) {
	t.Helper()
	old, native := newMeteredStore(t), newMeteredStore(t)
	rec := nodeRecord(time.Hour, time.Now().Add(time.Hour), map[string]string{"user": `"ann"`})
	rec.Owner = core.Owner{ID: owner, Created: time.Now(), Ends: time.Now().Add(time.Hour), Seen: time.Now()}
	if err := old.mem.Save(context.Background(), id, rec); err != nil {
		t.Fatal(err)
	}
	_, m := withStore(t, native, core.Config{Express: core.Express{Mode: core.ExpressMigrate, Secrets: [][]byte{expressSecret}, Store: old}})
	return m, old, native
}

func TestExpressMigrateReloadKeepsTheExpressSession(t *testing.T) {
	const id = "cmVsb2FkcmVsb2FkcmVsb2FkcmVsb2Fk"
	for _, tt := range []struct {
		name  string
		steps func(s *core.Session) string
	}{
		{"reload before use", func(s *core.Session) string {
			s.Reload(context.Background())
			return core.Key[string]("user").Get(s)
		}},
		{"reload after use, then a write", func(s *core.Session) string {
			core.Key[string]("user").Get(s)
			s.Reload(context.Background())
			core.Key[int]("cart").Set(s, 1)
			return core.Key[string]("user").Get(s)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m, old, native := newMigrating(t, id, "")
			var user string
			resp := serve(m.Handler(sessionFunc(func(s *core.Session) { user = tt.steps(s) })), get("/", expressCookie(id, expressSecret)))
			if user != "ann" {
				t.Errorf("user after Reload = %q; want ann, from the Express session", user)
			}
			if _, found := loadRaw(t, old.mem, id); found {
				t.Error("the Express record survived the move")
			}
			ck := sessionCookie(t, resp, core.DefaultCookieName)
			if !live(ck) {
				t.Fatal("no native cookie")
			}
			if n, _ := native.Count(context.Background()); n != 1 {
				t.Errorf("%d native records; want the moved one", n)
			}
		})
	}
}

func TestExpressMigrateRevokeOwnerReachesUnmovedSessions(t *testing.T) {
	const id = "dW5tb3ZlZHVubW92ZWR1bm1vdmVkdW5t"
	m, old, _ := newMigrating(t, id, "ann")
	list, err := m.OwnerSessions(context.Background(), "ann")
	if err != nil || len(list) != 1 {
		t.Errorf("OwnerSessions(ann) = %v, %v; want the Express session listed", list, err)
	}
	if n, err := m.RevokeOwner(context.Background(), "ann"); n != 1 || err != nil {
		t.Errorf("RevokeOwner(ann) = %d, %v; want 1", n, err)
	}
	if _, found := loadRaw(t, old.mem, id); found {
		t.Error("the Express session survived RevokeOwner")
	}
	var user string
	serve(m.Handler(sessionFunc(func(s *core.Session) { user = core.Key[string]("user").Get(s) })), get("/", expressCookie(id, expressSecret)))
	if user != "" {
		t.Errorf("after RevokeOwner the Express cookie still logs in as %q", user)
	}
}

func TestExpressMigrateLogoutEndsTheExpressSessionToo(t *testing.T) {
	const id = "Ym90aGNvb2tpZXNib3RoY29va2llc2Jv"
	m, old, _ := newMigrating(t, id, "")
	native, _ := login(t, m, "v") // a native session, with the Express cookie still in the jar
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) { s.Destroy() })), get("/", native, expressCookie(id, expressSecret)))
	if _, found := loadRaw(t, old.mem, id); found {
		t.Error("the Express session survived the logout")
	}
	if c := sessionCookie(t, resp, "connect.sid"); c == nil || c.MaxAge >= 0 {
		t.Errorf("connect.sid Set-Cookie = %v; want it cleared", c)
	}
}

func TestExpressMigrateIsNotNew(t *testing.T) {
	const id = "aXNuZXdpc25ld2lzbmV3aXNuZXdpc25l"
	m, _, _ := newMigrating(t, id, "")
	var isNew bool
	serve(m.Handler(sessionFunc(func(s *core.Session) { isNew = s.IsNew() })), get("/", expressCookie(id, expressSecret)))
	if isNew {
		t.Error("IsNew() = true for a session carrying the user's Express data")
	}
}

func TestExpressMigrateClearsACookieWhoseSessionIsGone(t *testing.T) {
	m, old, _ := newMigrating(t, "c29tZW9uZWVsc2Vzb21lb25lZWxzZXNv", "")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) { core.Key[string]("user").Get(s) })), get("/", expressCookie("Z29uZWdvbmVnb25lZ29uZWdvbmVnb25l", expressSecret)))
	if c := sessionCookie(t, resp, "connect.sid"); c == nil || c.MaxAge >= 0 {
		t.Errorf("connect.sid Set-Cookie = %v; want the dead cookie cleared, so it costs no more loads", c)
	}
	if old.Calls("Delete") != 0 {
		t.Error("a Delete was sent for a record that is not there")
	}
}

func TestExpressShareSessionOnlyKeepsNodesRememberMe(t *testing.T) {
	m, mem := newShared(t, core.Config{Cookie: core.CookieConfig{SessionOnly: true}})
	const id = "c2Vzc2lvbm9ubHlzZXNzaW9ub25seXNl"
	month := 30 * 24 * time.Hour
	if err := mem.Save(context.Background(), id, nodeRecord(month, time.Now().Add(month), nil)); err != nil {
		t.Fatal(err)
	}
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) { core.Key[int]("k").Set(s, 1) })), get("/", expressCookie(id, expressSecret)))
	if c := sessionCookie(t, resp, "connect.sid"); c == nil || c.Expires.IsZero() {
		t.Errorf("Set-Cookie %v; want Expires: the record's cookie has a 30-day maxAge", c)
	}
}

func TestExpressShareNeverSavesUnderAnEmptyKey(t *testing.T) {
	for _, tt := range []struct {
		name   string
		cfg    core.Config
		signer []byte
	}{
		{"rolling", core.Config{Rolling: true, SaveUninitialized: true}, expressSecret},
		{"re-signing", core.Config{SaveUninitialized: true}, expressSecret},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mem := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
			defer mem.Close()
			cfg := tt.cfg
			cfg.Logger = slog.New(slog.DiscardHandler)
			cfg.Express = core.Express{Mode: core.ExpressShare, Secrets: [][]byte{[]byte("the new secret"), expressSecret}, Store: mem}
			m, err := core.New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			resp := serve(m.Handler(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})), get("/", expressCookie("Z29uZXJlY29yZGdvbmVyZWNvcmRnb25l", tt.signer)))
			if _, found := loadRaw(t, mem, ""); found {
				t.Error("a record was saved under the empty key")
			}
			if c := sessionCookie(t, resp, "connect.sid"); c != nil && strings.HasPrefix(c.Value, "s%3A.") {
				t.Errorf("Set-Cookie %q names an empty ID", c.Value)
			}
		})
	}
}

func TestExpressShareForcedTouchFailureFailsTheRequest(t *testing.T) {
	st := newFailingStore(t)
	m, err := core.New(core.Config{Logger: slog.New(slog.DiscardHandler), Express: core.Express{Mode: core.ExpressShare, Secrets: [][]byte{expressSecret}, Store: st}})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	const id = "dG91Y2hmYWlsc3RvdWNoZmFpbHN0b3Vj"
	if err := st.mem.Save(context.Background(), id, nodeRecord(time.Hour, time.Now().Add(time.Hour), nil)); err != nil {
		t.Fatal(err)
	}
	st.Fail(true, "Load")
	resp := serve(m.Handler(sessionFunc(func(s *core.Session) { s.Touch() })), get("/", expressCookie(id, expressSecret)))
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("status %d; want 500: a failing explicit touch fails the request", resp.StatusCode)
	}
	if strings.Contains(body(t, resp), errBackend.Error()) {
		t.Error("the store's error text reached the client")
	}
}

func TestExpressShareShortMaxAgeIsTouchedInTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, mem := newShared(t, core.Config{TouchInterval: 5 * time.Minute})
		const id = "c2hvcnRtYXhhZ2VzaG9ydG1heGFnZXNo"
		if err := mem.Save(context.Background(), id, nodeRecord(2*time.Minute, time.Now().Add(2*time.Minute), map[string]string{"user": `"ann"`})); err != nil {
			t.Fatal(err)
		}
		for i := range 8 {
			time.Sleep(30 * time.Second)
			var user string
			serve(m.Handler(sessionFunc(func(s *core.Session) { user = core.Key[string]("user").Get(s) })), get("/", expressCookie(id, expressSecret)))
			if user != "ann" {
				t.Fatalf("request %d, every 30s: user = %q; want the 2-minute session kept alive by use", i+1, user)
			}
		}
	})
}

// TestExpressMigrateOwnersSurviveAnExpressOutage: with Express's store
// failing, the owner operations still work on the native sessions (the
// Express listing is best-effort and logged), and a capped login does
// not scan Express's store at all.
func TestExpressMigrateOwnersSurviveAnExpressOutage(t *testing.T) {
	old := newFailingStore(t)
	native := newMeteredStore(t)
	_, m := withStore(t, native, core.Config{
		Owners:  core.OwnerConfig{MaxSessions: 3, OnLimit: core.RefuseNew},
		Express: core.Express{Mode: core.ExpressMigrate, Secrets: [][]byte{expressSecret}, Store: old},
	})
	old.Fail(true, "Load", "Range", "Count")
	login := m.Handler(sessionFunc(func(s *core.Session) {
		s.Regenerate()
		s.SetOwner("ann")
	}))
	if resp := serve(login, get("/")); resp.StatusCode != http.StatusOK || !live(sessionCookie(t, resp, core.DefaultCookieName)) {
		t.Fatalf("a native login with MaxSessions = %d; want it to succeed without Express's store", resp.StatusCode)
	}
	if old.Calls("Range") != 0 {
		t.Errorf("a capped login scanned Express's store %d times; want none", old.Calls("Range"))
	}
	if n, err := m.RevokeOwner(context.Background(), "ann"); n != 1 || err != nil {
		t.Errorf("RevokeOwner(ann) = %d, %v; want the native session revoked", n, err)
	}
}

// TestExpressMigrateKnowsItsOwnRecord: a session still moving from an
// Express record bound to ann lists that record as current, and
// RevokeOthers leaves it alone.
func TestExpressMigrateKnowsItsOwnRecord(t *testing.T) {
	const id = "bXlvd25yZWNvcmRteW93bnJlY29yZG15"
	m, old, _ := newMigrating(t, id, "ann")
	var list []core.OwnedSession
	var revoked int
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		list, _ = s.OwnerSessions(context.Background())
		revoked, _ = s.RevokeOthers(context.Background())
	})), get("/", expressCookie(id, expressSecret)))
	if len(list) != 1 || !list[0].Current {
		t.Errorf("OwnerSessions = %+v; want this session, marked current", list)
	}
	if revoked != 0 {
		t.Errorf("RevokeOthers = %d; want 0: the only session is this one", revoked)
	}
	if _, found := loadRaw(t, old.mem, id); found {
		t.Error("the Express record survived the move")
	}
}

// TestExpressMigrateReloadAfterAFailedLoad: a handler that retries with
// Reload after Express's store failed gets the Express session.
func TestExpressMigrateReloadAfterAFailedLoad(t *testing.T) {
	const id = "cmV0cnlyZXRyeXJldHJ5cmV0cnlyZXRy"
	old := newFailingStore(t)
	rec := nodeRecord(time.Hour, time.Now().Add(time.Hour), map[string]string{"user": `"ann"`})
	if err := old.mem.Save(context.Background(), id, rec); err != nil {
		t.Fatal(err)
	}
	_, m := withStore(t, newMeteredStore(t), core.Config{Express: core.Express{Mode: core.ExpressMigrate, Secrets: [][]byte{expressSecret}, Store: old}})
	var user string
	serve(m.Handler(sessionFunc(func(s *core.Session) {
		old.Fail(true, "Load")
		if s.Err() == nil {
			t.Error("Err() = nil with Express's store down")
		}
		old.Fail(false, "Load")
		if err := s.Reload(context.Background()); err != nil {
			t.Errorf("Reload = %v", err)
		}
		user = core.Key[string]("user").Get(s)
	})), get("/", expressCookie(id, expressSecret)))
	if user != "ann" {
		t.Errorf("user after Reload = %q; want ann", user)
	}
}
