package core_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// limitOp is one Set or Delete of a limits program.
type limitOp struct {
	del   bool
	key   string
	value string
}

func (o limitOp) String() string {
	if o.del {
		return fmt.Sprintf("Delete(%q)", o.key)
	}
	return fmt.Sprintf("Set(%q, %d×%.8q)", o.key, len([]rune(o.value)), o.value)
}

// Key names of different lengths: the key counts towards SessionBytes.
var limitKeys = []string{"a", "bb", "user", "flash", "k", "a-longer-key-name", "é", "x"}

// Characters whose JSON encoding is longer than they are: the limits
// count encoded bytes.
var limitChars = []string{"a", "<", "é", `"`, "\x00", "😀", "\n", "z"}

// decodeLimits reads a limits program: three bytes of limits, then pairs of
// bytes (op, size), each a Set or Delete, or the end of a request.
func decodeLimits(data []byte) (core.Limits, [][]limitOp) {
	const maxRequests, maxOps = 12, 40
	if len(data) < 3 {
		return core.Limits{}, nil
	}
	l := core.Limits{ValueBytes: 8 + int(data[0])%56, Keys: 1 + int(data[1])%6, SessionBytes: 16 + int(data[2])%160}
	reqs := [][]limitOp{nil}
	ops := 0
	for rest := data[3:]; len(rest) >= 2 && len(reqs) <= maxRequests && ops < maxOps; rest = rest[2:] {
		b, n := rest[0], int(rest[1])
		cur := &reqs[len(reqs)-1]
		switch b >> 6 {
		case 3:
			reqs = append(reqs, nil)
			continue
		case 2:
			*cur = append(*cur, limitOp{del: true, key: limitKeys[b&7]})
		default:
			*cur = append(*cur, limitOp{key: limitKeys[b&7], value: strings.Repeat(limitChars[b>>3&7], n%70)})
		}
		ops++
	}
	return l, reqs
}

// limitsModel is the documented rule: a Set fails, and with it the
// request, when its encoded value exceeds ValueBytes, when it adds a key
// beyond Keys, or when the session's keys and encoded values would exceed
// SessionBytes. Setting the bytes a key already holds changes nothing.
type limitsModel struct {
	l      core.Limits
	values map[string][]byte
}

// apply runs one request's ops on a copy of values and reports the result,
// whether any Set was refused, and whether anything changed.
func (m limitsModel) apply(values map[string][]byte, ops []limitOp) (out map[string][]byte, refused, dirty bool) {
	out = maps.Clone(values)
	if out == nil {
		out = map[string][]byte{}
	}
	for _, o := range ops {
		old, exists := out[o.key]
		if o.del {
			dirty = dirty || exists
			delete(out, o.key)
			continue
		}
		b, _ := json.Marshal(o.value)
		if exists && bytes.Equal(old, b) {
			continue
		}
		next := maps.Clone(out)
		next[o.key] = b
		if len(b) > m.l.ValueBytes || (!exists && len(out) >= m.l.Keys) || sessionBytes(next) > m.l.SessionBytes {
			refused = true
			continue
		}
		out, dirty = next, true
	}
	return out, refused, dirty
}

func sessionBytes(vals map[string][]byte) int {
	n := 0
	for k, v := range vals {
		n += len(k) + len(v)
	}
	return n
}

// within reports how vals breaks l, or "" when it is within l.
func within(l core.Limits, vals map[string][]byte) string {
	for k, v := range vals {
		if len(v) > l.ValueBytes {
			return fmt.Sprintf("value of %q is %d bytes > ValueBytes %d", k, len(v), l.ValueBytes)
		}
	}
	if len(vals) > l.Keys {
		return fmt.Sprintf("%d keys > Keys %d", len(vals), l.Keys)
	}
	if n := sessionBytes(vals); n > l.SessionBytes {
		return fmt.Sprintf("%d bytes > SessionBytes %d", n, l.SessionBytes)
	}
	return ""
}

