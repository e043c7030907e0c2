package core

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// planCase is one commit decision: a state, a config and whether touches
// are paused, and what the plan must say.
type planCase struct {
	name   string
	st     state
	cfg    Config
	paused bool

	op         writeOp
	cookie     cookieAction
	bestEffort bool
	makeRoom   bool
	refuse     error // errors.Is target; nil for none
	lost       bool
	retired    []string
	order      retirement
}

var planNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// stateWith builds a loaded, stored, clean session touched at touched.
func stateWith(touched time.Time, opts ...func(*state)) state {
	st := state{
		load:   stored,
		client: clientCurrent,
		ident:  identity{id: "id-0123456789abcdef", created: planNow.Add(-time.Hour), touched: touched},
		key:    "key",
		values: map[string][]byte{"a": []byte(`1`)},
	}
	for _, o := range opts {
		o(&st)
	}
	return st
}

func modified(st *state) {
	st.changes.set = map[string]struct{}{"a": {}}
	st.changes.del = map[string]struct{}{"gone": {}}
}

func sealedPhase(st *state) { st.phase = sealed }

var idle = Config{Lifetime: 24 * time.Hour, IdleTimeout: 10 * time.Minute, TouchInterval: time.Minute}

func TestPlan(t *testing.T) {
	recent, old := planNow.Add(-time.Second), planNow.Add(-5*time.Minute)
	errSticky := errors.New("sticky")
	tests := []planCase{
		{name: "clean session, touch not due", st: stateWith(recent), cfg: idle},
		{name: "clean session, no idle timeout", st: stateWith(old), cfg: Config{Lifetime: time.Hour, TouchInterval: time.Minute}},
		{name: "touch due", st: stateWith(old), cfg: idle, op: opTouch, bestEffort: true},
		{name: "touch due but paused after a failure", st: stateWith(old), cfg: idle, paused: true},
		{name: "explicit touch ignores the pause", st: stateWith(recent, func(s *state) { s.touch = touchForced }), cfg: idle, paused: true, op: opTouch},
		{name: "touch already attempted in this request", st: stateWith(old, func(s *state) { s.touch = touchAttempted }), cfg: idle},
		{name: "unloaded session due for a touch", st: stateWith(old, func(s *state) { s.load, s.values = unloaded, nil }), cfg: idle, op: opTouch, bestEffort: true},
		{name: "old secret re-signs", st: stateWith(recent, func(s *state) { s.client = clientStale }), cfg: idle, cookie: cookieIssue},
		{name: "rolling re-sends", st: stateWith(recent), cfg: Config{Lifetime: time.Hour, Rolling: true}, cookie: cookieIssue},
		{name: "fresh and untouched stores nothing", st: state{load: fresh}, cfg: idle},
		{name: "fresh with SaveUninitialized", st: state{load: fresh, key: "k"}, cfg: Config{Lifetime: time.Hour, SaveUninitialized: true}, op: opSave, cookie: cookieIssue},
		{name: "fresh and modified", st: stateWith(recent, modified, func(s *state) { s.load = fresh }), cfg: idle, op: opSave, cookie: cookieIssue},
		{name: "fresh and modified after the headers", st: stateWith(recent, modified, sealedPhase, func(s *state) { s.load = fresh }), cfg: idle, refuse: ErrHeadersSent},
		{name: "modified patches without a cookie", st: stateWith(recent, modified), cfg: idle, op: opPatch},
		{name: "modified and due re-sends", st: stateWith(old, modified), cfg: idle, op: opPatch, cookie: cookieIssue},
		{name: "lifetime change re-sends", st: stateWith(recent, func(s *state) { s.changes.meta = true }), cfg: idle, op: opPatch, cookie: cookieIssue},
		{name: "lifetime change after the headers is lost", st: stateWith(recent, sealedPhase, func(s *state) { s.changes.meta = true }), cfg: idle, op: opPatch, lost: true},
		{name: "patch after the headers keeps quiet", st: stateWith(old, modified, sealedPhase), cfg: idle, op: opPatch},
		{
			name: "regenerate saves whole and retires after",
			st:   stateWith(recent, func(s *state) { s.changes.regenerated, s.retired = true, []string{"old"} }),
			cfg:  idle, op: opSave, cookie: cookieIssue, makeRoom: true, retired: []string{"old"}, order: retireAfterSave,
		},
		{name: "regenerate after the headers", st: stateWith(recent, sealedPhase, func(s *state) { s.changes.regenerated = true }), cfg: idle, refuse: ErrHeadersSent},
		{
			name: "unowned sticky error refuses, a logout still retires first",
			st: stateWith(recent, modified, func(s *state) {
				s.fault = fault{err: errSticky}
				s.retired, s.retire = []string{"old"}, retireFirst
			}),
			cfg: idle, refuse: errSticky, retired: []string{"old"}, order: retireFirst,
		},
		{name: "owned sticky error commits the rest", st: stateWith(recent, modified, func(s *state) { s.fault = fault{err: errSticky, owned: true} }), cfg: idle, op: opPatch},
		{name: "owned load failure commits nothing", st: state{load: failed, fault: fault{err: ErrLoad, owned: true}, key: "k"}, cfg: idle},
		{name: "unowned load failure refuses", st: state{load: failed, fault: fault{err: ErrLoad}, key: "k"}, cfg: idle, refuse: ErrLoad},
		{
			name: "destroy before the headers retires first and clears",
			st:   state{load: fresh, cookie: cookieClear, retired: []string{"old"}, retire: retireFirst},
			cfg:  idle, retired: []string{"old"}, order: retireFirst,
		},
		{
			name: "destroy after the headers is lost",
			st:   state{load: fresh, cookie: cookieClear, retired: []string{"old"}, retire: retireFirst, phase: sealed},
			cfg:  idle, lost: true, retired: []string{"old"}, order: retireFirst,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.st
			p := st.plan(&tc.cfg, planNow, tc.paused)
			if p.op != tc.op {
				t.Errorf("op = %d; want %d", p.op, tc.op)
			}
			if p.cookie != tc.cookie {
				t.Errorf("cookie = %d; want %d", p.cookie, tc.cookie)
			}
			if p.bestEffort != tc.bestEffort || p.makeRoom != tc.makeRoom {
				t.Errorf("bestEffort, makeRoom = %v, %v; want %v, %v", p.bestEffort, p.makeRoom, tc.bestEffort, tc.makeRoom)
			}
			if (tc.refuse == nil) != (p.refuse == nil) || (tc.refuse != nil && !errors.Is(p.refuse, tc.refuse)) {
				t.Errorf("refuse = %v; want %v", p.refuse, tc.refuse)
			}
			if (p.lost != nil) != tc.lost || (p.lost != nil && !errors.Is(p.lost, ErrHeadersSent)) {
				t.Errorf("lost = %v; want an ErrHeadersSent: %v", p.lost, tc.lost)
			}
			if !slices.Equal(p.retired, tc.retired) || (len(tc.retired) > 0 && p.order != tc.order) {
				t.Errorf("retired = %v (order %d); want %v (order %d)", p.retired, p.order, tc.retired, tc.order)
			}
			if p.op == opTouch || p.op == opPatch {
				want := planNow.Add(tc.cfg.IdleTimeout)
				if tc.cfg.IdleTimeout == 0 {
					want = st.absolute(&tc.cfg)
				}
				if !p.expiry.Equal(want) {
					t.Errorf("expiry = %v; want %v", p.expiry, want)
				}
				if p.op == opPatch && !p.patch.Expiry.Equal(want) {
					t.Errorf("patch.Expiry = %v; want %v", p.patch.Expiry, want)
				}
			}
		})
	}
}

