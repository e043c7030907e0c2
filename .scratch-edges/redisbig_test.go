package scratch

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

func TestRedisManyFields(t *testing.T) {
	c := redis.NewClient(&redis.Options{Addr: "127.0.0.1:6379", ContextTimeoutEnabled: true})
	defer c.Close()
	st, _ := redisstore.New(c, redisstore.Options{Prefix: "scratch-edges-big:"})
	ctx := context.Background()
	key := core.StoreKey("big")
	defer st.Delete(ctx, key)
	vals := map[string][]byte{}
	for i := 0; i < 9000; i++ {
		vals[fmt.Sprint("k", i)] = []byte(`1`)
	}
	if err := st.Save(ctx, key, core.Record{Values: vals, Expiry: time.Now().Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	p := core.Patch{Set: map[string][]byte{}, Expiry: time.Now().Add(time.Minute)}
	for i := 0; i < 9000; i++ {
		if i%2 == 0 {
			p.Delete = append(p.Delete, fmt.Sprint("k", i))
		} else {
			p.Set[fmt.Sprint("n", i)] = []byte(`2`)
		}
	}
	found, err := st.Patch(ctx, key, p)
	rec, _, _ := st.Load(ctx, key)
	t.Logf("patch found=%v err=%v; now %d values", found, err, len(rec.Values))
	if len(rec.Values) != 9000 {
		t.Errorf("got %d values; want 9000", len(rec.Values))
	}
}
