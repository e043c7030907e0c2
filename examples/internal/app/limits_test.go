package app

import (
	"encoding/json"
	"strings"
	"testing"
)

// Every value ReadValue accepts fits SessionLimits however JSON escapes
// it, so a PUT within MaxValueBytes is never refused for its encoding.
func TestSessionLimitsFitEveryAcceptedValue(t *testing.T) {
	t.Parallel()
	for _, unit := range []string{"a", "<", "\x01", "\n", "\u2028", "é"} {
		v := strings.Repeat(unit, MaxValueBytes/len(unit))
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > SessionLimits.ValueBytes || len(b) > SessionLimits.SessionBytes {
			t.Errorf("%d bytes of %q encode to %d bytes; want at most Limits.ValueBytes %d and SessionBytes %d",
				len(v), unit, len(b), SessionLimits.ValueBytes, SessionLimits.SessionBytes)
		}
	}
}
