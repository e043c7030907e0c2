package core

// VerifyUpFront makes m verify every request's tokens when the request
// begins, as a manager that cannot be lazy does (see Manager.lazyVerify),
// for tests that compare the two.
func VerifyUpFront(m *Manager) { m.lazy = false }
