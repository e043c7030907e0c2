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
// whose writes fail with core.ErrNoSession and the case's hint.
func CheckNoSession(t *testing.T, cases []NoSessionCase) {
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			if tc.S == nil {
				t.Fatal("accessor returned nil")
			}
			err := tc.S.Set("k", "v")
			if !errors.Is(err, core.ErrNoSession) || !strings.Contains(err.Error(), tc.Hint) {
				t.Errorf("Set = %v; want core.ErrNoSession mentioning %q", err, tc.Hint)
			}
		})
	}
}
