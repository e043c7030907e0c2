package scsstore

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/alexedwards/scs/v2/memstore"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
)

// TestCtxStoreReceivesContext runs on virtual time: each call waits for its
// 20ms deadline, which passes at once.
func TestCtxStoreReceivesContext(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st := NewIterable(waitingStore{})
		rec := core.Record{Values: vals("a", "1"), Expiry: time.Now().Add(time.Hour)}
		for name, op := range ops(st, storetest.NewKey(t), rec) {
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			err := op(ctx)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s = %v; want an error wrapping context.DeadlineExceeded from the Ctx method", name, err)
			}
		}
	})
}

func TestPlainStoreCanceledContext(t *testing.T) {
	t.Parallel()
	m := memstore.NewWithCleanupInterval(0)
	st := NewIterable(m)
	key := storetest.NewKey(t)
	rec := core.Record{Values: vals("a", "1"), Expiry: time.Now().Add(time.Hour)}
	if err := st.Save(testCtx(t), key, rec); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for name, op := range ops(st, key, rec) {
		if err := op(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a canceled context = %v; want an error wrapping context.Canceled", name, err)
		}
	}
	if _, found, _ := m.Find(key); !found {
		t.Error("a write with a canceled context reached the backend")
	}
}

// TestPlainStoreDeadlineDuringCall runs on virtual time: each call takes
// 50ms against a 10ms deadline, and both pass at once.
func TestPlainStoreDeadlineDuringCall(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		st := NewIterable(slowStore{memstore.NewWithCleanupInterval(0), 50 * time.Millisecond})
		rec := core.Record{Values: vals("a", "1"), Expiry: time.Now().Add(time.Hour)}
		for name, op := range ops(st, storetest.NewKey(t), rec) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			err := op(ctx)
			cancel()
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("%s outlasting its deadline = %v; want an error wrapping context.DeadlineExceeded", name, err)
			}
		}
	})
}

// ctxMemstore is an scs.CtxStore over memstore that honours its context, as
// a networked CtxStore does.
type ctxMemstore struct{ *memstore.MemStore }

func (m ctxMemstore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	return m.Find(token)
}

func (m ctxMemstore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return m.Commit(token, b, expiry)
}

func (m ctxMemstore) DeleteCtx(ctx context.Context, token string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return m.Delete(token)
}

func (m ctxMemstore) AllCtx(ctx context.Context) (map[string][]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return m.All()
}

// waitingStore is an scs.CtxStore whose Ctx methods wait for their context
// to end, as a call to an unresponsive server does. Its context-free methods
// fail at once, so a test can tell which ones were called.
type waitingStore struct{}

var errNoContext = errors.New("context-free method called on a CtxStore")

func (waitingStore) Find(string) ([]byte, bool, error)      { return nil, false, errNoContext }
func (waitingStore) Commit(string, []byte, time.Time) error { return errNoContext }
func (waitingStore) Delete(string) error                    { return errNoContext }
func (waitingStore) All() (map[string][]byte, error)        { return nil, errNoContext }

func (waitingStore) FindCtx(ctx context.Context, _ string) ([]byte, bool, error) {
	<-ctx.Done()
	return nil, false, ctx.Err()
}

func (waitingStore) CommitCtx(ctx context.Context, _ string, _ []byte, _ time.Time) error {
	<-ctx.Done()
	return ctx.Err()
}

func (waitingStore) DeleteCtx(ctx context.Context, _ string) error {
	<-ctx.Done()
	return ctx.Err()
}

func (waitingStore) AllCtx(ctx context.Context) (map[string][]byte, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// slowStore is a context-free scs store whose every call takes d. Tests use
// it on virtual time (testing/synctest), where the sleeps cost nothing.
type slowStore struct {
	m *memstore.MemStore
	d time.Duration
}

func (s slowStore) Find(token string) ([]byte, bool, error) {
	time.Sleep(s.d)
	return s.m.Find(token)
}

func (s slowStore) Commit(token string, b []byte, expiry time.Time) error {
	time.Sleep(s.d)
	return s.m.Commit(token, b, expiry)
}

func (s slowStore) Delete(token string) error {
	time.Sleep(s.d)
	return s.m.Delete(token)
}

func (s slowStore) All() (map[string][]byte, error) {
	time.Sleep(s.d)
	return s.m.All()
}

var (
	_ scs.CtxStore         = ctxMemstore{}
	_ scs.IterableCtxStore = ctxMemstore{}
	_ scs.CtxStore         = waitingStore{}
	_ scs.IterableCtxStore = waitingStore{}
)
