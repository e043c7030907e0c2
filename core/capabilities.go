package core

import (
	"fmt"
	"strings"
)

// Capabilities is a set of optional store capabilities.
type Capabilities uint8

// The optional capabilities, one per interface.
const (
	CanPatch       Capabilities = 1 << iota // Patcher: atomic per-key patches
	CanTouch                                // Toucher: expiry moves without a rewrite
	CanIterate                              // Iterator: Range and Count
	CanCleanup                              // Cleaner: on-demand expiry sweeps
	CanPop                                  // Popper: atomic get-and-delete of one value
	CanIndexOwners                          // OwnerIndex: an owner's sessions found without a scan
)

const allCapabilities = CanPatch | CanTouch | CanIterate | CanCleanup | CanPop | CanIndexOwners

// Has reports whether c includes every capability of want.
func (c Capabilities) Has(want Capabilities) bool { return c&want == want }

// String lists the capabilities, e.g. "Patch|Touch", or "none".
func (c Capabilities) String() string {
	var names []string
	for i, n := range []string{"Patch", "Touch", "Iterate", "Cleanup", "Pop", "IndexOwners"} {
		if c&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	if rest := c &^ allCapabilities; rest != 0 {
		names = append(names, fmt.Sprintf("0x%x", uint8(rest)))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, "|")
}

// CapabilitiesOf reports the capabilities of s: what it declares if it is
// a Declarer, otherwise the optional interfaces its type implements.
func CapabilitiesOf(s Store) Capabilities {
	if d, ok := s.(Declarer); ok {
		return d.Capabilities()
	}
	return implemented(s)
}

// implemented reports the optional interfaces s's type implements.
func implemented(s Store) Capabilities {
	var c Capabilities
	if _, ok := s.(Patcher); ok {
		c |= CanPatch
	}
	if _, ok := s.(Toucher); ok {
		c |= CanTouch
	}
	if _, ok := s.(Iterator); ok {
		c |= CanIterate
	}
	if _, ok := s.(Cleaner); ok {
		c |= CanCleanup
	}
	if _, ok := s.(Popper); ok {
		c |= CanPop
	}
	if _, ok := s.(OwnerIndex); ok {
		c |= CanIndexOwners
	}
	return c
}

// checkDeclared reports a declared capability whose method is missing.
func checkDeclared(s Store, c Capabilities) error {
	if rest := c &^ allCapabilities; rest != 0 {
		return fmt.Errorf("%w: store %T declares unknown capabilities %v", ErrInvalidConfig, s, rest)
	}
	if missing := c &^ implemented(s); missing != 0 {
		return fmt.Errorf("%w: store %T declares %v but does not implement it", ErrInvalidConfig, s, missing)
	}
	return nil
}
