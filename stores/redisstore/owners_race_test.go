package redisstore_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// TestOwnedSparesATouchedEntry: a Touch extends a session between Owned's
// check and its judgement, which then sees the old, passed expiry. Owned
// may leave the session out, but must not drop its entry: the session is
// live, and a later Owned lists it.
func TestOwnedSparesATouchedEntry(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	owner := "touched-" + storetest.NewKey(t)
	key := storetest.NewKey(t)
	exp := time.Now().Add(400 * time.Millisecond)
	if err := s.Save(ctx, key, ownedBy(owner, time.Now().Add(2*time.Hour), exp)); err != nil {
		t.Fatal(err)
	}
	hooked := sharedClient(t)
	hooked.AddHook(&saveBetween{fn: func() {
		if ok, err := s.Touch(ctx, key, time.Now().Add(time.Hour)); !ok || err != nil {
			t.Errorf("Touch between Owned's check and its judgement = %v, %v", ok, err)
		}
		time.Sleep(time.Until(exp) + 20*time.Millisecond) // the check's expiry has passed
	}})
	racing, err := redisstore.New(hooked, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	listed(t, racing, owner) // may or may not list it
	if got := listed(t, s, owner); !slices.Equal(got, []string{key}) {
		t.Errorf("Owned after the Touch = %v; want [%s]: the entry of a live session was pruned", got, key)
	}
}

// TestSaveDropsEndedEntries: an owner's index does not keep the entries
// of sessions that have ended, even when no one lists it: the next Save
// to the owner drops them.
func TestSaveDropsEndedEntries(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	s, prefix := newStore(t, client)
	ctx := context.Background()
	owner := "ended-" + storetest.NewKey(t)
	long := storetest.NewKey(t)
	if err := s.Save(ctx, long, ownedBy(owner, time.Now().Add(30*24*time.Hour), time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	end := time.Now().Add(150 * time.Millisecond)
	for range 5 {
		if err := s.Save(ctx, storetest.NewKey(t), ownedBy(owner, end, end)); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Until(end) + 20*time.Millisecond)
	last := storetest.NewKey(t)
	if err := s.Save(ctx, last, ownedBy(owner, time.Now().Add(time.Hour), time.Now().Add(time.Hour))); err != nil {
		t.Fatal(err)
	}
	keys, err := client.HKeys(ctx, indexKey(prefix, owner)).Result()
	slices.Sort(keys)
	if want := sortedKeys(long, last); err != nil || !slices.Equal(keys, want) {
		t.Errorf("index after a Save past five sessions' end = %v, %v; want only %v", keys, err, want)
	}
}

// cancelAfterSave cancels a context right after the save script runs, so
// that the index write which follows fails.
type cancelAfterSave struct{ cancel context.CancelFunc }

func (h cancelAfterSave) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h cancelAfterSave) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if name := cmd.Name(); name == "evalsha" || name == "eval" {
			h.cancel()
		}
		return err
	}
}
func (h cancelAfterSave) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// TestSaveRollsBackWhenTheIndexWriteIsCancelled: a Save whose context ends
// between its two writes fails and leaves no owned session that its
// owner's index lacks, though the context that failed cannot carry the
// rollback.
func TestSaveRollsBackWhenTheIndexWriteIsCancelled(t *testing.T) {
	t.Parallel()
	client := sharedClient(t)
	_, prefix := newStore(t, client)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	hooked := sharedClient(t)
	hooked.AddHook(cancelAfterSave{cancel})
	s, err := redisstore.New(hooked, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	owner, key := "cancelled-"+storetest.NewKey(t), storetest.NewKey(t)
	if err := s.Save(ctx, key, ownedBy(owner, time.Now().Add(2*time.Hour), time.Now().Add(time.Hour))); err == nil {
		t.Fatal("Save with its context cancelled between its writes = nil; want an error")
	}
	plain, err := redisstore.New(client, redisstore.Options{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	if _, found, err := plain.Load(context.Background(), key); found || err != nil {
		t.Errorf("Load after the failed Save = found %v, %v; want the record rolled back", found, err)
	}
}
