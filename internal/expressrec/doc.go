// Package expressrec maps express-session's stored records to core
// records, for the stores that share records with a running Express app
// (redisstore.NewExpress, pgstore.NewExpress).
//
// A record is the JSON object Express saves. Every top-level member is a
// value of the core record, the cookie member included: the manager, in
// its express-session mode, reads and maintains that member and hides it
// from handlers; the store keeps it as it keeps any value. The one
// exception is [OwnerMember], which holds core.Record.Owner. Express
// loads it as a property of its session and saves it back unchanged, so a
// per-user binding made on the Go side survives Express's writes; an
// Express regenerate or destroy drops it, as it drops the session.
//
// Every function keeps the members it does not change byte for byte, so
// a value written by Node reads back exactly, and a store's
// compare-and-set never rewrites what a concurrent Express save wrote
// unless the change set names it.
//
// The expiry is not in the document: connect-redis keeps it as the key's
// TTL, connect-pg-simple in its expire column.
package expressrec
