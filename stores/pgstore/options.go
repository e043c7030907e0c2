package pgstore

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
)

// Defaults applied by New to zero-valued Options fields.
const (
	DefaultTable           = "sessionkit_sessions"
	DefaultCleanupInterval = 5 * time.Minute
	DefaultCleanupBatch    = 1000
)

// maxIdentLen is PostgreSQL's identifier limit (NAMEDATALEN-1). Longer names
// are silently truncated by the server, so two long names could collide.
const maxIdentLen = 63

// The suffixes that name the indexes after their table. The table name's
// limit comes from the longer one.
const (
	indexSuffix      = "_expiry_idx"
	ownerIndexSuffix = "_owner_idx"
)

// ErrInvalidOptions wraps every error New returns for bad options.
var ErrInvalidOptions = errors.New("pgstore: invalid options")

// Options configures New. The zero value is ready to use.
type Options struct {
	// Table is the table holding the sessions, optionally qualified by its
	// schema as "schema.table". The default is "sessionkit_sessions" in the
	// connection's search_path.
	//
	// Each part is quoted with pgx.Identifier, so it is used exactly as
	// written: "Sessions" names a different table from the unquoted
	// Sessions of hand-written SQL, which PostgreSQL folds to sessions. Any
	// UTF-8 text without NUL is allowed, quotes and semicolons included,
	// but a name may have at most one dot (the schema separator), each part
	// at most 63 bytes, and the table part at most 52 bytes so that the
	// derived index name, table+"_expiry_idx", fits PostgreSQL's 63-byte
	// identifier limit instead of being silently truncated. The owner
	// index is named table+"_owner_idx".
	Table string

	// CleanupInterval is how often the background job deletes expired rows.
	// Expired rows are never served even before they are deleted; the job
	// only reclaims space. The default is 5 minutes. A negative value
	// disables the job, for deployments that run Cleanup from a scheduler or
	// from only one instance.
	CleanupInterval time.Duration

	// CleanupBatch bounds the number of rows one DELETE removes, so that a
	// large backlog is reclaimed in short transactions that do not hold many
	// row locks or bloat the WAL in one burst. The default is 1000. Negative
	// values are rejected.
	CleanupBatch int

	// Logger receives the background job's failures (at level Error) and
	// its deletions (at level Debug). The default is slog.Default().
	Logger *slog.Logger
}

// names are the SQL names derived from Options.Table.
type names struct {
	table string // quoted, possibly schema-qualified
	// The indexes, unquoted, as pg_class.relname holds them. They are in
	// the table's schema.
	expiryIndex, ownerIndex string
}

// withDefaults validates o and fills its zero fields. It returns the names
// derived from the table.
func (o Options) withDefaults() (Options, names, error) {
	if o.Table == "" {
		o.Table = DefaultTable
	}
	if o.CleanupInterval == 0 {
		o.CleanupInterval = DefaultCleanupInterval
	}
	if o.CleanupBatch == 0 {
		o.CleanupBatch = DefaultCleanupBatch
	}
	if o.CleanupBatch < 0 {
		return o, names{}, fmt.Errorf("%w: CleanupBatch %d is negative", ErrInvalidOptions, o.CleanupBatch)
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	n, err := parseTable(o.Table)
	return o, n, err
}

// parseTable splits name into an optional schema and a table and derives
// the names of the table and its indexes.
func parseTable(name string) (names, error) {
	bad := func(why string) (names, error) {
		return names{}, fmt.Errorf("%w: Table %q %s", ErrInvalidOptions, name, why)
	}
	if strings.ContainsRune(name, 0) {
		return bad("contains a NUL byte")
	}
	if !utf8.ValidString(name) {
		return bad("is not valid UTF-8")
	}
	parts := strings.Split(name, ".")
	if len(parts) > 2 {
		return bad(`has more than one dot; use "schema.table"`)
	}
	for _, p := range parts {
		if p == "" {
			return bad("has an empty part")
		}
		if len(p) > maxIdentLen {
			return bad(fmt.Sprintf("has a part longer than %d bytes", maxIdentLen))
		}
	}
	tbl := parts[len(parts)-1]
	if len(tbl)+len(indexSuffix) > maxIdentLen {
		return bad(fmt.Sprintf("has a table name longer than %d bytes", maxIdentLen-len(indexSuffix)))
	}
	// CREATE INDEX puts the index in the table's schema; it cannot be
	// qualified there.
	return names{
		table:       pgx.Identifier(parts).Sanitize(),
		expiryIndex: tbl + indexSuffix,
		ownerIndex:  tbl + ownerIndexSuffix,
	}, nil
}
