package pgstore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/expressrec"
)

// DefaultExpressTable is connect-pg-simple's default tableName.
const DefaultExpressTable = "session"

// ExpressOptions configures NewExpress. The zero value is connect-pg-simple's
// default table in the connection's search_path, created by someone else,
// with the background cleanup every 5 minutes.
type ExpressOptions struct {
	// Table is connect-pg-simple's tableName option. The default is
	// "session". It is quoted as connect-pg-simple quotes it, so it is
	// used exactly as written. It may not contain a dot (set Schema
	// instead) and is at most 52 bytes, so that the index name
	// "IDX_"+Table+"_expire" fits PostgreSQL's 63-byte identifiers.
	Table string

	// Schema is connect-pg-simple's schemaName option. The default, "",
	// leaves the table unqualified, found through the connection's
	// search_path. It may not contain a dot.
	Schema string

	// CreateTable makes NewExpress create the table and its index if they
	// are missing, with connect-pg-simple's own DDL (its
	// createTableIfMissing option; see the package documentation). It is
	// safe when several instances start at once. The default, false,
	// leaves the schema to the Express app or to migrations; NewExpress
	// then does not touch the database.
	CreateTable bool

	// CleanupInterval is how often the background job deletes expired
	// rows, as Options.CleanupInterval: expired rows are never served
	// before they are deleted, the job only reclaims space. The default
	// is 5 minutes. A negative value disables the job, for example when
	// connect-pg-simple's own pruning (its pruneSessionInterval, on by
	// default) already runs.
	CleanupInterval time.Duration
}

// ExpressStore is a core.Store that keeps sessions in connect-pg-simple's
// table and format, so a Go app and an express-session app share them in
// place: the key is the raw Express session ID, the row is connect-pg-simple's
// (sid, sess, expire). It also implements core.Patcher, core.Toucher,
// core.Popper, core.Iterator and core.Cleaner, the first three by
// compare-and-set so that they never lose a concurrent Express write. It has
// no owner index. It is safe for concurrent use, including by several
// processes and by the Express app sharing the table.
//
// Unlike Store, whose queries follow the application's clock, an
// ExpressStore judges expiry by the database server's clock (now()), one
// clock for every instance. See the package documentation, "Sharing sessions
// with Express", for the layout and what each call costs.
type ExpressStore struct {
	pool *pgxpool.Pool
	q    expressQueries

	// base is a Store on the same table that is used for nothing but what
	// the two share: the table name's checks, CreateTable's advisory
	// lock, Cleanup in batches and its background job.
	base *Store

	// beforeCAS, for tests, runs between the read and the write of each
	// compare-and-set attempt.
	beforeCAS func()
}

// expressCreateTimeout bounds the table creation NewExpress runs, which has
// no context of its caller's.
const expressCreateTimeout = 30 * time.Second

// NewExpress returns an ExpressStore on connect-pg-simple's table through
// pool. With opts.CreateTable it creates the table and index if missing,
// waiting at most 30 seconds; otherwise it does not touch the database.
// Unless opts.CleanupInterval is negative it starts a background job that
// deletes expired rows; Close stops it. The pool stays the caller's.
//
// NewExpress returns an error wrapping ErrInvalidOptions when pool is nil
// or an option is invalid.
func NewExpress(pool *pgxpool.Pool, opts ExpressOptions) (*ExpressStore, error) {
	name, err := opts.tableName()
	if err != nil {
		return nil, err
	}
	base, err := New(pool, Options{Table: name, CleanupInterval: -1})
	if err != nil {
		return nil, err
	}
	s := &ExpressStore{pool: pool, q: newExpressQueries(base.names.table), base: base}
	// The base's other statements are for Store's columns: leave them
	// empty, so that nothing can run them here.
	base.q = queries{cleanup: s.q.cleanup}
	if opts.CreateTable {
		ctx, cancel := context.WithTimeout(context.Background(), expressCreateTimeout)
		defer cancel()
		if err := s.createTable(ctx, opts.table()); err != nil {
			return nil, err
		}
	}
	s.startCleanup(opts.CleanupInterval)
	return s, nil
}

// table returns the table's name, the default if unset.
func (o ExpressOptions) table() string {
	if o.Table == "" {
		return DefaultExpressTable
	}
	return o.Table
}

// tableName returns the name Options.Table takes for the table: Schema and
// Table joined by a dot. It refuses a dot inside either, which
// connect-pg-simple would quote as part of one name but Options.Table
// would read as the schema separator.
func (o ExpressOptions) tableName() (string, error) {
	for _, f := range []struct{ field, v string }{{"Table", o.Table}, {"Schema", o.Schema}} {
		if strings.Contains(f.v, ".") {
			return "", fmt.Errorf("%w: %s %q contains a dot; name the schema in Schema", ErrInvalidOptions, f.field, f.v)
		}
	}
	if o.Schema == "" {
		return o.table(), nil
	}
	return o.Schema + "." + o.table(), nil
}

