// Package expressjson reads and writes the session records of
// express-session (1.18–1.19) as its stores keep them: connect-redis's
// value under sess:<id>, and connect-pg-simple's sess column. A record is
// the JSON of the session object, a "cookie" member beside the
// application's values:
//
//	{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"},"passport":{"user":"106"}}
//
// The package maps that to sessionkit's record model, values as raw JSON
// by name, and keeps every value's bytes exactly: a value is never
// re-encoded, so numbers beyond float64, escapes and spacing survive a
// round trip through Go, which a JSON.parse in Node would not give them.
//
//   - [Decode] splits a record into its values and its [Cookie].
//   - [Encode] writes a new record as express-session would.
//   - [Patch] applies a change set to a record read from a store, leaving
//     the members it does not touch byte for byte, for a store's
//     compare-and-set.
//   - [RedisTTL] and [PGExpire] give the expiry connect-redis and
//     connect-pg-simple write beside a record.
//   - [Cookie.Touch] moves the expiry as Express does on every request.
//
// A store saving a session that Express shares does, in order:
//
//	_, c, err := expressjson.Decode(doc) // doc as read from the store
//	if err != nil {
//		return err // not a record express-session can load either
//	}
//	c = c.Touch(now)
//	doc, err = expressjson.Patch(doc, set, del, c)
//	if err != nil {
//		return err
//	}
//	ttl, keep := expressjson.RedisTTL(c, now, 0)
//	// keep: SET sess:<id> doc EX ttl; else DEL sess:<id>, as connect-redis does.
//
// The formats follow express-session's session/cookie.js (the cookie
// member's keys and their order), session/session.js and session/store.js
// (how a record is loaded: which names the session object cannot hold,
// see [Reserved]), connect-redis's getTTL and connect-pg-simple's
// getExpireTime.
//
// Errors name the rule a record broke and, for values, the member's name;
// they never carry a value, a cookie member or any other session data.
package expressjson
