package adaptertest

import (
	"net/http"
	"strings"
	"testing"
)

// Adapter describes the adapter under test.
type Adapter struct {
	// NewApp builds the app under test for env, following the route
	// contract in the package documentation. It is called once per
	// scenario, each with its own Env. The expiry scenarios call it inside
	// a testing/synctest bubble and serve it in-process, so it must not
	// start goroutines that outlive the test; it may call t.TempDir and
	// t.Cleanup but not t.Run or t.Parallel.
	NewApp func(t *testing.T, env *Env) http.Handler

	// NoSessionHint is text that the errors of a session used without the
	// middleware must contain, naming the fix: for example
	// "ginsession.Middleware".
	NoSessionHint string

	// Paths are the framework's ways of responding. They must include at
	// least one path of each Kind from Body to Stream.
	Paths []Path
}

// Kind is a way of responding on which the session cookie must arrive.
type Kind int

// The kinds of response paths. Each of Body through Stream is required.
const (
	// Body: the handler renders a body with the framework's usual call.
	Body Kind = iota + 1
	// Nothing: the handler writes nothing; status 200, empty body.
	Nothing
	// NoContent: status 204 and no body.
	NoContent
	// Redirect: a 3xx status with a Location header.
	Redirect
	// Stream: the handler flushes part of the body before writing the
	// rest, so the response is chunked.
	Stream
	// Other is any other framework-specific way (aborts, files, errors
	// returned to the framework); only Status and Check apply.
	Other
)

var requiredKinds = []Kind{Body, Nothing, NoContent, Redirect, Stream}

// String returns the kind's name, for test messages.
func (k Kind) String() string {
	if k >= Body && k <= Other {
		return [...]string{"Body", "Nothing", "NoContent", "Redirect", "Stream", "Other"}[k-Body]
	}
	return "Kind(?)"
}

// Path is one route of an adapter's app: its handler sets the session key
// "path" to the request's URL path, then responds as Kind describes.
type Path struct {
	Method string // GET when empty
	Path   string // the URL path, without a query
	Kind   Kind
	Status int         // the status the route responds with
	Header http.Header // extra request headers, e.g. Accept-Encoding

	// Check, when set, makes framework-specific checks of a successful
	// response, for example that the body is compressed.
	Check func(t *testing.T, resp *http.Response, body string)
}

func (p Path) method() string {
	if p.Method == "" {
		return http.MethodGet
	}
	return p.Method
}

func (p Path) name() string {
	return p.method() + " " + strings.TrimPrefix(p.Path, "/")
}

// Run runs the whole suite against a. Scenarios run in parallel, each on
// its own Env and server; the expiry scenarios run on virtual time, in a
// testing/synctest bubble. A failing scenario is a failed test, never a
// skip.
func Run(t *testing.T, a Adapter) {
	if a.NewApp == nil {
		t.Fatal("adaptertest: Adapter.NewApp is nil")
	}
	scenarios := []struct {
		name string
		fn   func(*testing.T, Adapter)
	}{
		{"ResponsePaths", testPaths},
		{"StoreFailureOnResponsePaths", testPathsStoreFailure},
		{"ChangeAfterHeadersPersisted", testLateExisting},
		{"ChangeAfterHeadersOnNewSessionReported", testLateNew},
		{"PanicDoesNotCommit", testPanic},
		{"RegenerateRetiresOldCookie", testRegenerate},
		{"DestroyClearsCookieAndRecord", testDestroy},
		{"FlashReadOnce", testFlash},
		{"InstalledTwiceOneSession", testTwice},
		{"InstalledTwiceRollingLogin", testTwiceRollingLogin},
		{"StoreFailureLoggedOnce", func(t *testing.T, a Adapter) { LoggedOnce(t, a.NewApp) }},
		{"IdleExpiry", testIdleExpiry},
		{"AbsoluteExpiry", testAbsoluteExpiry},
		{"ForgedCookiesNeverReachStore", testForged},
		{"StaleCookieFirstNeverHidesLiveOne", testStaleCookieFirst},
		{"ForwardedProtoLastValueDecides", testForwardedProto},
		{"HeaderTokenOnlyForHeaderClients", testHeaderTransport},
		{"PersonalResponsesNotSharedCacheable", testCacheHeaders},
		{"LimitsRefuseTooLargeSet", testLimits},
		{"UntouchedRequestCostsNoStoreCall", testUntouched},
		{"ConcurrentWritesAllKept", testConcurrent},
		{"SaveFailure", testSaveFailure},
		{"LoadFailure", testLoadFailure},
		{"TwoManagers", testTwoManagers},
		{"NoMiddleware", testNoSession},
		{"OwnerSessionsListed", testOwnerListing},
		{"OwnerRevokeOne", testOwnerRevoke},
		{"OwnerRevokeOthers", testOwnerRevokeOthers},
		{"OwnerForeignHandleRevokesNothing", testOwnerForeignHandle},
		{"OwnerCap", testOwnerCap},
		{"OwnerBindingSurvivesRegenerate", testOwnerLifecycle},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			sc.fn(t, a)
		})
	}
}

// serve starts a's app on a fresh Env.
func serve(t *testing.T, a Adapter, opts Options) (*Env, *Client) {
	t.Helper()
	env := NewEnv(t, opts)
	return env, Serve(t, a.NewApp, env)
}

// serveInProcess builds a's app on a fresh Env and serves it in-process,
// for scenarios inside a testing/synctest bubble.
func serveInProcess(t *testing.T, a Adapter, opts Options) (*Env, *Client) {
	t.Helper()
	env := NewEnv(t, opts)
	return env, NewHandlerClient(t, a.NewApp(t, env))
}
