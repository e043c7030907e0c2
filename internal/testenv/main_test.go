package testenv

import (
	"errors"
	"slices"
	"testing"
)

// TestRequireNotesEachSkippingServiceOnce skips tests as a missing service
// does, and checks what Main would report. Not parallel: it sets CI and
// uses the binary's record of absences.
func TestRequireNotesEachSkippingServiceOnce(t *testing.T) {
	t.Setenv("CI", "")
	absences.reset()
	t.Cleanup(absences.reset)
	refused := errors.New("connection refused")
	calls := []struct {
		service, variable, value string
		err                      error
	}{
		{"Redis", "REDIS_URL", "redis://:hunter2@127.0.0.1:1/0", refused},
		{"PostgreSQL", "DATABASE_URL", DefaultDatabaseURL, refused},
		{"Redis", "REDIS_URL", "redis://127.0.0.1:2/0", refused},
		{"MariaDB", "MARIADB_DSN", DefaultMariaDBDSN, nil},
	}
	for _, c := range calls {
		var skipped bool
		t.Run(c.service, func(t *testing.T) {
			defer func() { skipped = t.Skipped() }()
			Require(t, c.service, c.variable, c.value, c.err)
		})
		if want := c.err != nil; skipped != want {
			t.Errorf("Require(%s, err %v) skipped = %t; want %t", c.service, c.err, skipped, want)
		}
	}
	want := []absence{
		{service: "Redis", variable: "REDIS_URL", value: "redis://:xxxxx@127.0.0.1:1/0", err: "connection refused", skipped: 2},
		{service: "PostgreSQL", variable: "DATABASE_URL", value: DefaultDatabaseURL, err: "connection refused", skipped: 1},
	}
	if got := absences.list(); !slices.Equal(got, want) {
		t.Errorf("absences = %+v; want %+v", got, want)
	}
}

func TestReportNamesEachServiceItsVariableAndHowToStartIt(t *testing.T) {
	t.Parallel()
	got := report("/src/stores/redisstore", []absence{
		{service: "Redis", variable: "REDIS_URL", value: "redis://127.0.0.1:1/0", err: "dial tcp 127.0.0.1:1: connect: connection refused", skipped: 3},
		{service: "redis-server", variable: "PATH", value: "/usr/bin", err: `exec: "redis-server": executable file not found in $PATH`, skipped: 1},
	})
	want := `testenv: /src/stores/redisstore: tests skipped for want of a service:
  Redis: 3 tests skipped; REDIS_URL=redis://127.0.0.1:1/0: dial tcp 127.0.0.1:1: connect: connection refused
    to run them, start it (redis-server --daemonize yes --port 6379) or set REDIS_URL; .ci/run installs and starts every service
  redis-server: 1 test skipped; PATH=/usr/bin: exec: "redis-server": executable file not found in $PATH
    to run them, install it (apt-get install redis-server) or set PATH; .ci/run installs and starts every service
  go test may replay this result from its cache: once the services run, rerun with -count=1
`
	if got != want {
		t.Errorf("report =\n%s\nwant\n%s", got, want)
	}
}

func TestRedactMasksPasswords(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"},
		{"redis://:secret@127.0.0.1:6379/0", "redis://:xxxxx@127.0.0.1:6379/0"},
		{"postgres://app:secret@db:5432/app?sslmode=disable", "postgres://app:xxxxx@db:5432/app?sslmode=disable"},
		{"postgres://postgres@127.0.0.1:5432/postgres", "postgres://postgres@127.0.0.1:5432/postgres"},
		{"redis://:bad%zz@host/0", "(unparsable URL)"},
		{"root@tcp(127.0.0.1:3306)/test?parseTime=true", "root@tcp(127.0.0.1:3306)/test?parseTime=true"},
		{"root:se@cret@tcp(127.0.0.1:3306)/test?x=a@b", "root:xxxxx@tcp(127.0.0.1:3306)/test?x=a@b"},
		{"tcp(127.0.0.1:3306)/test", "tcp(127.0.0.1:3306)/test"},
		{"/usr/local/bin:/usr/bin", "/usr/local/bin:/usr/bin"},
	}
	for _, tc := range tests {
		if got := redact(tc.in); got != tc.want {
			t.Errorf("redact(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}
