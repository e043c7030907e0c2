package contract

import (
	"testing"

	"github.com/sessionkit/sessionkit/internal/testenv"
)

// Main runs the tests of m, then fails the run if a goroutine they started
// is still running (every server, store and manager a test starts must be
// stopped), and reports the services whose absence skipped tests, with
// how to start them. Call it from TestMain:
//
//	func TestMain(m *testing.M) { contract.Main(m) }
func Main(m *testing.M) {
	testenv.Main(m)
}

// RedisURL returns REDIS_URL (default redis://127.0.0.1:6379/0) once Redis
// accepts connections there. Without Redis it skips t with instructions,
// or fails it under CI=true.
func RedisURL(t testing.TB) string {
	t.Helper()
	return testenv.RedisURL(t)
}

// DatabaseURL returns DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable) once
// PostgreSQL accepts connections there. Without PostgreSQL it skips t
// with instructions, or fails it under CI=true.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	return testenv.DatabaseURL(t)
}
