package adaptertest

import (
	"errors"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
)

// NoSessionCase is an accessor call made without the session middleware,
// for CheckNoSession.
type NoSessionCase struct {
	Name string
	S    *core.Session // what the accessor returned
	Hint string        // text the error must contain to say how to fix it
}

// CheckNoSession checks that each accessor returned a session, never nil,
// whose writes are refused with core.ErrNoSession and the case's hint, as
// Session.Err reports.
func CheckNoSession(t *testing.T, cases []NoSessionCase) {
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			if tc.S == nil {
				t.Fatal("accessor returned nil")
			}
			defer func() {
				if v := recover(); v != nil {
					t.Errorf("the session of a request without the middleware panicked: %v", v)
				}
			}()
			core.Key[string]("k").Set(tc.S, "v")
			err := tc.S.Err()
			if !errors.Is(err, core.ErrNoSession) || !strings.Contains(err.Error(), tc.Hint) {
				t.Errorf("Err after Set = %v; want core.ErrNoSession mentioning %q", err, tc.Hint)
			}
		})
	}
}
