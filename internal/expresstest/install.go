package expresstest

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// installTimeout bounds one npm ci: a cold cache downloads about a
// hundred small packages.
const installTimeout = 5 * time.Minute

// installed records that this process has found the node modules fresh,
// or made them so. Its mutex serialises the tests of one process; a file
// lock, those of every process.
var installed struct {
	sync.Mutex
	done bool
}

// ensureModules runs npm ci in dir when needsInstall says so, once per
// process, under the lock file dir/.install.lock so that test binaries
// running at once install one at a time, and the later ones find the
// modules fresh. It skips or fails t as requireTool does without npm, and
// fails t when the install fails.
func ensureModules(t testing.TB, dir string) {
	t.Helper()
	installed.Lock()
	defer installed.Unlock()
	if installed.done {
		return
	}
	stale, err := needsInstall(dir)
	if err != nil {
		t.Fatalf("expresstest: %v", err)
	}
	if !stale {
		installed.done = true
		return
	}
	npm := requireTool(t, "npm")
	unlock, err := lockFile(filepath.Join(dir, ".install.lock"))
	if err != nil {
		t.Fatalf("expresstest: lock %s: %v", dir, err)
	}
	defer unlock()
	if stale, err = needsInstall(dir); err != nil { // another process may have installed them meanwhile
		t.Fatalf("expresstest: %v", err)
	}
	if stale {
		ctx, cancel := context.WithTimeout(context.Background(), installTimeout)
		defer cancel()
		cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("expresstest: npm ci in %s: %v\n%s", dir, err, out)
		}
	}
	installed.done = true
}

// needsInstall reports whether dir's node modules are missing or older
// than its package-lock.json. Their age is that of the hidden lockfile,
// node_modules/.package-lock.json, which npm writes once an install is
// complete: a node_modules without it, as an interrupted install leaves
// it, counts as missing.
func needsInstall(dir string) (bool, error) {
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		return false, err
	}
	hidden, err := os.Stat(filepath.Join(dir, "node_modules", ".package-lock.json"))
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return hidden.ModTime().Before(lock.ModTime()), nil
}
