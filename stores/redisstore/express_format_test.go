package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/internal/expressjson"
	"github.com/sessionkit/sessionkit/internal/expressrec"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// connectRedisDoc is a record as connect-redis writes it, plus what
// JSON.stringify never writes but a store must still keep byte for byte:
// a number beyond float64, \u escapes, odd spacing.
const connectRedisDoc = `{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"},` +
	`"passport":{"user":"106"},"big":12345678901234567890,"msg":"caf\u00e9 \ud83d\ude00 \"hi\"\n",` +
	`"spaced" :  [ 1 ,{ "a" : null } ] }`

// connectRedisValues are connectRedisDoc's members, exactly.
var connectRedisValues = map[string]string{
	"cookie":   `{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"}`,
	"passport": `{"user":"106"}`,
	"big":      `12345678901234567890`,
	"msg":      `"caf\u00e9 \ud83d\ude00 \"hi\"\n"`,
	"spaced":   `[ 1 ,{ "a" : null } ]`,
}

// expressSet writes doc under prefix+key as connect-redis does, SET … EX,
// and returns the key.
func expressSet(t *testing.T, client redis.UniversalClient, prefix, doc string, ttl time.Duration) string {
	t.Helper()
	key := storetest.NewKey(t)
	if err := client.Set(context.Background(), prefix+key, doc, ttl).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	return key
}

// rawDoc returns the document under rkey and its PTTL.
func rawDoc(t *testing.T, client redis.UniversalClient, rkey string) (string, time.Duration) {
	t.Helper()
	ctx := context.Background()
	doc, err := client.Get(ctx, rkey).Result()
	if err != nil {
		t.Fatalf("GET: %v", err)
	}
	ttl, err := client.PTTL(ctx, rkey).Result()
	if err != nil {
		t.Fatalf("PTTL: %v", err)
	}
	return doc, ttl
}

// checkMembers fails t unless doc's members include want's, byte for byte.
func checkMembers(t *testing.T, op, doc string, want map[string]string) {
	t.Helper()
	got, err := expressjson.Members([]byte(doc))
	if err != nil {
		t.Fatalf("%s: document does not parse: %v", op, err)
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || string(g) != w {
			t.Errorf("%s: member %q = %s (present %v); want exactly %s", op, name, g, ok, w)
		}
	}
}

// checkRefreshedCookie checks a cookie member a Go write refreshed as
// Express's save does: connectRedisDoc's cookie with expires now plus
// its maxAge.
func checkRefreshedCookie(t *testing.T, op string, raw []byte, maxAge time.Duration) {
	t.Helper()
	c, err := expressjson.ParseCookie(raw)
	if err != nil || c.OriginalMaxAge == nil || *c.OriginalMaxAge != maxAge.Milliseconds() {
		t.Fatalf("%s: cookie member %s (%v); want maxAge %v kept", op, raw, err, maxAge)
	}
	if d := time.Until(c.Expires) - maxAge; d > 0 || d < -storetest.Tolerance {
		t.Errorf("%s: cookie expires in %v; want now plus its maxAge, %v", op, time.Until(c.Expires), maxAge)
	}
	want := strings.Replace(connectRedisValues["cookie"], `"2021-01-15T11:11:02.164Z"`, `"`+c.Expires.UTC().Format("2006-01-02T15:04:05.000Z")+`"`, 1)
	if string(raw) != want {
		t.Errorf("%s: cookie member = %s; want Node's with only expires moved: %s", op, raw, want)
	}
}

func checkTTL(t *testing.T, op string, got, want time.Duration) {
	t.Helper()
	// Expiries are absolute and rounded up to the millisecond, so the
	// PTTL may exceed want by that rounding.
	if got > want+2*time.Millisecond || got < want-storetest.Tolerance {
		t.Errorf("%s: PTTL = %v; want %v (+2ms) or up to %v less", op, got, want, storetest.Tolerance)
	}
}