// FuzzLimits runs sequences of requests, each setting and deleting keys of
// fuzzed sizes, against small Config.Limits, on a store that patches and
// on one that rewrites whole records. Property: a request either commits
// and the stored session is exactly its changes applied, within the
// limits, or it fails through the error path with ErrTooLarge, sends no
// cookie, and the stored record is exactly the last committed one:
// nothing truncated, nothing lost.
func FuzzLimits(f *testing.F) {
	set := func(key, char byte, n int) []byte { return []byte{char<<3 | key, byte(n)} }
	del := func(key byte) []byte { return []byte{2<<6 | key, 0} }
	end := []byte{3 << 6, 0}
	seed := func(limits []byte, parts ...[]byte) {
		f.Add(append(limits, bytes.Join(parts, nil)...))
	}
	// Limits 8+40=48-byte values, 1+3=4 keys, 16+112=128 bytes.
	lim := []byte{40, 3, 112}
	seed(lim, set(0, 0, 10), set(1, 0, 10), end, set(2, 0, 10), set(3, 0, 10), end, set(4, 0, 1)) // one key too many
	seed(lim, set(0, 0, 46), end, set(0, 0, 47))                                                  // a value of 48, then 49 bytes
	seed(lim, set(0, 1, 7), end, set(0, 1, 8))                                                    // "<" is 6 bytes encoded
	seed(lim, set(0, 0, 40), set(1, 0, 40), end, set(2, 0, 40), end, set(1, 0, 1), set(2, 0, 40)) // session bytes, room made by shrinking
	seed(lim, set(0, 0, 20), set(1, 0, 20), set(2, 0, 20), set(3, 0, 20), end, del(0), set(4, 0, 20), end, set(5, 0, 60))
	seed(lim, set(5, 5, 69), end, set(0, 0, 1))                                         // too large on a new session: nothing stored
	seed(lim, set(0, 0, 5), end, set(0, 0, 5), end, set(0, 4, 5), set(0, 0, 5), del(1)) // unchanged, refused, restored
	seed([]byte{0, 0, 0}, set(7, 2, 3), end, set(6, 6, 2))                              // the smallest limits

	f.Fuzz(func(t *testing.T, program []byte) {
		limits, reqs := decodeLimits(program)
		if reqs == nil {
			return
		}
		stores := []struct {
			name string
			wrap func(*meteredStore) core.Store
		}{
			{"patching store", func(m *meteredStore) core.Store { return m }},
			{"whole-record store", func(m *meteredStore) core.Store { return wholeRecordStore{m} }},
		}
		for _, sc := range stores {
			runLimits(t, sc.name, sc.wrap, limits, reqs)
		}
	})
}

func runLimits(t *testing.T, name string, wrap func(*meteredStore) core.Store, l core.Limits, reqs [][]limitOp) {
	var (
		ops    []limitOp
		lastID string
		errs   []error
	)
	st := newMeteredStore(t)
	m := newManager(t, core.Config{Store: wrap(st), Limits: l, ErrorHandler: func(w http.ResponseWriter, _ *http.Request, err error) {
		errs = append(errs, err)
		http.Error(w, "session failure", http.StatusInternalServerError)
	}})
	h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		for _, o := range ops {
			if o.del {
				core.Key[string](o.key).Delete(s)
			} else {
				core.Key[string](o.key).Set(s, o.value)
			}
		}
		lastID = s.ID()
	}))
	model := limitsModel{l: l}
	var (
		ck      *http.Cookie
		id      string // the stored session's ID, once one is stored
		stored  bool
		history []string
	)
	for i, req := range reqs {
		ops = req
		history = append(history, fmt.Sprint(req))
		errs = nil
		rec := serve(h, get("/", ck))
		want, refused, dirty := model.apply(model.values, req)
		where := fmt.Sprintf("%s, limits %+v, request %d of %q", name, l, i, history)
		if refused {
			if rec.StatusCode != http.StatusInternalServerError || len(errs) != 1 || !errors.Is(errs[0], core.ErrTooLarge) {
				t.Fatalf("%s: status %d, errors %v; want 500 and one error wrapping ErrTooLarge", where, rec.StatusCode, errs)
			}
			if c := sessionCookie(t, rec, core.DefaultCookieName); c != nil {
				t.Fatalf("%s: refused request sent cookie %v; want none", where, c)
			}
		} else {
			if rec.StatusCode != http.StatusOK || len(errs) != 0 {
				t.Fatalf("%s: status %d, errors %v; want 200 and no error", where, rec.StatusCode, errs)
			}
			model.values = want
			if c := sessionCookie(t, rec, core.DefaultCookieName); live(c) {
				ck = c
			}
			if dirty && !stored {
				id, stored = lastID, true
			}
		}
		checkStored(t, where, st, m, l, id, stored, model.values)
	}
}

func checkStored(t *testing.T, where string, st *meteredStore, m *core.Manager, l core.Limits, id string, stored bool, want map[string][]byte) {
	t.Helper()
	if !stored {
		if n := st.Writes(); n != 0 {
			t.Fatalf("%s: %d store writes; want none before a request commits a change", where, n)
		}
		return
	}
	rec, found := st.Record(t, m, id)
	switch {
	case !found:
		t.Fatalf("%s: the committed session is gone from the store", where)
	case !maps.EqualFunc(rec.Values, want, bytes.Equal):
		t.Fatalf("%s: stored %q; want exactly the last committed %q", where, rec.Values, want)
	}
	if why := within(l, rec.Values); why != "" {
		t.Fatalf("%s: stored session breaks the limits: %s", where, why)
	}
}