// startCleanup starts the base's background job unless interval is
// negative, with Options.CleanupInterval's default for zero. New left the
// job stopped, with stop and done set for that.
func (s *ExpressStore) startCleanup(interval time.Duration) {
	if interval < 0 {
		return
	}
	if interval == 0 {
		interval = DefaultCleanupInterval
	}
	ctx, stop := context.WithCancel(context.Background())
	s.base.stop, s.base.done = stop, make(chan struct{})
	go s.base.cleanupLoop(ctx, interval)
}

// Close stops the background cleanup job and waits for it to exit,
// cancelling a cleanup in progress. It does not close the pool, and the
// store stays usable. Close is idempotent and always returns nil.
func (s *ExpressStore) Close() error { return s.base.Close() }

// Load implements core.Store with one SELECT of the live row. Every
// top-level member of sess is a value, byte for byte, but for the owner
// member (see the package documentation). A row whose sess is not a JSON
// object, or whose sessionkitBytes member is malformed, is an error
// wrapping core.ErrBadRecord; a malformed sessionkitOwner member (Node
// code may write anything there) reads as no owner.
func (s *ExpressStore) Load(ctx context.Context, sid string) (core.Record, bool, error) {
	doc, exp, found, err := s.read(ctx, sid)
	if err != nil || !found {
		return core.Record{}, false, expressErr("load", err)
	}
	rec, err := expressRecord(doc, exp)
	if err != nil {
		return core.Record{}, false, expressErr("load", err)
	}
	return rec, true, nil
}

// Save implements core.Store with one upsert of the whole row, as
// connect-pg-simple saves, or, for an expiry already past, one DELETE. A
// zero Expiry never expires (the timestamp infinity). A value that is not
// JSON, or one named "sessionkitOwner" or "sessionkitBytes", is an error
// wrapping core.ErrBadRecord.
func (s *ExpressStore) Save(ctx context.Context, sid string, rec core.Record) error {
	doc, err := encodeDoc(rec)
	if err != nil {
		return expressErr("save", err)
	}
	if !rec.Expiry.IsZero() && !rec.Expiry.After(time.Now()) {
		_, err = s.pool.Exec(ctx, s.q.delete, sid)
	} else {
		_, err = s.pool.Exec(ctx, s.q.save, sid, doc, expireArg(rec.Expiry))
	}
	return expressErr("save", err)
}

// Delete implements core.Store with one DELETE, as connect-pg-simple's
// destroy.
func (s *ExpressStore) Delete(ctx context.Context, sid string) error {
	_, err := s.pool.Exec(ctx, s.q.delete, sid)
	return expressErr("delete", err)
}

// read returns the sess text and expiry of the live row sid.
func (s *ExpressStore) read(ctx context.Context, sid string) (doc string, exp pgtype.Int8, found bool, err error) {
	err = s.pool.QueryRow(ctx, s.q.load, sid).Scan(&doc, &exp)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", exp, false, nil
	}
	return doc, exp, err == nil, err
}

// expressRecord decodes a row: sess through unpack and expressrec, expire
// read as Unix microseconds, NULL (infinity) as the zero Expiry.
func expressRecord(sess string, exp pgtype.Int8) (core.Record, error) {
	doc, err := unpack([]byte(sess))
	if err != nil {
		return core.Record{}, err
	}
	rec, err := expressrec.Decode(doc)
	if err != nil {
		return core.Record{}, err
	}
	if exp.Valid {
		rec.Expiry = time.UnixMicro(exp.Int64)
	}
	return rec, nil
}

// encodeDoc returns the sess text of rec.
func encodeDoc(rec core.Record) (string, error) {
	doc, err := expressrec.Encode(rec)
	if err != nil {
		return "", err
	}
	return sessText(doc)
}

// sessText returns the sess text for the record document doc, through
// pack. It refuses what a json column cannot hold, text that is not UTF-8,
// which pack leaves only in a value's name.
func sessText(doc []byte) (string, error) {
	sess, err := pack(doc)
	if err != nil {
		return "", err
	}
	if !utf8.Valid(sess) {
		return "", fmt.Errorf("%w: a name is not UTF-8 text", core.ErrBadRecord)
	}
	return string(sess), nil
}

// expireArg is the parameter the statements pass to to_timestamp: the
// expiry in Unix milliseconds, exactly (not rounded up to the second as
// connect-pg-simple does), or +Inf for the zero time, which to_timestamp
// turns into the timestamp infinity.
func expireArg(t time.Time) float64 {
	if t.IsZero() {
		return math.Inf(1)
	}
	return float64(t.UnixMilli())
}

// expressErr prefixes err with the operation; nil stays nil. Errors never
// carry a sid: it is the Express session ID, a credential.
func expressErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("pgstore: express %s: %w", op, err)
}
