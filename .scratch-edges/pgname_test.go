package scratch

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

func TestPGWeirdTable(t *testing.T) {
	pool, err := pgxpool.New(context.Background(), "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	for _, name := range []string{`scratch_edges "q'; DROP TABLE x;--`, `public.Scratch_Edges\Mixed`} {
		st, err := pgstore.New(pool, pgstore.Options{Table: name, CleanupInterval: -1})
		if err != nil {
			t.Fatalf("%q: %v", name, err)
		}
		ctx := context.Background()
		if err := st.CreateTable(ctx); err != nil {
			t.Fatalf("%q: CreateTable: %v", name, err)
		}
		t.Run(name, func(t *testing.T) { storetest.Run(t, st) })
		k := core.StoreKey("x")
		st.Save(ctx, k, core.Record{Values: map[string][]byte{"a": []byte(`1`)}, Expiry: time.Now().Add(-time.Second)})
		n, err := st.Cleanup(ctx)
		t.Logf("%q: cleanup n=%d err=%v", name, n, err)
		st.Close()
		var id pgx.Identifier
		if i := len("public."); name[:min(len(name), i)] == "public." {
			id = pgx.Identifier{"public", name[i:]}
		} else {
			id = pgx.Identifier{name}
		}
		if _, err := pool.Exec(ctx, "DROP TABLE "+id.Sanitize()); err != nil {
			t.Errorf("drop %s: %v", id.Sanitize(), err)
		}
	}
}
