package expressjson

import "time"

// DefaultTTL is the lifetime connect-redis and connect-pg-simple give a
// record whose cookie has no expires (a browser-session cookie) when
// their ttl option is unset or 0: one day, 86400 seconds.
const DefaultTTL = 86400 * time.Second

// RedisTTL returns the EX seconds connect-redis writes a record with, at
// now, for a session whose cookie is c, and whether it writes the record
// at all. This is getTTL (_getTTL before v9) of connect-redis v7.0 to
// v9.0, the same in all of them:
//
//   - with an expires, Math.ceil((expires - Date.now()) / 1000), both in
//     milliseconds;
//   - without one, its ttl option, ttl here, in seconds; 0 means
//     DefaultTTL (`opts.ttl || 86400`). connect-redis passes its option to
//     EX as given, so it is a whole number of seconds; a fraction here is
//     rounded up.
//
// keep is false when the result is 0 or less: connect-redis's set then
// deletes the key instead of writing it, and its touch sends EXPIRE with
// that value, which deletes the key too. connect-redis's other ttl forms
// (a function, v7.1 on) and its disableTTL option are not modelled.
func RedisTTL(c Cookie, now time.Time, ttl time.Duration) (seconds int64, keep bool) {
	if c.Expires.IsZero() {
		if ttl == 0 {
			ttl = DefaultTTL
		}
		seconds = ceilDiv(int64(ttl), int64(time.Second))
	} else {
		seconds = ceilDiv(c.Expires.UnixMilli()-now.UnixMilli(), 1000)
	}
	return seconds, seconds > 0
}

// PGExpire returns the Unix time, in whole seconds, that
// connect-pg-simple (v8 to v10, unchanged) writes to the expire column,
// at now, for a session whose cookie is c:
//
//   - with an expires, Math.ceil(expires / 1000), expires in
//     milliseconds;
//   - without one, Math.ceil(Date.now() / 1000 + ttl), ttl being its ttl
//     option in seconds, 0 meaning DefaultTTL (`this.ttl || ONE_DAY`);
//     ttl is taken to the millisecond here.
//
// connect-pg-simple writes it as to_timestamp($n) into a timestamp
// column without time zone, so PostgreSQL stores it as local time in the
// connection's TimeZone; a store sharing the table should pass this
// number to to_timestamp the same way, on connections with the same
// TimeZone as the Node app's. connect-pg-simple reads a row only while
// expire >= to_timestamp(Math.ceil(Date.now() / 1000)) and prunes rows
// whose expire is earlier.
func PGExpire(c Cookie, now time.Time, ttl time.Duration) int64 {
	if !c.Expires.IsZero() {
		return ceilDiv(c.Expires.UnixMilli(), 1000)
	}
	if ttl == 0 {
		ttl = DefaultTTL
	}
	return ceilDiv(now.UnixMilli()+ttl.Milliseconds(), 1000)
}

// ceilDiv returns ⌈a/b⌉ for b > 0.
func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b > 0 {
		q++
	}
	return q
}
