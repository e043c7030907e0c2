package testenv

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/sessionkit/sessionkit/internal/goroutines"
)

// Main runs the package's tests; call it from TestMain:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
// After a passing run it fails the package if a goroutine the tests
// started is still running, as goroutines.VerifyTestMain does. Then it
// reports, once each, the services whose absence made Require skip tests,
// with the variable to set and how to start them.
//
// go test discards a passing package's output unless it runs with -v, so
// `go test ./stores/redisstore` would print a bare "ok" over skipped tests.
// The report therefore goes to the terminal, /dev/tty, when the package
// passed without -v and there is a terminal to open. Otherwise, under -v,
// after a failure or with no terminal (as in CI, where CI=true turns every
// skip into a failure anyway), it goes to standard error, which go test
// then shows.
func Main(m *testing.M) {
	code := m.Run()
	if code == 0 {
		if err := goroutines.Find(nil); err != nil {
			fmt.Fprintf(os.Stderr, "goroutines: errors on successful test run: %v\n", err)
			code = 1
		}
	}
	if list := absences.list(); len(list) > 0 {
		dir, _ := os.Getwd() // go test runs a test binary in its package's directory
		writeReport(report(dir, list), code == 0 && !testing.Verbose())
	}
	os.Exit(code)
}

// writeReport writes the report to the terminal when go test would hide
// standard error, and to standard error otherwise or without a terminal.
func writeReport(text string, hidden bool) {
	if hidden {
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			_, err = io.WriteString(tty, text)
			tty.Close()
			if err == nil {
				return
			}
		}
	}
	fmt.Fprint(os.Stderr, text)
}

// absence is a service that Require found missing, and how many tests it
// skipped.
type absence struct {
	service, variable, value, err string
	skipped                       int
}

// starts says how to provide the services the tests know by name: the
// command, and the set-up the tests expect.
var starts = map[string]string{
	"Redis":        "start it (redis-server --daemonize yes --port 6379)",
	"PostgreSQL":   "start it (pg_ctlcluster <version> main start; the tests connect as user postgres, trusted on 127.0.0.1)",
	"MariaDB":      "start it (mariadbd; the tests connect over TCP as root without a password, to database test)",
	"redis-server": "install it (apt-get install redis-server)",
	"redis-cli":    "install it (apt-get install redis-tools)",
	"Node.js":      "install Node.js 20 and npm (apt-get install nodejs npm), then run npm ci in internal/expresstest/node,",
}

// remedy says how to provide the service.
func (a absence) remedy() string {
	if s, ok := starts[a.service]; ok {
		return s
	}
	return "start it"
}

// absenceLog collects the absences of one test binary, in the order first
// seen, one per service and variable.
type absenceLog struct {
	mu sync.Mutex
	as []absence
}

var absences absenceLog

func (l *absenceLog) note(a absence) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for i := range l.as {
		if l.as[i].service == a.service && l.as[i].variable == a.variable {
			l.as[i].skipped++
			return
		}
	}
	a.skipped = 1
	l.as = append(l.as, a)
}

func (l *absenceLog) list() []absence {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]absence(nil), l.as...)
}

// report is what Main prints about the absences of the package in dir.
func report(dir string, list []absence) string {
	var b strings.Builder
	fmt.Fprintf(&b, "testenv: %s: tests skipped for want of a service:\n", dir)
	for _, a := range list {
		tests := "tests"
		if a.skipped == 1 {
			tests = "test"
		}
		fmt.Fprintf(&b, "  %s: %d %s skipped; %s=%s: %s\n", a.service, a.skipped, tests, a.variable, a.value, a.err)
		fmt.Fprintf(&b, "    to run them, %s or set %s; .ci/run installs and starts every service\n", a.remedy(), a.variable)
	}
	b.WriteString("  go test may replay this result from its cache: once the services run, rerun with -count=1\n")
	return b.String()
}

// redact masks the password of a URL or of a go-sql-driver/mysql DSN
// (user:password@tcp(host)/db), so a message can show where a service was
// looked for.
func redact(value string) string {
	if strings.Contains(value, "://") {
		if u, err := url.Parse(value); err == nil {
			return u.Redacted()
		}
		return "(unparsable URL)"
	}
	end := strings.LastIndex(value, "/")
	if end < 0 {
		end = len(value)
	}
	at := strings.LastIndex(value[:end], "@")
	colon := strings.Index(value[:max(at, 0)], ":")
	if at < 0 || colon < 0 {
		return value
	}
	return value[:colon+1] + "xxxxx" + value[at:]
}

// reset forgets every absence, for the package's own tests.
func (l *absenceLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.as = nil
}
