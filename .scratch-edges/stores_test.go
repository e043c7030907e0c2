package scratch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2/memstore"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/pgstore"
	"github.com/sessionkit/sessionkit/stores/redisstore"
	"github.com/sessionkit/sessionkit/stores/scsstore"
)

var oddKeys = []string{`a'b`, `a"b`, `a\b`, `{}`, `-`, "é", "\xff", "\xfe", "a\x00b", "", "v:x", "m"}

type patcher interface {
	core.Store
	core.Patcher
}

func exercise(t *testing.T, name string, st core.Store) {
	ctx := context.Background()
	key := fmt.Sprintf("scratch-%d", time.Now().UnixNano())
	exp := time.Now().Add(time.Hour)
	for _, k := range oddKeys {
		k := k
		err := st.Save(ctx, key, core.Record{Values: map[string][]byte{k: []byte(`"v"`)}, Expiry: exp})
		if err != nil {
			t.Logf("%s: Save with value key %q: error %v", name, k, err)
			continue
		}
		rec, found, err := st.Load(ctx, key)
		if err != nil || !found {
			t.Logf("%s: Load %q: found=%v err=%v", name, k, found, err)
			continue
		}
		if _, ok := rec.Values[k]; !ok {
			t.Errorf("%s: value key %q round-tripped as %q", name, k, keysOf(rec.Values))
		}
		st.Delete(ctx, key)
	}
	// distinct invalid keys in one record
	err := st.Save(ctx, key, core.Record{Values: map[string][]byte{"\xff": []byte(`1`), "\xfe": []byte(`2`)}, Expiry: exp})
	if err == nil {
		rec, _, _ := st.Load(ctx, key)
		if len(rec.Values) != 2 {
			t.Errorf("%s: two distinct keys \\xff and \\xfe saved, loaded %d values: %q", name, len(rec.Values), keysOf(rec.Values))
		}
	}
	if p, ok := st.(core.Patcher); ok {
		st.Save(ctx, key, core.Record{Values: map[string][]byte{`a'b`: []byte(`1`), "\xff": []byte(`2`)}, Expiry: exp})
		found, err := p.Patch(ctx, key, core.Patch{Set: map[string][]byte{`q"x`: []byte(`3`)}, Delete: []string{`a'b`}, Expiry: exp})
		rec, _, _ := st.Load(ctx, key)
		t.Logf("%s: patch quotes: found=%v err=%v keys=%q", name, found, err, keysOf(rec.Values))
		found, err = p.Patch(ctx, key, core.Patch{Delete: []string{"\xff"}, Expiry: exp})
		rec, _, _ = st.Load(ctx, key)
		t.Logf("%s: patch delete \\xff: found=%v err=%v keys=%q", name, found, err, keysOf(rec.Values))
	}
	st.Delete(ctx, key)
}

func keysOf(m map[string][]byte) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

func TestOddKeysMemory(t *testing.T) {
	st := core.NewMemoryStore(core.MemoryStoreOptions{})
	defer st.Close()
	exercise(t, "memory", st)
}

func TestOddKeysPG(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	tbl := fmt.Sprintf("scratch_edges_%d", time.Now().UnixNano())
	st, err := pgstore.New(pool, pgstore.Options{Table: tbl, CleanupInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateTable(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer pool.Exec(context.Background(), `DROP TABLE "`+tbl+`"`)
	exercise(t, "pg", st)
}

func TestOddKeysRedis(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer c.Close()
	st, err := redisstore.New(c, redisstore.Options{Prefix: "scratch-edges:"})
	if err != nil {
		t.Fatal(err)
	}
	exercise(t, "redis", st)
}

func TestOddKeysSCS(t *testing.T) {
	m := memstore.New()
	defer m.StopCleanup()
	exercise(t, "scs", scsstore.New(m))
}
