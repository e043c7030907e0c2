package leaktest

import (
	"context"
	"errors"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// Op is a set of store methods, the ones a scenario makes fail.
type Op uint32

// The store methods.
const (
	OpLoad Op = 1 << iota
	OpSave
	OpDelete
	OpPatch
	OpTouch
	OpPop
)

// splice is the store a scenario's manager uses: the backend's live store,
// except for the methods set to fail, which go to its broken store and so
// fail the way that store really fails. It declares the live store's
// capabilities.
type splice struct {
	core.StoreWrapper
	broken  core.Store
	failing atomic.Uint32 // an Op
}

func newSplice(b Backend) *splice {
	return &splice{StoreWrapper: core.WrapStore(b.Live), broken: b.Broken}
}

func (s *splice) fail(ops Op)      { s.failing.Store(uint32(ops)) }
func (s *splice) fails(op Op) bool { return Op(s.failing.Load())&op != 0 }

func (s *splice) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if s.fails(OpLoad) {
		return s.broken.Load(ctx, key)
	}
	return s.StoreWrapper.Load(ctx, key)
}

func (s *splice) Save(ctx context.Context, key string, rec core.Record) error {
	if s.fails(OpSave) {
		return s.broken.Save(ctx, key, rec)
	}
	return s.StoreWrapper.Save(ctx, key, rec)
}

func (s *splice) Delete(ctx context.Context, key string) error {
	if s.fails(OpDelete) {
		return s.broken.Delete(ctx, key)
	}
	return s.StoreWrapper.Delete(ctx, key)
}

func (s *splice) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if s.fails(OpPatch) {
		return s.broken.(core.Patcher).Patch(ctx, key, p)
	}
	return s.StoreWrapper.Patch(ctx, key, p)
}

func (s *splice) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if s.fails(OpTouch) {
		return s.broken.(core.Toucher).Touch(ctx, key, expiry)
	}
	return s.StoreWrapper.Touch(ctx, key, expiry)
}

func (s *splice) Pop(ctx context.Context, key, name string) ([]byte, bool, error) {
	if s.fails(OpPop) {
		return s.broken.(core.Popper).Pop(ctx, key, name)
	}
	return s.StoreWrapper.Pop(ctx, key, name)
}

// FailureText is the text of every error a Failing store returns.
const FailureText = "leaktest: store detail at db-internal.example:5432 that must stay private"

// ErrFailing is the error a Failing store returns.
var ErrFailing = errors.New(FailureText)

// Failing is a store whose every method fails with ErrFailing: the broken
// store for backends that have no server to cut off.
type Failing struct{}

// Load implements core.Store.
func (Failing) Load(context.Context, string) (core.Record, bool, error) {
	return core.Record{}, false, ErrFailing
}

// Save implements core.Store.
func (Failing) Save(context.Context, string, core.Record) error { return ErrFailing }

// Delete implements core.Store.
func (Failing) Delete(context.Context, string) error { return ErrFailing }

// Patch implements core.Patcher.
func (Failing) Patch(context.Context, string, core.Patch) (bool, error) { return false, ErrFailing }

// Touch implements core.Toucher.
func (Failing) Touch(context.Context, string, time.Time) (bool, error) { return false, ErrFailing }

// Pop implements core.Popper.
func (Failing) Pop(context.Context, string, string) ([]byte, bool, error) {
	return nil, false, ErrFailing
}

// ClosedAddr returns a loopback address nothing listens on: a client
// pointed at it fails every call with "connection refused", the way a
// store fails when its server is down.
func ClosedAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