// TestExpressReadsAndPatchesConnectRedisRecords: a record connect-redis
// wrote loads with every member's exact bytes and the key's TTL as its
// expiry, and a Patch of one value leaves every other member, the cookie
// included, byte for byte, adds no owner member to an unowned record, and
// sets the TTL it is given.
func TestExpressReadsAndPatchesConnectRedisRecords(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	ctx := context.Background()
	key := expressSet(t, client, prefix, connectRedisDoc, 2*time.Hour)

	rec, found, err := s.Load(ctx, key)
	if err != nil || !found {
		t.Fatalf("Load = %v, %v; want found", found, err)
	}
	if len(rec.Values) != len(connectRedisValues) {
		t.Errorf("Load: %d values; want %d", len(rec.Values), len(connectRedisValues))
	}
	for name, want := range connectRedisValues {
		if got := string(rec.Values[name]); got != want {
			t.Errorf("Load: value %q = %s; want exactly %s", name, got, want)
		}
	}
	if d := time.Until(rec.Expiry) - 2*time.Hour; d > 0 || d < -storetest.Tolerance {
		t.Errorf("Load: Expiry = %v from now; want the 2h TTL (within %v)", time.Until(rec.Expiry), storetest.Tolerance)
	}
	if rec.Owner.Bound() {
		t.Errorf("Load: Owner = %+v; want none", rec.Owner)
	}

	found, err = s.Patch(ctx, key, core.Patch{
		Set:    map[string][]byte{"views": []byte(`3`), "big": []byte(` 98765432109876543210 `)},
		Delete: []string{"spaced"},
		Expiry: time.Now().Add(time.Hour),
	})
	if err != nil || !found {
		t.Fatalf("Patch = %v, %v; want true, nil", found, err)
	}
	doc, ttl := rawDoc(t, client, prefix+key)
	want := map[string]string{"views": `3`, "big": `98765432109876543210`}
	for _, name := range []string{"passport", "msg"} {
		want[name] = connectRedisValues[name]
	}
	vals, err := expressjson.Members([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	checkRefreshedCookie(t, "after Patch", vals["cookie"], 2*time.Hour)
	want["cookie"] = string(vals["cookie"])
	checkMembers(t, "after Patch", doc, want)
	if strings.Contains(doc, `"spaced"`) {
		t.Errorf("after Patch: document %s still has the deleted member", doc)
	}
	if strings.Contains(doc, expressrec.OwnerMember) {
		t.Errorf("after Patch: document %s gained an owner member; the record is unowned", doc)
	}
	// Express's save sets the expiry from the record's own maxAge, 2h,
	// not from the patch's.
	checkTTL(t, "after Patch", ttl, 2*time.Hour)
}

// TestExpressTouchOfUnownedRecordOnlyMovesTTL: Touch leaves an unowned
// document as Express wrote it and sets the TTL as Express's touch does,
// to now plus the record's own maxAge (2h), whatever expiry it is given;
// a record without a cookie member takes the given expiry, exactly.
func TestExpressTouchOfUnownedRecordOnlyMovesTTL(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	ctx := context.Background()
	key := expressSet(t, client, prefix, connectRedisDoc, time.Minute)
	if found, err := s.Touch(ctx, key, time.Now().Add(90*time.Minute+250*time.Millisecond)); err != nil || !found {
		t.Fatalf("Touch = %v, %v; want true, nil", found, err)
	}
	doc, ttl := rawDoc(t, client, prefix+key)
	if doc != connectRedisDoc {
		t.Errorf("document after Touch = %s; want it untouched: %s", doc, connectRedisDoc)
	}
	checkTTL(t, "after Touch", ttl, 2*time.Hour)

	bare := expressSet(t, client, prefix, `{"a":1}`, time.Minute)
	if found, err := s.Touch(ctx, bare, time.Now().Add(90*time.Minute+250*time.Millisecond)); err != nil || !found {
		t.Fatalf("Touch = %v, %v; want true, nil", found, err)
	}
	_, ttl = rawDoc(t, client, prefix+bare)
	checkTTL(t, "after Touch of a record without a cookie", ttl, 90*time.Minute+250*time.Millisecond)
}

// TestExpressExpiryIsExact: Go writes the expiry it is given to the
// millisecond, not rounded up to the second as connect-redis does, and a
// zero expiry means no TTL for every write.
func TestExpressExpiryIsExact(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	ctx := context.Background()
	vals := map[string][]byte{"a": []byte(`1`)}
	const life = 90*time.Second + 300*time.Millisecond
	writes := []struct {
		name  string
		write func(key string, expiry time.Time) error
	}{
		{"Save", func(key string, expiry time.Time) error {
			return s.Save(ctx, key, core.Record{Values: vals, Expiry: expiry})
		}},
		{"Patch", func(key string, expiry time.Time) error {
			_, err := s.Patch(ctx, key, core.Patch{Set: vals, Expiry: expiry})
			return err
		}},
		{"Touch", func(key string, expiry time.Time) error {
			_, err := s.Touch(ctx, key, expiry)
			return err
		}},
	}
	for _, w := range writes {
		t.Run(w.name, func(t *testing.T) {
			key := expressSet(t, client, prefix, `{"a":0}`, time.Hour)
			if err := w.write(key, time.Now().Add(life)); err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			_, ttl := rawDoc(t, client, prefix+key)
			checkTTL(t, w.name, ttl, life)
			if err := w.write(key, time.Time{}); err != nil {
				t.Fatalf("%s with a zero expiry: %v", w.name, err)
			}
			if _, ttl := rawDoc(t, client, prefix+key); ttl != -1 {
				t.Errorf("%s with a zero expiry: PTTL = %v; want -1ns, no TTL", w.name, ttl)
			}
			rec, found, err := s.Load(ctx, key)
			if err != nil || !found || !rec.Expiry.IsZero() {
				t.Errorf("Load after %s with a zero expiry = Expiry %v, %v, %v; want zero, true, nil", w.name, rec.Expiry, found, err)
			}
		})
	}
}

// TestExpressOwnerSurvivesExpressSaves: the owner lives in the
// sessionkitOwner member, which Express keeps as a session property and
// writes back with its whole-object save.
func TestExpressOwnerSurvivesExpressSaves(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	ctx := context.Background()
	key := storetest.NewKey(t)
	owner := core.Owner{ID: "user-106", Created: time.UnixMilli(1_700_000_000_000), Seen: time.UnixMilli(1_700_000_000_000)}
	if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"cookie": []byte(`{"originalMaxAge":null,"expires":null}`)}, Expiry: time.Now().Add(time.Hour), Owner: owner}); err != nil {
		t.Fatalf("Save: %v", err)
	}
	doc, _ := rawDoc(t, client, prefix+key)
	checkMembers(t, "after Save", doc, map[string]string{"cookie": `{"originalMaxAge":null,"expires":null}`})
	if !strings.Contains(doc, `"`+expressrec.OwnerMember+`":{"id":"user-106"`) {
		t.Errorf("document after an owned Save = %s; want the owner in %s", doc, expressrec.OwnerMember)
	}
	// Express loads the session, sets a property and saves it whole.
	if err := expressWrite(ctx, client, prefix+key, "cart", `[1,2]`); err != nil {
		t.Fatal(err)
	}
	rec, found, err := s.Load(ctx, key)
	if err != nil || !found || rec.Owner.ID != owner.ID || !rec.Owner.Created.Equal(owner.Created) {
		t.Fatalf("Load after an Express save = Owner %+v, %v, %v; want %+v", rec.Owner, found, err, owner)
	}
	if string(rec.Values["cart"]) != `[1,2]` {
		t.Errorf("Load after an Express save: cart = %s; want [1,2]", rec.Values["cart"])
	}
	if _, ok := rec.Values[expressrec.OwnerMember]; ok {
		t.Errorf("Load: the owner member is also a value")
	}
	// An owned Touch rewrites the document to move Seen.
	before := time.Now()
	if found, err := s.Touch(ctx, key, time.Now().Add(time.Hour)); err != nil || !found {
		t.Fatalf("Touch = %v, %v", found, err)
	}
	if rec, _, _ = s.Load(ctx, key); rec.Owner.Seen.Before(before.Truncate(time.Millisecond)) {
		t.Errorf("Owner.Seen after Touch = %v; want %v or later", rec.Owner.Seen, before)
	}
}

