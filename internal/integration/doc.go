// Package integration holds the tests that span modules: every adapter
// against every store, and the stores whose drivers no published module
// should carry (scs's mysqlstore on MariaDB). It is a module of its own,
// so that none of these test-only dependencies reaches a user's build
// list.
package integration
