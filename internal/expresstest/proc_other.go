//go:build !unix

package expresstest

import "os"

// lockFile does not lock on systems without flock: test binaries run at
// once may then install the node modules together.
func lockFile(string) (unlock func(), err error) {
	return func() {}, nil
}

// terminate kills p: there is no SIGTERM to ask it to exit.
func terminate(p *os.Process) error {
	return p.Kill()
}
