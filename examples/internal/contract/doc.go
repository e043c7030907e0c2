// Package contract is the end-to-end test suite for the example programs:
// one table of HTTP exchanges that examples/gin, examples/echo and
// examples/chi each run against their own handler, so the three stay
// identical in behaviour. The contract itself is documented in package app.
//
// Each example's main_test.go is:
//
//	func TestContract(t *testing.T) {
//		t.Parallel()
//		contract.Run(t, newHandler)
//	}
//
//	func TestLogsEachFailureOnce(t *testing.T) {
//		contract.LogsEachFailureOnce(t, newHandler)
//	}
//
// Every subtest starts its own server (httptest, a memory store, a
// cookiejar client that does not follow redirects), so subtests run in
// parallel and can count the store's records exactly.
package contract
