package redisstore_test

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/redisstore"
)

// BenchmarkServerCost measures what each store operation costs Redis, on a
// private redis-server so that nothing else shows in its statistics:
// round trips the client makes (rtt/op), commands Redis executes
// (cmds/op, counting a script's or a transaction's inner commands) and
// the microseconds Redis spends in them (usec/op-server, INFO
// commandstats summed over every command, so a script's own time and its
// inner commands' both count, as do EXEC's and its queued commands').
// top-usec/op-server counts only the commands the client sent itself
// (EVALSHA, MULTI and EXEC, or the plain command), without the inner
// ones. The scs-GET and scs-SET cases are what scs's goredisstore sends
// for a read and a write of a session of about 100 bytes, the baseline.
//
// Run it with a fixed count, so every case does the same work:
//
//	go test -run '^$' -bench ServerCost -benchtime 10000x .
func BenchmarkServerCost(b *testing.B) {
	requireBinaries(b)
	srv := startServer(b, freePort(b), b.TempDir(), "--appendonly", "no")
	rtt := &roundTrips{}
	client := redis.NewClient(&redis.Options{Addr: srv.addr, ContextTimeoutEnabled: true, PoolSize: 1})
	client.AddHook(rtt)
	b.Cleanup(func() { client.Close() })
	s, err := redisstore.New(client, redisstore.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	value := []byte(`"` + strings.Repeat("x", 98) + `"`)
	exp := time.Now().Add(time.Hour)
	newSession := func(b *testing.B) string {
		key := storetest.NewKey(b)
		if err := s.Save(ctx, key, core.Record{Values: map[string][]byte{"user": value}, Expiry: exp}); err != nil {
			b.Fatal(err)
		}
		return key
	}
	cases := []struct {
		name string
		// setup runs before the statistics are reset; op runs b.N times.
		setup func(b *testing.B) func(i int) error
	}{
		{"Load", func(b *testing.B) func(int) error {
			key := newSession(b)
			return func(int) error {
				_, found, err := s.Load(ctx, key)
				return check(found, err)
			}
		}},
		{"Patch", func(b *testing.B) func(int) error {
			key := newSession(b)
			p := core.Patch{Set: map[string][]byte{"user": value}, Expiry: exp}
			return func(int) error { return check(s.Patch(ctx, key, p)) }
		}},
		{"Touch", func(b *testing.B) func(int) error {
			key := newSession(b)
			return func(int) error { return check(s.Touch(ctx, key, exp)) }
		}},
		{"Pop", func(b *testing.B) func(int) error {
			key := newSession(b)
			// One value per pop, written before the statistics reset.
			for i := 0; i < b.N; i += 1000 {
				args := []any{}
				for j := i; j < min(i+1000, b.N); j++ {
					args = append(args, "v:f"+strconv.Itoa(j), value)
				}
				if err := client.HSet(ctx, redisstore.DefaultPrefix+key, args...).Err(); err != nil {
					b.Fatal(err)
				}
			}
			return func(i int) error {
				_, found, err := s.Pop(ctx, key, "f"+strconv.Itoa(i))
				return check(found, err)
			}
		}},
		{"scs-GET", func(b *testing.B) func(int) error {
			key := "scs:session:" + storetest.NewKey(b)
			if err := client.Set(ctx, key, value, time.Hour).Err(); err != nil {
				b.Fatal(err)
			}
			return func(int) error { return client.Get(ctx, key).Err() }
		}},
		{"scs-SET", func(b *testing.B) func(int) error {
			key := "scs:session:" + storetest.NewKey(b)
			return func(int) error { return client.Set(ctx, key, value, time.Until(exp)).Err() }
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			op := tc.setup(b)
			if err := op(-1); err != nil && tc.name != "Pop" { // loads the scripts
				b.Fatal(err)
			}
			if err := client.ConfigResetStat(ctx).Err(); err != nil {
				b.Fatal(err)
			}
			rtt.n.Store(0)
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				if err := op(i); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			trips := rtt.n.Load()
			var calls, usec, topUsec int64
			for name, st := range commandStats(b, client) {
				calls, usec = calls+st.calls, usec+st.usec
				if topLevel[name] {
					topUsec += st.usec
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(trips)/n, "rtt/op")
			b.ReportMetric(float64(calls)/n, "cmds/op")
			b.ReportMetric(float64(usec)/n, "usec/op-server")
			b.ReportMetric(float64(topUsec)/n, "top-usec/op-server")
		})
	}
}

// check turns a found flag that should be true into an error.
func check(found bool, err error) error {
	if err == nil && !found {
		return redis.Nil
	}
	return err
}

// topLevel are the commands a client sends itself; the rest of what
// INFO commandstats lists ran inside a script or a transaction.
var topLevel = map[string]bool{"evalsha": true, "eval": true, "multi": true, "exec": true, "hgetall": true, "get": true, "set": true}

// cmdStat is one command's line of INFO commandstats.
type cmdStat struct{ calls, usec int64 }

// commandStats returns INFO commandstats since the last CONFIG RESETSTAT,
// by lower-case command name, without the measurement's own commands.
func commandStats(t testing.TB, client *redis.Client) map[string]cmdStat {
	t.Helper()
	info, err := client.Info(context.Background(), "commandstats").Result()
	if err != nil {
		t.Fatal(err)
	}
	stats := map[string]cmdStat{}
	for line := range strings.Lines(info) {
		name, fields, ok := strings.Cut(strings.TrimSpace(line), ":")
		name, isCmd := strings.CutPrefix(name, "cmdstat_")
		if !ok || !isCmd || name == "info" || strings.HasPrefix(name, "config") {
			continue
		}
		var st cmdStat
		for kv := range strings.SplitSeq(fields, ",") {
			k, v, _ := strings.Cut(kv, "=")
			switch k {
			case "calls":
				st.calls, _ = strconv.ParseInt(v, 10, 64)
			case "usec":
				st.usec, _ = strconv.ParseInt(v, 10, 64)
			}
		}
		stats[name] = st
	}
	return stats
}

// roundTrips is a hook that counts the round trips a client makes: one
// per command, one per pipeline or transaction.
type roundTrips struct{ n atomic.Int64 }

func (r *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (r *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmd)
	}
}
func (r *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		r.n.Add(1)
		return next(ctx, cmds)
	}
}
