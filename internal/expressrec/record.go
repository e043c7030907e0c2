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
// zero: the store knows it. A document that is not a JSON object is an
// error wrapping core.ErrBadRecord; a malformed owner member reads as no
// owner.
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

// parseOwner reads the owner member. Node code can write any property of
// its session, so a member that is not an owner (a string, a number, an
// object of other shape) reads as no owner rather than as a record Go
// cannot load; the next whole save drops it.
func parseOwner(raw []byte) (core.Owner, error) {
	var o *owner
	if err := json.Unmarshal(raw, &o); err != nil || o == nil || o.ID == "" {
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
// moves the owner's Seen to now when doc has an owner, and returns the
// record's new expiry, which is Express's: a save sets the cookie
// member's expires to now plus its maxAge, so the record's own cookie
// member (as stored now, a concurrent Node change to its maxAge
// included) is refreshed that way and its expires is the expiry, unless
// p sets the cookie member, whose expires then counts. A record without a
// cookie member, or whose cookie has no maxAge (a browser-session
// cookie), takes p.Expiry.
func Patch(doc []byte, p core.Patch, now time.Time) ([]byte, time.Time, error) {
	for _, k := range p.Delete {
		if k == OwnerMember {
			return nil, time.Time{}, bad(fmt.Errorf("a value is named %s", OwnerMember))
		}
	}
	if _, ok := p.Set[OwnerMember]; ok {
		return nil, time.Time{}, bad(fmt.Errorf("a value is named %s", OwnerMember))
	}
	rec, err := Decode(doc)
	if err != nil {
		return nil, time.Time{}, err
	}
	set := withSeen(rec, p.Set, now)
	set, expiry := withCookie(rec, set, now, p.Expiry)
	out, err := expressjson.PatchMembers(doc, set, p.Delete)
	if err != nil {
		return nil, time.Time{}, bad(err)
	}
	return out, expiry, nil
}

// cookieMember is the member holding an Express session's cookie.
const cookieMember = "cookie"

// withCookie returns set with the record's cookie member refreshed as an
// Express save refreshes it, unless set has one, and the expiry that
// cookie gives (fallback when it gives none).
func withCookie(rec core.Record, set map[string][]byte, now, fallback time.Time) (map[string][]byte, time.Time) {
	if raw, ok := set[cookieMember]; ok {
		if c, err := expressjson.ParseCookie(raw); err == nil && !c.Expires.IsZero() {
			return set, c.Expires
		}
		return set, fallback
	}
	c, ok := maxAgeCookie(rec)
	if !ok {
		return set, fallback
	}
	c = c.Touch(now)
	raw, err := c.AppendJSON(nil)
	if err != nil {
		return set, fallback
	}
	out := make(map[string][]byte, len(set)+1)
	for k, v := range set {
		out[k] = v
	}
	out[cookieMember] = raw
	return out, c.Expires
}

// maxAgeCookie returns the record's cookie member if it parses and has a
// maxAge.
func maxAgeCookie(rec core.Record) (expressjson.Cookie, bool) {
	raw, ok := rec.Values[cookieMember]
	if !ok {
		return expressjson.Cookie{}, false
	}
	c, err := expressjson.ParseCookie(raw)
	return c, err == nil && c.OriginalMaxAge != nil
}

// withSeen returns set, plus the owner member with Seen moved to now if
// rec has an owner.
func withSeen(rec core.Record, set map[string][]byte, now time.Time) map[string][]byte {
	if !rec.Owner.Bound() {
		return set
	}
	o := rec.Owner
	o.Seen = now
	out := make(map[string][]byte, len(set)+1)
	for k, v := range set {
		out[k] = v
	}
	out[OwnerMember] = ownerJSON(o)
	return out
}

// Touch returns doc with its owner's Seen moved to now, whether doc
// changed (a record without an owner needs only its expiry moved, which a
// store does without rewriting the document), and the record's new
// expiry: as Express's touch computes it, now plus the maxAge of the
// record's cookie member as stored now, or expiry for a record without
// one. Like connect-redis's and connect-pg-simple's touch, it leaves the
// cookie member's expires as it was.
func Touch(doc []byte, now, expiry time.Time) (out []byte, changed bool, newExpiry time.Time, err error) {
	rec, err := Decode(doc)
	if err != nil {
		return nil, false, time.Time{}, err
	}
	if c, ok := maxAgeCookie(rec); ok {
		expiry = c.Touch(now).Expires
	}
	set := withSeen(rec, nil, now)
	if len(set) == 0 {
		return doc, false, expiry, nil
	}
	if out, err = expressjson.PatchMembers(doc, set, nil); err != nil {
		return nil, false, time.Time{}, bad(err)
	}
	return out, true, expiry, nil
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
	if out, err = expressjson.PatchMembers(doc, withSeen(rec, nil, now), []string{name}); err != nil {
		return nil, nil, false, bad(err)
	}
	return out, value, true, nil
}
