package expressrec

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressjson"
)

// OwnerMember is the member that holds the record's owner.
const OwnerMember = expressjson.OwnerMember

// owner is core.Owner in OwnerMember, times in Unix milliseconds. Express
// sees it as a plain object property.
type owner struct {
	ID        string `json:"id"`
	Created   int64  `json:"created,omitempty"`
	Ends      int64  `json:"ends,omitempty"`
	Seen      int64  `json:"seen,omitempty"`
	UserAgent string `json:"userAgent,omitempty"`
	IP        string `json:"ip,omitempty"`
}

func milli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func bad(err error) error { return fmt.Errorf("%w: %w", core.ErrBadRecord, err) }

// Decode returns the values and owner of the record doc. Expiry is left
// zero: the store knows it. A document that is not a JSON object, or
// whose owner member is malformed, is an error wrapping core.ErrBadRecord.
func Decode(doc []byte) (core.Record, error) {
	vals, err := expressjson.Members(doc)
	if err != nil {
		return core.Record{}, bad(err)
	}
	rec := core.Record{Values: vals}
	if raw, ok := vals[OwnerMember]; ok {
		delete(vals, OwnerMember)
		if rec.Owner, err = parseOwner(raw); err != nil {
			return core.Record{}, err
		}
	}
	return rec, nil
}

func parseOwner(raw []byte) (core.Owner, error) {
	var o *owner
	if err := json.Unmarshal(raw, &o); err != nil {
		return core.Owner{}, bad(fmt.Errorf("member %s: %w", OwnerMember, err))
	}
	if o == nil || o.ID == "" {
		return core.Owner{}, nil
	}
	return core.Owner{ID: o.ID, Created: fromMilli(o.Created), Ends: fromMilli(o.Ends), Seen: fromMilli(o.Seen), UserAgent: o.UserAgent, IP: o.IP}, nil
}

func ownerJSON(o core.Owner) []byte {
	b, _ := json.Marshal(owner{ID: o.ID, Created: milli(o.Created), Ends: milli(o.Ends), Seen: milli(o.Seen), UserAgent: o.UserAgent, IP: o.IP})
	return b
}

// Encode returns the document for rec's values and owner. A value named
// OwnerMember is refused (it would be taken for the owner on the next
// Decode), as is one that is not JSON; the errors wrap core.ErrBadRecord.
func Encode(rec core.Record) ([]byte, error) {
	vals := rec.Values
	if _, ok := vals[OwnerMember]; ok {
		return nil, bad(fmt.Errorf("a value is named %s", OwnerMember))
	}
	if rec.Owner.Bound() {
		vals = make(map[string][]byte, len(rec.Values)+1)
		for k, v := range rec.Values {
			vals[k] = v
		}
		vals[OwnerMember] = ownerJSON(rec.Owner)
	}
	doc, err := expressjson.EncodeMembers(vals)
	if err != nil {
		return nil, bad(err)
	}
	return doc, nil
}

// Patch applies p's values to doc, leaving every other member as it was,
// and moves the owner's Seen to now when doc has an owner.
func Patch(doc []byte, p core.Patch, now time.Time) ([]byte, error) {
	for _, k := range p.Delete {
		if k == OwnerMember {
			return nil, bad(fmt.Errorf("a value is named %s", OwnerMember))
		}
	}
	if _, ok := p.Set[OwnerMember]; ok {
		return nil, bad(fmt.Errorf("a value is named %s", OwnerMember))
	}
	set, err := withSeen(doc, p.Set, now)
	if err != nil {
		return nil, err
	}
	out, err := expressjson.PatchMembers(doc, set, p.Delete)
	if err != nil {
		return nil, bad(err)
	}
	return out, nil
}

// withSeen returns set, plus the owner member with Seen moved to now if
// doc has an owner.
func withSeen(doc []byte, set map[string][]byte, now time.Time) (map[string][]byte, error) {
	rec, err := Decode(doc)
	if err != nil || !rec.Owner.Bound() {
		return set, err
	}
	o := rec.Owner
	o.Seen = now
	out := make(map[string][]byte, len(set)+1)
	for k, v := range set {
		out[k] = v
	}
	out[OwnerMember] = ownerJSON(o)
	return out, nil
}

// Touch returns doc with its owner's Seen moved to now, and whether doc
// changed: a record without an owner needs only its expiry moved, which
// a store does without rewriting the document.
func Touch(doc []byte, now time.Time) (out []byte, changed bool, err error) {
	set, err := withSeen(doc, nil, now)
	if err != nil || len(set) == 0 {
		return doc, false, err
	}
	if out, err = expressjson.PatchMembers(doc, set, nil); err != nil {
		return nil, false, bad(err)
	}
	return out, true, nil
}

// Pop removes the value name from doc and returns the new document and
// the value; found is false, and doc is returned as it was, when doc has
// no such value. The owner's Seen moves to now.
func Pop(doc []byte, name string, now time.Time) (out, value []byte, found bool, err error) {
	rec, err := Decode(doc)
	if err != nil {
		return nil, nil, false, err
	}
	value, found = rec.Values[name]
	if !found {
		return doc, nil, false, nil
	}
	out, err = Patch(doc, core.Patch{Delete: []string{name}}, now)
	return out, value, err == nil, err
}
