package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// The memory store's own costs, without the manager: a session with one
// small value, the benchmarks' shape.

func benchMemoryStore(b *testing.B) (*core.MemoryStore, core.Record) {
	s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	b.Cleanup(func() { s.Close() })
	rec := core.Record{Values: map[string][]byte{"n": []byte("1")}, Expiry: time.Now().Add(time.Hour)}
	if err := s.Save(context.Background(), "k", rec); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	return s, rec
}

// BenchmarkMemoryLoad reads a session in use, as every read after its first.
func BenchmarkMemoryLoad(b *testing.B) {
	s, _ := benchMemoryStore(b)
	ctx := context.Background()
	for b.Loop() {
		if _, found, _ := s.Load(ctx, "k"); !found {
			b.Fatal("not found")
		}
	}
}

// BenchmarkMemorySaveLoad writes a session and reads it back: the first
// read after a write that replaces the whole record.
func BenchmarkMemorySaveLoad(b *testing.B) {
	s, rec := benchMemoryStore(b)
	ctx := context.Background()
	for b.Loop() {
		_ = s.Save(ctx, "k", rec)
		if _, found, _ := s.Load(ctx, "k"); !found {
			b.Fatal("not found")
		}
	}
}

// BenchmarkMemoryPatchLoad patches a session in use and reads it back, as
// the manager's write path does.
func BenchmarkMemoryPatchLoad(b *testing.B) {
	s, rec := benchMemoryStore(b)
	ctx := context.Background()
	p := core.Patch{Set: map[string][]byte{"n": []byte("2")}, Expiry: rec.Expiry}
	for b.Loop() {
		_, _ = s.Patch(ctx, "k", p)
		if _, found, _ := s.Load(ctx, "k"); !found {
			b.Fatal("not found")
		}
	}
}
