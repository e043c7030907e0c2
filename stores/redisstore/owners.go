package redisstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
)

// The owner fields of an owned session's hash. None starts with
// valuePrefix, so no session value can collide with them. Times are Unix
// milliseconds, "0" for the zero time. ownerGenField holds a random
// generation written by each Save, which the owner's index entry repeats
// (see unindexScript).
const (
	ownerIDField      = "o:id"
	ownerCreatedField = "o:c"
	ownerEndsField    = "o:n"
	ownerSeenField    = "o:s"
	ownerUAField      = "o:ua"
	ownerIPField      = "o:ip"
	ownerGenField     = "o:g"
)

// ownerFields are the fields ownedScript reads, in the order decodeOwner
// takes them.
var ownerFields = [...]string{ownerIDField, ownerCreatedField, ownerEndsField, ownerSeenField, ownerUAField, ownerIPField}

// luaFieldList is ownerFields as Lua string arguments.
var luaFieldList = "'" + strings.Join(ownerFields[:], "', '") + "'"

// ownerIndexInfix follows Prefix in an owner index's key, then the hex
// SHA-256 of the owner ID: 70 characters, which Range and Count, matching
// exactly 43 after Prefix, never take for a session.
const ownerIndexInfix = "owner:"

// ownerKey returns the Redis key of owner's index. The owner ID is hashed
// so that no key names a user.
func (s *Store) ownerKey(owner string) string {
	sum := sha256.Sum256([]byte(owner))
	return s.prefix + ownerIndexInfix + hex.EncodeToString(sum[:])
}

// msArg encodes t for a hash field or script: Unix milliseconds, "0" for
// the zero time.
func msArg(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

// fromMS decodes msArg; "" (a field absent) is the zero time too.
func fromMS(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	ms, err := strconv.ParseInt(v, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}, err
	}
	return time.UnixMilli(ms), nil
}

// usArg encodes t as Unix microseconds, "0" for the zero time: for
// Owner.Created, which orders an owner's sessions (newest first, oldest
// evicted first), so that logins within one millisecond still sort in
// the order they happened.
func usArg(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixMicro(), 10)
}

// fromUS decodes usArg; "" (a field absent) is the zero time too.
func fromUS(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	us, err := strconv.ParseInt(v, 10, 64)
	if err != nil || us == 0 {
		return time.Time{}, err
	}
	return time.UnixMicro(us), nil
}

// ownerArgs appends the owner field/value pairs of o, with generation
// gen, to args.
func ownerArgs(args []any, o core.Owner, gen string) []any {
	return append(args,
		ownerIDField, o.ID,
		ownerCreatedField, usArg(o.Created),
		ownerEndsField, msArg(o.Ends),
		ownerSeenField, msArg(o.Seen),
		ownerUAField, o.UserAgent,
		ownerIPField, o.IP,
		ownerGenField, gen,
	)
}

// decodeOwner builds an Owner from the values of ownerFields, in order;
// an empty ID is the zero Owner.
func decodeOwner(v [len(ownerFields)]string) (core.Owner, error) {
	if v[0] == "" {
		return core.Owner{}, nil
	}
	o := core.Owner{ID: v[0], UserAgent: v[4], IP: v[5]}
	var errs [3]error
	o.Created, errs[0] = fromUS(v[1])
	o.Ends, errs[1] = fromMS(v[2])
	o.Seen, errs[2] = fromMS(v[3])
	if err := errors.Join(errs[:]...); err != nil {
		return core.Owner{}, fmt.Errorf("unexpected owner time: %w", err)
	}
	return o, nil
}

// ownerFieldIndex maps each owner field to its place in ownerFields.
var ownerFieldIndex = func() map[string]int {
	m := make(map[string]int, len(ownerFields))
	for i, f := range ownerFields {
		m[f] = i
	}
	return m
}()

// newGeneration returns a fresh generation for an owned Save whose index
// entry is needed until until (as indexUntil returns it): until, a dot,
// and random text. Since the generation is the entry's value too, the
// index can tell an entry that has outlived its session's end from the
// entry alone (see indexScript and entryEnded).
func newGeneration(until string) string { return until + "." + rand.Text() }

// entryEnded reports whether the index entry value gen names a session
// whose end, by the application's clock now, has passed: its session
// cannot be live, whatever a Touch did since its Save, since a Touch
// never moves the expiry past Owner.Ends. An entry without an end never
// ends this way.
func entryEnded(gen string, now time.Time) bool {
	until, _, ok := strings.Cut(gen, ".")
	ms, err := strconv.ParseInt(until, 10, 64)
	return ok && err == nil && ms > 0 && ms < now.UnixMilli()
}

// binding is a session's owner as its hash records it: the owner ID and
// the generation of the Save that wrote it. The zero binding is no owner.
type binding struct {
	owner, gen string
}

// decodeBinding reads a {owner ID, generation} reply of saveScript or
// deleteScript.
func decodeBinding(res any, err error) (binding, error) {
	if err != nil {
		return binding{}, err
	}
	parts, ok := res.([]any)
	if !ok || len(parts) != 2 {
		return binding{}, fmt.Errorf("unexpected reply %T", res)
	}
	owner, _ := parts[0].(string)
	gen, _ := parts[1].(string)
	return binding{owner: owner, gen: gen}, nil
}

// reindexing is what a Save does to the owner indexes once the record is
// written: add the session to its new owner's index, drop it from its old
// owner's, both or neither.
type reindexing struct {
	add   binding // the entry to write; zero for none
	until string  // the least TTL the new owner's index needs, as msArg
	drop  binding // the entry to delete; zero for none
}

