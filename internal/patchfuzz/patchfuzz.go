// Package patchfuzz checks a store against a model of the store contract
// (core/store.go) with programs of operations decoded from fuzz input: Save,
// Patch, Touch, Pop, Delete and Load on two records, every result compared
// with what the contract says the store must hold. Store packages call it
// from a testing.F target:
//
//	f.Fuzz(func(t *testing.T, program []byte) {
//		patchfuzz.Run(t, newStore(t), program)
//	})
package patchfuzz

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// maxOps bounds one program, so each fuzz execution stays short against a
// real server.
const maxOps = 32

// Keys are the session keys programs use: ordinary names, the empty key,
// non-ASCII text, and names that look like a store's own layout (a Redis
// hash keeps values under "v:"-prefixed fields beside a marker field "m").
var Keys = []string{"user", "flash", "", "m", "v:x", "ü", "a b\tc", "long-" + strings.Repeat("k", 200)}

// Values are the JSON values programs store besides generated strings: what
// encoding/json produces for ordinary and awkward data.
var Values = [][]byte{
	[]byte(`"alice"`),
	[]byte(`42`),
	[]byte(`{"a":[1,2,{"b":null}],"c":"d"}`),
	[]byte(`"\u0000"`),
	[]byte(`"\ud800"`),
	[]byte(`""`),
	[]byte(`true`),
	[]byte(`[]`),
	[]byte(`"é😀\u003cscript\u003e"`),
	[]byte(`{"\u0000":"nul key"}`),
	[]byte(`-1.5e-7`),
	[]byte(`null`),
}

// expiries are offsets from the program's start; the last is in the past,
// which ends the record.
var expiries = []time.Duration{time.Hour, 2 * time.Hour, 30 * time.Minute, -time.Second}

// Seeds are programs worth starting from: every operation on a live
// record, on a missing one and on one a past expiry ended, on both records.
func Seeds() [][]byte {
	const (
		user, flash, empty, marker, prefixed, umlaut, spaced, long = 0, 1, 2, 3, 4, 5, 6, 7
		alice, num, obj, nul, surrogate, blank, yes                = 0, 1, 2, 3, 4, 5, 6
		nulKey                                                     = 9
	)
	var seeds [][]byte
	add := func(build func(p *program)) {
		var p program
		build(&p)
		seeds = append(seeds, p)
	}
	add(func(p *program) {
		p.save(0, inHour, user, alice, flash, num)
		p.patch(0, in2h, []int{marker, obj}, []int{user})
		p.pop(0, flash)
		p.pop(0, flash)
		p.load(0)
	})
	add(func(p *program) { // a record never saved
		p.patch(0, inHour, []int{user, alice}, nil)
		p.touch(0, inHour)
		p.pop(0, user)
		p.del(0)
	})
	add(func(p *program) {
		p.save(1, inHour, marker, nul, prefixed, surrogate, empty, blank, umlaut, nulKey)
		p.patch(1, inHour, nil, []int{marker, prefixed, empty})
		p.pop(1, umlaut)
		p.patch(1, in30m, nil, nil) // an empty record stays
		p.load(1)
	})
	add(func(p *program) { // ended by a touch into the past
		p.save(0, inHour, user, alice)
		p.touch(0, past)
		p.patch(0, inHour, []int{flash, num}, nil)
		p.touch(0, inHour)
		p.pop(0, user)
	})
	add(func(p *program) { // ended by a patch into the past
		p.save(0, inHour, spaced, yes)
		p.patch(0, past, []int{user, alice}, nil)
		p.load(0)
		p.save(0, past, user, alice)
	})
	add(func(p *program) { // long generated values
		p.save(0, in2h, long, 200, user, 250)
		p.patch(0, inHour, []int{long, 255}, nil)
		p.pop(0, long)
		p.pop(0, user)
	})
	add(func(p *program) { // Save replaces the whole record
		p.save(0, inHour, user, alice, flash, num)
		p.save(0, in2h, spaced, yes)
		p.save(0, in30m)
		p.load(0)
	})
	add(func(p *program) { // two records stay apart
		p.save(0, inHour, user, alice)
		p.save(1, in2h, user, num)
		p.del(0)
		p.patch(1, inHour, []int{flash, obj}, []int{user})
		p.load(0)
		p.pop(1, flash)
	})
	return seeds
}

// Expiry choices, as indexes into expiries.
const (
	inHour = iota
	in2h
	in30m
	past
)

// program encodes operations the way decode reads them.
type program []byte

func (p *program) save(rec, expiry int, kv ...int) {
	*p = append(*p, byte(8*rec), byte(len(kv)/2), byte(expiry))
	for _, b := range kv {
		*p = append(*p, byte(b))
	}
}

