package pgstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/sessionkit/sessionkit/core"
)

// Store is a core.Store backed by one PostgreSQL table. It also implements
// core.Patcher, core.Toucher, core.Popper, core.Iterator, core.Cleaner and
// core.OwnerIndex.
// It is safe for concurrent use, including by several processes sharing the
// table.
//
// Expiry is judged by the application's clock: every query compares the
// stored expiry with time.Now() passed from Go, the same clock the manager
// used to compute it, so a record lives exactly as long as the manager
// intended whatever the database server's clock says. Instances sharing a
// table should keep their clocks in sync (NTP), as they must anyway for the
// expiries they write to agree.
type Store struct {
	pool  *pgxpool.Pool
	opts  Options
	names names

	q queries

	lockTimeout time.Duration // for CreateTable's schema changes

	stop      context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
}

// New returns a Store that keeps sessions in opts.Table through pool. It does
// not touch the database: call CreateTable once at start-up, or create the
// table with your own migrations (see the package documentation).
//
// Unless opts.CleanupInterval is negative, New starts a background job that
// deletes expired rows; Close stops it. The pool stays the caller's: Close
// does not close it.
//
// New returns an error wrapping ErrInvalidOptions when pool is nil or an
// option is invalid.
func New(pool *pgxpool.Pool, opts Options) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("%w: nil pool", ErrInvalidOptions)
	}
	opts, n, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{pool: pool, opts: opts, names: n, q: newQueries(n.table), lockTimeout: upgradeLockTimeout, done: make(chan struct{})}
	if opts.CleanupInterval < 0 {
		s.stop = func() {}
		close(s.done)
		return s, nil
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.cleanupLoop(ctx, opts.CleanupInterval)
	return s, nil
}

// Close stops the background cleanup job and waits for it to exit, cancelling
// a cleanup in progress. It does not close the pool, and the Store stays
// usable. Close is idempotent and always returns nil.
func (s *Store) Close() error {
	s.closeOnce.Do(s.stop)
	<-s.done
	return nil
}

// Load implements core.Store.
func (s *Store) Load(ctx context.Context, key string) (core.Record, bool, error) {
	var r row
	err := s.pool.QueryRow(ctx, s.q.load, key, time.Now()).Scan(r.dest()...)
	if errors.Is(err, pgx.ErrNoRows) {
		return core.Record{}, false, nil
	}
	if err != nil {
		return core.Record{}, false, fmt.Errorf("pgstore: load: %w", err)
	}
	rec, err := r.record()
	if err != nil {
		return core.Record{}, false, fmt.Errorf("pgstore: load: %w", err)
	}
	return rec, true, nil
}

// Save implements core.Store. It is one upsert, so concurrent saves of one
// key leave exactly one of the records, owner columns included. A record
// whose expiry has already passed is written but never loaded; Cleanup
// reclaims it. An owner whose text is not UTF-8 without NUL, which core
// never sends, is an error wrapping core.ErrBadRecord.
func (s *Store) Save(ctx context.Context, key string, rec core.Record) error {
	data, err := encodeValues(rec.Values)
	if err != nil {
		return fmt.Errorf("pgstore: save: %w", err)
	}
	owner, err := ownerArgs(rec.Owner)
	if err != nil {
		return fmt.Errorf("pgstore: save: %w", err)
	}
	args := append([]any{key, data, timestamp(rec.Expiry)}, owner...)
	if _, err := s.pool.Exec(ctx, s.q.save, args...); err != nil {
		return fmt.Errorf("pgstore: save: %w", err)
	}
	return nil
}

// Delete implements core.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, s.q.delete, key); err != nil {
		return fmt.Errorf("pgstore: delete: %w", err)
	}
	return nil
}

// encodeValues builds the jsonb object that holds a record's values: each
// name maps to encodeValue of its value. A name must be UTF-8 text without
// NUL, as core.Record requires: jsonb keys cannot hold anything else.
func encodeValues(vals map[string][]byte) ([]byte, error) {
	m := make(map[string]json.RawMessage, len(vals))
	for k, v := range vals {
		if !utf8.ValidString(k) || strings.IndexByte(k, 0) >= 0 {
			return nil, fmt.Errorf("%w: key %q is not UTF-8 text without NUL", core.ErrBadRecord, k)
		}
		e, err := encodeValue(v)
		if err != nil {
			return nil, fmt.Errorf("value for key %q: %w", k, err)
		}
		m[k] = e
	}
	return json.Marshal(m)
}

// storedBytes is how encodeValue stores a value that is not UTF-8.
type storedBytes struct {
	Base64 []byte `json:"base64"`
}

// encodeValue returns the jsonb element that stores one value: a jsonb
// string holding the value's JSON text, or, for text that is not UTF-8,
// an object {"base64": ...} holding its bytes. Neither asks jsonb to
// parse the value itself, which it would reject for U+0000 or a lone
// surrogate and normalise otherwise, so decodeValue returns the value byte
// for byte. Invalid JSON is an error wrapping core.ErrBadRecord here
// rather than a server round trip.
func encodeValue(v []byte) ([]byte, error) {
	if !json.Valid(v) {
		return nil, fmt.Errorf("%w: value is not JSON", core.ErrBadRecord)
	}
	if utf8.Valid(v) {
		return json.Marshal(string(v))
	}
	return json.Marshal(storedBytes{v})
}

// decodeValue returns the value stored as the jsonb element e by
// encodeValue, as the database sends it: e is the text of data -> name.
// Anything encodeValue does not write, or that does not hold JSON, is an
// error wrapping core.ErrBadRecord.
func decodeValue(e []byte) ([]byte, error) {
	var v []byte
	switch {
	case len(e) > 0 && e[0] == '"':
		var text string
		if err := json.Unmarshal(e, &text); err != nil {
			return nil, fmt.Errorf("%w: %v", core.ErrBadRecord, err)
		}
		v = []byte(text)
	case len(e) > 0 && e[0] == '{':
		var b storedBytes
		d := json.NewDecoder(bytes.NewReader(e))
		d.DisallowUnknownFields()
		if err := d.Decode(&b); err != nil {
			return nil, fmt.Errorf("%w: %v", core.ErrBadRecord, err)
		}
		v = b.Base64
	}
	if !json.Valid(v) {
		return nil, fmt.Errorf("%w: stored value %.40q does not hold JSON", core.ErrBadRecord, e)
	}
	return v, nil
}

// decode turns a row's data and expiry columns into a Record, each value
// through decodeValue, with owner as its Owner.
func decode(data []byte, exp pgtype.Timestamptz, owner core.Owner) (core.Record, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return core.Record{}, fmt.Errorf("%w: %v", core.ErrBadRecord, err)
	}
	rec := core.Record{Values: make(map[string][]byte, len(m)), Expiry: fromTimestamp(exp), Owner: owner}
	for k, e := range m {
		v, err := decodeValue(e)
		if err != nil {
			return core.Record{}, fmt.Errorf("value for key %q: %w", k, err)
		}
		rec.Values[k] = v
	}
	return rec, nil
}

// timestamp maps the zero time, which core reads as "never expires", to
// PostgreSQL's infinity so that comparisons keep working.
func timestamp(t time.Time) pgtype.Timestamptz {
	if t.IsZero() {
		return pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}
	}
	return pgtype.Timestamptz{Time: t, Valid: true}
}

func fromTimestamp(ts pgtype.Timestamptz) time.Time {
	if !ts.Valid || ts.InfinityModifier != pgtype.Finite {
		return time.Time{}
	}
	return ts.Time
}