// TestExpressPopKeepsTTLAndOtherMembers: Pop returns the member's exact
// bytes and leaves the TTL and the other members as they were.
func TestExpressPopKeepsTTLAndOtherMembers(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	key := expressSet(t, client, prefix, connectRedisDoc, 2*time.Hour)
	v, found, err := s.Pop(context.Background(), key, "msg")
	if err != nil || !found || string(v) != connectRedisValues["msg"] {
		t.Fatalf("Pop(msg) = %s, %v, %v; want %s, true, nil", v, found, err, connectRedisValues["msg"])
	}
	doc, ttl := rawDoc(t, client, prefix+key)
	want := map[string]string{}
	for name, v := range connectRedisValues {
		if name != "msg" {
			want[name] = v
		}
	}
	checkMembers(t, "after Pop", doc, want)
	if strings.Contains(doc, `"msg"`) {
		t.Errorf("after Pop: document %s still has the popped member", doc)
	}
	checkTTL(t, "after Pop", ttl, 2*time.Hour)
}

// TestExpressRejectsBadDocuments: a document that is not a JSON object is
// an error wrapping core.ErrBadRecord, without its text, and no write
// replaces it.
func TestExpressRejectsBadDocuments(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	ctx := context.Background()
	const secret = `not-json-secret-token`
	exp := time.Now().Add(time.Hour)
	ops := []struct {
		name string
		fn   func(key string) error
	}{
		{"Load", func(key string) error { _, _, err := s.Load(ctx, key); return err }},
		{"Patch", func(key string) error {
			_, err := s.Patch(ctx, key, core.Patch{Set: map[string][]byte{"a": []byte(`1`)}, Expiry: exp})
			return err
		}},
		{"Touch", func(key string) error { _, err := s.Touch(ctx, key, exp); return err }},
		{"Pop", func(key string) error { _, _, err := s.Pop(ctx, key, "a"); return err }},
	}
	for _, doc := range []string{secret, `["` + secret + `"]`, `{"` + secret + `"}`} {
		for _, op := range ops {
			key := expressSet(t, client, prefix, doc, time.Hour)
			err := op.fn(key)
			if !errors.Is(err, core.ErrBadRecord) || strings.Contains(err.Error(), secret) {
				t.Errorf("%s of %.20q… = %v; want an error wrapping ErrBadRecord, without the document", op.name, doc, err)
			}
			if got, _ := rawDoc(t, client, prefix+key); got != doc {
				t.Errorf("%s of a bad document rewrote it: %q", op.name, got)
			}
		}
	}
	if err := s.Save(ctx, storetest.NewKey(t), core.Record{Values: map[string][]byte{expressrec.OwnerMember: []byte(`1`)}, Expiry: exp}); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Save of a value named %s = %v; want an error wrapping ErrBadRecord", expressrec.OwnerMember, err)
	}
}