func (p *program) patch(rec, expiry int, sets, dels []int) {
	*p = append(*p, byte(1+8*rec), byte(len(sets)/2+4*len(dels)+16*expiry))
	for _, b := range append(sets, dels...) {
		*p = append(*p, byte(b))
	}
}

func (p *program) touch(rec, expiry int) { *p = append(*p, byte(4+8*rec), byte(expiry)) }
func (p *program) pop(rec, key int)      { *p = append(*p, byte(5+8*rec), byte(key)) }
func (p *program) del(rec int)           { *p = append(*p, byte(6+8*rec)) }
func (p *program) load(rec int)          { *p = append(*p, byte(7+8*rec)) }

// op is one decoded operation.
type op struct {
	kind   opKind
	rec    int // which of the two records
	vals   map[string][]byte
	dels   []string
	name   string
	expiry time.Time
}

type opKind uint8

const (
	opSave opKind = iota
	opPatch
	opTouch
	opPop
	opDelete
	opLoad
)

func (o op) String() string {
	switch o.kind {
	case opSave:
		return fmt.Sprintf("Save(rec%d, %s, expiry %v)", o.rec, show(o.vals), o.expiry)
	case opPatch:
		return fmt.Sprintf("Patch(rec%d, set %s, delete %q, expiry %v)", o.rec, show(o.vals), o.dels, o.expiry)
	case opTouch:
		return fmt.Sprintf("Touch(rec%d, %v)", o.rec, o.expiry)
	case opPop:
		return fmt.Sprintf("Pop(rec%d, %.20q)", o.rec, o.name)
	case opDelete:
		return fmt.Sprintf("Delete(rec%d)", o.rec)
	}
	return fmt.Sprintf("Load(rec%d)", o.rec)
}

// show renders values with long ones shortened.
func show(vals map[string][]byte) string {
	var b strings.Builder
	b.WriteString("{")
	for i, k := range slices.Sorted(maps.Keys(vals)) {
		if i > 0 {
			b.WriteString(", ")
		}
		v := string(vals[k])
		if len(v) > 40 {
			v = fmt.Sprintf("%s…(%d bytes)", v[:40], len(v))
		}
		fmt.Fprintf(&b, "%.20q: %s", k, v)
	}
	b.WriteString("}")
	return b.String()
}

// reader hands out the program's bytes; past the end it reports done.
type reader struct {
	b    []byte
	done bool
}

