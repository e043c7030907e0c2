//go:build unix

package expresstest

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive flock on path, creating the file if need
// be, and returns the function that releases it. It waits as long as
// another process holds the lock.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}

// terminate asks p to exit: app.js closes its server and store
// connections on SIGTERM.
func terminate(p *os.Process) error {
	return p.Signal(syscall.SIGTERM)
}
