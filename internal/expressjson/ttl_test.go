package expressjson

import (
	"testing"
	"time"
)

// The expected results are connect-redis 9.0.0's getTTL and
// connect-pg-simple 10.0.0's expire argument under Node.js with Date.now
// fixed to now (1610702000123), for ttl options unset, 5 and -5.
func TestRedisTTLMatchesConnectRedis(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expires             time.Time
		unset, five, minus5 int64
	}{
		{time.Time{}, 86400, 5, -5},
		{ms(1610709062164), 7063, 7063, 7063},
		{ms(1610702000124), 1, 1, 1},
		{ms(1610702001123), 1, 1, 1},
		{ms(1610702001124), 2, 2, 2},
		{ms(1610702000123), 0, 0, 0},
		{ms(1610702000122), 0, 0, 0},
		{ms(1610701999124), 0, 0, 0},
		{ms(1610701999123), -1, -1, -1},
		{ms(1610701999122), -1, -1, -1},
		{ms(-62198755200000), -63809457200, -63809457200, -63809457200},
	}
	for _, tc := range tests {
		c := Cookie{Expires: tc.expires}
		for _, opt := range []struct {
			ttl  time.Duration
			want int64
		}{{0, tc.unset}, {5 * time.Second, tc.five}, {-5 * time.Second, tc.minus5}} {
			got, keep := RedisTTL(c, now.Add(999*time.Microsecond), opt.ttl)
			if got != opt.want || keep != (opt.want > 0) {
				t.Errorf("RedisTTL(expires %v, ttl %v) = %d, %v; want %d, %v", tc.expires, opt.ttl, got, keep, opt.want, opt.want > 0)
			}
		}
	}
	if got, _ := RedisTTL(Cookie{}, now, 1500*time.Millisecond); got != 2 {
		t.Errorf("RedisTTL with a 1.5 s ttl = %d; want 2", got)
	}
}

func TestPGExpireMatchesConnectPgSimple(t *testing.T) {
	t.Parallel()
	tests := []struct {
		expires     time.Time
		unset, five int64
	}{
		{time.Time{}, 1610788401, 1610702006},
		{ms(1610709062164), 1610709063, 1610709063},
		{ms(1610702000124), 1610702001, 1610702001},
		{ms(1610702001123), 1610702002, 1610702002},
		{ms(1610702000123), 1610702001, 1610702001},
		{ms(1610701999124), 1610702000, 1610702000},
		{ms(1610701999123), 1610702000, 1610702000},
		{ms(-62198755200000), -62198755200, -62198755200},
	}
	for _, tc := range tests {
		c := Cookie{Expires: tc.expires}
		if got := PGExpire(c, now, 0); got != tc.unset {
			t.Errorf("PGExpire(expires %v, ttl unset) = %d; want %d", tc.expires, got, tc.unset)
		}
		if got := PGExpire(c, now, 5*time.Second); got != tc.five {
			t.Errorf("PGExpire(expires %v, ttl 5s) = %d; want %d", tc.expires, got, tc.five)
		}
	}
	if got := PGExpire(Cookie{}, time.Unix(100, 0), 0); got != 100+86400 {
		t.Errorf("PGExpire on a whole second = %d; want %d", got, 100+86400)
	}
}