func TestPlanPatchCarriesOnlyChanges(t *testing.T) {
	st := stateWith(planNow, modified, func(s *state) { s.values["untouched"] = []byte(`2`) })
	p := st.plan(&idle, planNow, false)
	if len(p.patch.Set) != 1 || string(p.patch.Set["a"]) != "1" || !slices.Equal(p.patch.Delete, []string{"gone"}) {
		t.Errorf("patch = %+v; want Set {a: 1}, Delete [gone]", p.patch)
	}
}

func TestPlanExpiryStopsAtAbsoluteDeadline(t *testing.T) {
	st := stateWith(planNow.Add(-5*time.Minute), modified, func(s *state) {
		s.ident.created = planNow.Add(-24*time.Hour + time.Minute) // one minute left
	})
	p := st.plan(&idle, planNow, false)
	if want := planNow.Add(time.Minute); !p.expiry.Equal(want) {
		t.Errorf("expiry = %v; want the absolute deadline %v", p.expiry, want)
	}
	st.ident.lifetime = 48 * time.Hour // SetLifetime moved it
	if p = st.plan(&idle, planNow, false); !p.expiry.Equal(planNow.Add(idle.IdleTimeout)) {
		t.Errorf("expiry with a 48h lifetime = %v; want the idle deadline %v", p.expiry, planNow.Add(idle.IdleTimeout))
	}
}

func TestSettle(t *testing.T) {
	errDown := errors.New("store down")
	old := planNow.Add(-5 * time.Minute)
	tests := []struct {
		name     string
		st       state
		res      outcome
		notice   notice
		err      error
		load     loadState
		cookie   cookieAction
		touched  time.Time
		attempts bool // touch recorded as attempted
	}{
		{name: "touch written issues a cookie", st: stateWith(old), res: outcome{found: true, written: true}, load: stored, cookie: cookieIssue, touched: planNow, attempts: true},
		{name: "best-effort touch failure is a notice", st: stateWith(old), res: outcome{err: errDown}, notice: noticeTouchFailed, load: stored, touched: old, attempts: true},
		{name: "explicit touch failure is an error", st: stateWith(old, func(s *state) { s.touch = touchForced }), res: outcome{err: errDown}, err: errDown, load: stored, touched: old, attempts: true},
		{name: "touch finds nothing: fresh session", st: stateWith(old), res: outcome{}, load: fresh, touched: planNow, attempts: true},
		{name: "patch finds nothing: ended notice", st: stateWith(planNow, modified), res: outcome{}, notice: noticeEnded, load: fresh, touched: planNow},
		{name: "save stores and issues", st: state{load: fresh, key: "k", ident: identity{touched: old}, changes: changes{set: map[string]struct{}{"a": {}}}}, res: outcome{found: true, written: true}, load: stored, cookie: cookieIssue, touched: planNow},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.st
			p := st.plan(&idle, planNow, false)
			n, err := st.settle(&p, tc.res, planNow)
			if n != tc.notice || !errors.Is(err, tc.err) || (tc.err == nil && err != nil) {
				t.Errorf("settle = %d, %v; want %d, %v", n, err, tc.notice, tc.err)
			}
			if st.load != tc.load || st.cookie != tc.cookie {
				t.Errorf("load, cookie = %d, %d; want %d, %d", st.load, st.cookie, tc.load, tc.cookie)
			}
			if !st.ident.touched.Equal(tc.touched) {
				t.Errorf("touched = %v; want %v", st.ident.touched, tc.touched)
			}
			if (st.touch == touchAttempted) != tc.attempts {
				t.Errorf("touch state = %d; attempted want %v", st.touch, tc.attempts)
			}
			if tc.err == nil && st.changes.dirty() {
				t.Errorf("changes still dirty after a settled commit: %+v", st.changes)
			}
		})
	}
}