// planReindex decides the index writes of a Save that replaced a record
// bound as old by one bound as now, expiring at expiry.
func planReindex(old, now binding, o core.Owner, expiry time.Time) reindexing {
	var r reindexing
	if now.owner != "" {
		r.add = now
		r.until = indexUntil(o.Ends, expiry)
	}
	if old.owner != "" && old.owner != now.owner {
		r.drop = old
	}
	return r
}

// indexUntil returns the least TTL, as msArg, an index needs for an entry
// whose session ends at ends and expires at expiry: the later of the two,
// since a Touch can move the expiry up to ends without touching the
// index. Without an end (a record not saved by the manager) a Touch can
// move the expiry anywhere, so the index must not expire: "0".
func indexUntil(ends, expiry time.Time) string {
	if ends.IsZero() || expiry.IsZero() {
		return "0"
	}
	if expiry.After(ends) {
		ends = expiry
	}
	return msArg(ends)
}

// reindex carries out r for the session under key: one round trip, the
// two writes in one pipeline when both are needed. The drop is best
// effort: a stale entry is never listed (see Owned), so only a failed add
// is an error.
func (s *Store) reindex(ctx context.Context, key string, r reindexing) error {
	switch {
	case r.add.owner != "" && r.drop.owner != "":
		var add *redis.Cmd
		// Exec's error is the first failed command's; only add's counts.
		_, _ = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
			add = indexScript.Eval(ctx, p, []string{s.ownerKey(r.add.owner)}, key, r.add.gen, r.until, msArg(time.Now()))
			unindexScript.Eval(ctx, p, []string{s.ownerKey(r.drop.owner)}, key, r.drop.gen)
			return nil
		})
		return add.Err()
	case r.add.owner != "":
		return indexScript.Run(ctx, s.client, []string{s.ownerKey(r.add.owner)}, key, r.add.gen, r.until, msArg(time.Now())).Err()
	case r.drop.owner != "":
		s.unindex(ctx, key, r.drop)
	}
	return nil
}

// unindex deletes the index entry of the session under key bound as b,
// if it still holds b's generation. Best effort: a stale entry is never
// listed, and the next Owned of that owner prunes it.
func (s *Store) unindex(ctx context.Context, key string, b binding) {
	if b.owner != "" {
		_ = unindexScript.Run(ctx, s.client, []string{s.ownerKey(b.owner)}, key, b.gen).Err()
	}
}

// Owned implements core.OwnerIndex in two round trips: HGETALL of the
// owner's index, then one pipelined script per entry that reads the
// session's owner and expiry at one instant. It returns the sessions
// whose record is live, by the application's clock, and bound to owner,
// and never a session whose record has been deleted, has expired or is
// now bound to another owner or none, whatever the index says.
//
// In a third round trip, only when there are any, it prunes the entries
// whose record Redis says is gone or bound otherwise, and those whose
// session's end has passed (entryEnded). A record that has merely expired
// by the application's clock is left out but not pruned: a Touch racing
// this call may have just extended it, and Redis deletes it once it
// really expires, for the next Owned to prune. Its cost is in proportion
// to the owner's entries, never a scan.
func (s *Store) Owned(ctx context.Context, owner string) ([]core.OwnedRecord, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("redisstore: owned: %w", err)
	}
	index := s.ownerKey(owner)
	entries, err := s.client.HGetAll(ctx, index).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: owned: %w", err)
	}
	out := make([]core.OwnedRecord, 0, len(entries))
	if len(entries) == 0 {
		return out, nil
	}
	keys := make([]string, 0, len(entries))
	for k := range entries {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cmds := make([]*redis.Cmd, len(keys))
	// Exec's error repeats the first command's, including redis.Nil for
	// a session gone; each command is checked below.
	_, _ = s.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, k := range keys {
			cmds[i] = ownedScript.Eval(ctx, p, []string{s.redisKey(k)})
		}
		return nil
	})
	now := time.Now()
	var stale []any
	for i, cmd := range cmds {
		rec, found, err := decodeOwned(cmd.Result())
		if err != nil {
			return nil, fmt.Errorf("redisstore: owned: %w", err)
		}
		gen := entries[keys[i]]
		switch {
		case !found || rec.Owner.ID != owner || entryEnded(gen, now):
			stale = append(stale, keys[i], gen)
			continue
		case expired(rec.Expiry, now):
			continue
		}
		rec.Key = keys[i]
		out = append(out, rec)
	}
	if len(stale) > 0 {
		_ = unindexScript.Run(ctx, s.client, []string{index}, stale...).Err()
	}
	return out, nil
}

// decodeOwned interprets one reply of ownedScript; found is false for a
// session that is gone or has no owner.
func decodeOwned(res any, err error) (core.OwnedRecord, bool, error) {
	if errors.Is(err, redis.Nil) {
		return core.OwnedRecord{}, false, nil
	}
	if err != nil {
		return core.OwnedRecord{}, false, err
	}
	parts, ok := res.([]any)
	if !ok || len(parts) != 2 {
		return core.OwnedRecord{}, false, fmt.Errorf("unexpected reply %T", res)
	}
	ms, ok1 := parts[0].(int64)
	vals, ok2 := parts[1].([]any)
	if !ok1 || !ok2 || len(vals) != len(ownerFields) {
		return core.OwnedRecord{}, false, fmt.Errorf("unexpected reply %T, %T", parts[0], parts[1])
	}
	var v [len(ownerFields)]string
	for i, x := range vals {
		v[i], _ = x.(string) // nil: a field absent, as the zero time
	}
	o, err := decodeOwner(v)
	if err != nil {
		return core.OwnedRecord{}, false, err
	}
	rec := core.OwnedRecord{Owner: o}
	if ms > 0 { // -1: no TTL
		rec.Expiry = time.UnixMilli(ms)
	}
	return rec, true, nil
}
