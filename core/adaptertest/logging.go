package adaptertest

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// sessionErrorMsg is the message of the record core logs for each session
// failure.
const sessionErrorMsg = "sessionkit: session error"

// LoggedOnce checks that a store failure is logged exactly once through
// the manager's Config.Logger, whatever the framework's own error path
// does with it, and that the record carries no session ID, cookie or
// secret: a logout whose Delete fails must answer 500 and leave one
// "sessionkit: session error" record.
//
// newApp needs only POST /set/{key}/{value} and POST /logout of the route
// contract, on the User manager. Run calls LoggedOnce with the full app;
// an adapter's own test should call it with the framework's quick-start
// setup too (its defaults, no logger middleware), where a failure the
// adapter does not log goes unseen.
func LoggedOnce(t *testing.T, newApp func(t *testing.T, env *Env) http.Handler) {
	t.Helper()
	env := NewEnv(t, Options{})
	c := Serve(t, newApp, env)
	c.Post("/set/k/v")
	ck := c.Cookie(UserCookie)
	if ck == nil {
		t.Fatal("no session cookie after POST /set/k/v")
	}
	env.Store().FailOn(OpDelete)
	if resp, body := c.Do(http.MethodPost, "/logout", nil); resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("POST /logout with a failing Delete = %d %q; want 500", resp.StatusCode, body)
	}
	env.WaitError(t, ErrStoreDown)
	private := append(env.secretsOf(), ck.Value)
	n := 0
	for _, r := range env.Logged() {
		text := recordText(r)
		if r.Message == sessionErrorMsg {
			n++
			if err := errorAttr(r); !errors.Is(err, core.ErrSave) || !errors.Is(err, ErrStoreDown) {
				t.Errorf("logged %q; want its error to wrap core.ErrSave and the store's error", text)
			}
		}
		for _, p := range private {
			if p != "" && strings.Contains(text, p) {
				t.Errorf("logged %q; it carries a session ID, cookie or secret", text)
			}
		}
	}
	if n != 1 {
		t.Errorf("logged %d %q records for one failed logout; want 1: %v", n, sessionErrorMsg, env.Logged())
	}
}

// recordText renders a record's message and attributes.
func recordText(r slog.Record) string {
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool {
		fmt.Fprintf(&b, " %s=%v", a.Key, a.Value.Any())
		return true
	})
	return b.String()
}

// errorAttr returns the record's error attribute, or nil.
func errorAttr(r slog.Record) error {
	var err error
	r.Attrs(func(a slog.Attr) bool {
		if e, ok := a.Value.Any().(error); ok && a.Key == "error" {
			err = e
		}
		return true
	})
	return err
}