func (r *reader) next() int {
	if len(r.b) == 0 {
		r.done = true
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return int(c)
}

func (r *reader) key() string { return Keys[r.next()%len(Keys)] }

func (r *reader) value() []byte {
	v := r.next()
	if v < len(Values) {
		return Values[v]
	}
	// A generated string, with characters JSON escapes, up to 4 KiB.
	unit := []string{"a", "<", `"`, "é", "\x00", "\n", "😀", "\\"}[v%8]
	b, _ := json.Marshal(strings.Repeat(unit, v*37%700))
	return b
}

func (r *reader) expiry(start time.Time) time.Time {
	return start.Add(expiries[r.next()%len(expiries)])
}

// decode turns fuzz bytes into at most maxOps operations. Expiries count
// from start.
func decode(data []byte, start time.Time) []op {
	r := &reader{b: data}
	var ops []op
	for len(ops) < maxOps {
		b := r.next()
		if r.done {
			break
		}
		o := op{rec: b / 8 % 2}
		switch b % 8 {
		case 0:
			o.kind = opSave
			n := r.next()
			o.expiry = r.expiry(start)
			o.vals = r.values(n % 5)
		case 1, 2, 3:
			o.kind = opPatch
			n := r.next()
			o.expiry = start.Add(expiries[n/16%len(expiries)])
			o.vals = r.values(n % 4)
			for range n / 4 % 4 {
				// A key is never both set and deleted (core.Patch).
				if k := r.key(); o.vals[k] == nil && !slices.Contains(o.dels, k) {
					o.dels = append(o.dels, k)
				}
			}
		case 4:
			o.kind = opTouch
			o.expiry = r.expiry(start)
		case 5:
			o.kind, o.name = opPop, r.key()
		case 6:
			o.kind = opDelete
		default:
			o.kind = opLoad
		}
		if r.done {
			break
		}
		ops = append(ops, o)
	}
	return ops
}

func (r *reader) values(n int) map[string][]byte {
	vals := make(map[string][]byte, n)
	for range n {
		k := r.key()
		vals[k] = r.value()
	}
	return vals
}

// newKey returns a fresh store key, shaped like the manager's.
func newKey() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// record is the model's view of one record.
type record struct {
	live   bool
	values map[string][]byte
	expiry time.Time
}

// Run runs the program data against s under two fresh record keys and
// checks every result, and every record after every operation, against
// the model. Pop runs only when s declares core.CanPop, Count only with
// core.CanIterate; then s must hold no other records. Run deletes both
// records when it ends.
func Run(t testing.TB, s core.Store, data []byte) {
	t.Helper()
	if err := run(t.Context(), s, data); err != nil {
		t.Fatal(err)
	}
}

func run(ctx context.Context, s core.Store, data []byte) (err error) {
	keys := [2]string{newKey(), newKey()}
	defer func() {
		for _, k := range keys {
			if derr := s.Delete(context.WithoutCancel(ctx), k); derr != nil && err == nil {
				err = fmt.Errorf("cleanup: Delete: %v", derr)
			}
		}
	}()
	caps := core.CapabilitiesOf(s)
	var model [2]record
	for i, o := range decode(data, time.Now()) {
		if o.kind == opPop && !caps.Has(core.CanPop) {
			continue
		}
		if err := apply(ctx, s, keys[o.rec], o, &model[o.rec]); err != nil {
			return fmt.Errorf("op %d, %v: %v", i, o, err)
		}
		for rec, want := range model {
			if err := check(ctx, s, keys[rec], want); err != nil {
				return fmt.Errorf("after op %d, %v: record %d: %v", i, o, rec, err)
			}
		}
	}
	if caps.Has(core.CanIterate) {
		return checkCount(ctx, s.(core.Iterator), model)
	}
	return nil
}

func checkCount(ctx context.Context, it core.Iterator, model [2]record) error {
	want := 0
	for _, m := range model {
		if m.live {
			want++
		}
	}
	if n, err := it.Count(ctx); err != nil || n != want {
		return fmt.Errorf("Count = %d, %v; want %d, nil", n, err, want)
	}
	return nil
}

// apply runs o against s and the model, and checks o's own result.
func apply(ctx context.Context, s core.Store, key string, o op, m *record) error {
	switch o.kind {
	case opPop:
		return pop(ctx, s.(core.Popper), key, o.name, m)
	case opLoad:
		return nil
	}
	found, err := call(ctx, s, key, o)
	if err != nil {
		return fmt.Errorf("error %v; want nil", err)
	}
	want := m.live
	m.update(o)
	if (o.kind == opPatch || o.kind == opTouch) && found != want {
		return fmt.Errorf("found = %v; want %v", found, want)
	}
	return nil
}

// call runs a Save, Patch, Touch or Delete.
func call(ctx context.Context, s core.Store, key string, o op) (found bool, err error) {
	switch o.kind {
	case opSave:
		return false, s.Save(ctx, key, core.Record{Values: maps.Clone(o.vals), Expiry: o.expiry})
	case opPatch:
		return s.(core.Patcher).Patch(ctx, key, core.Patch{Set: maps.Clone(o.vals), Delete: slices.Clone(o.dels), Expiry: o.expiry})
	case opTouch:
		return s.(core.Toucher).Touch(ctx, key, o.expiry)
	}
	return false, s.Delete(ctx, key)
}

// update applies a Save, Patch, Touch or Delete to the model. Patch and
// Touch change only a live record; an expiry in the past ends it.
func (m *record) update(o op) {
	switch o.kind {
	case opSave:
		*m = record{live: true, values: maps.Clone(o.vals), expiry: o.expiry}
	case opPatch:
		if m.live {
			maps.Copy(m.values, o.vals)
			for _, k := range o.dels {
				delete(m.values, k)
			}
			m.expiry = o.expiry
		}
	case opTouch:
		if m.live {
			m.expiry = o.expiry
		}
	case opDelete:
		*m = record{}
	}
	if m.live && !m.expiry.After(time.Now()) {
		*m = record{}
	}
}

func pop(ctx context.Context, p core.Popper, key, name string, m *record) error {
	v, found, err := p.Pop(ctx, key, name)
	want, ok := m.values[name]
	ok = ok && m.live
	switch {
	case err != nil:
		return fmt.Errorf("error %v; want nil", err)
	case found != ok || !bytes.Equal(v, want):
		return fmt.Errorf("= %q, %v; want %q, %v", v, found, want, ok)
	}
	delete(m.values, name)
	return nil
}

// check loads key and compares it with the model, expiries to the
// millisecond, the resolution stores keep.
func check(ctx context.Context, s core.Store, key string, want record) error {
	rec, found, err := s.Load(ctx, key)
	switch {
	case err != nil:
		return fmt.Errorf("Load: %v", err)
	case found != want.live:
		return fmt.Errorf("Load found = %v (%s); want %v", found, show(rec.Values), want.live)
	case !found:
		return nil
	case rec.Expiry.UnixMilli() != want.expiry.UnixMilli():
		return fmt.Errorf("Load expiry = %v; want %v", rec.Expiry, want.expiry)
	}
	if !maps.EqualFunc(rec.Values, want.values, bytes.Equal) && (len(rec.Values) != 0 || len(want.values) != 0) {
		return fmt.Errorf("Load values = %s; want %s", show(rec.Values), show(want.values))
	}
	return nil
}