// TestExpressIteratorSkipsOtherTypes: Range and Count see only the string
// keys under the prefix, such as connect-redis writes, not the hashes of
// a Store sharing the prefix or any other type.
func TestExpressIteratorSkipsOtherTypes(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newExpressStore(t, client)
	ctx := context.Background()
	key := expressSet(t, client, prefix, connectRedisDoc, time.Hour)
	hashes, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if err := hashes.Save(ctx, storetest.NewKey(t), core.Record{Values: map[string][]byte{"a": []byte(`1`)}, Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := client.RPush(ctx, prefix+storetest.NewKey(t), "x").Err(); err != nil {
		t.Fatal(err)
	}
	// A record a Node app broke is skipped too, so it cannot break
	// every owner's listing; Load reports it.
	broken := expressSet(t, client, prefix, `{"cookie":{},`, time.Hour)
	if _, _, err := s.Load(ctx, broken); !errors.Is(err, core.ErrBadRecord) {
		t.Errorf("Load(broken) = %v; want ErrBadRecord", err)
	}
	if n, err := s.Count(ctx); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want 2 (the record and the broken one: Count reads no document), nil", n, err)
	}
	var seen []string
	if err := s.Range(ctx, func(k string, rec core.Record) bool {
		seen = append(seen, k)
		if !bytes.Equal(rec.Values["passport"], []byte(connectRedisValues["passport"])) {
			t.Errorf("Range: passport = %s; want %s", rec.Values["passport"], connectRedisValues["passport"])
		}
		return true
	}); err != nil {
		t.Fatalf("Range: %v", err)
	}
	if len(seen) != 1 || seen[0] != key {
		t.Errorf("Range visited %d keys; want only the Express record", len(seen))
	}
}
