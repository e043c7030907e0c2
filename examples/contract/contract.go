package contract

import (
	"net/http"
	"strings"
	"testing"
)

// The contract's limits on what clients may store.
const (
	maxValueBytes  = 64 << 10 // body of PUT /api/kv/{key}
	maxFieldBytes  = 256      // form fields and kv keys
	maxSessionKeys = 32       // keys of one session, those of the other routes included
)

// Run checks that app serves the contract: every route and its edge
// cases, every error as JSON, the HTML page and its form posts, the
// settings, and the session's security properties seen from outside (a
// new ID at login, a cleared cookie and a deleted record at logout, store
// failures and panics hidden from clients), and GET /metrics with
// SESSION_METRICS.
func Run(t *testing.T, app App) {
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			c := start(t, app, setup{}).client(t)
			for _, s := range f.steps {
				s.run(t, c)
			}
		})
	}
	for _, tt := range []struct {
		name string
		fn   func(*testing.T, App)
	}{
		{"LoginRegeneratesSessionID", testLoginRegenerates},
		{"LogoutDestroysSession", testLogoutDestroys},
		{"CookieAttributes", testCookieAttributes},
		{"SecureCookieSettings", testSecureSettings},
		{"StoreFailuresStayPrivate", testStoreFailure},
		{"PanicsAnswerGeneric500", testPanic},
		{"SessionKeyCapRefusesFlood", testKeyCap},
		{"UnparsableTargetIsNetHTTPs400", testUnparsableTarget},
		{"MetricsSetting", testMetrics},
		{"OwnedSessions", testOwnedSessions},
		{"OwnerIndexFailuresStayPrivate", testOwnedFailure},
		{"RunServesOnListenerAddress", testRun},
		{"RunRejectsBadSettings", testRunRejectsBadSettings},
		{"ExpressReservedKeysAnswer400", testExpressReservedKeys},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, app)
		})
	}
}

var big = strings.Repeat("v", maxValueBytes)

// thisClient is how the page lists the session of a suite's client that
// logged in with Go's default User-Agent.
const thisClient = "Go HTTP client (this device)"

// fieldError is the 400 message for a bad form field.
func fieldError(name string) string { return name + " must be 1 to 256 bytes" }

// flows are sequences of exchanges by one client, starting without a
// session.
var flows = []struct {
	name  string
	steps []step
}{
	{"NoSessionReadsSetNoCookie", []step{
		{req: get("/api/views"), status: 200, json: `{"views": 0}`, cookie: noCookie},
		{req: get("/"), status: 200, page: &page{}, cookie: noCookie},
		{req: get("/api/me"), status: 401, errMsg: "not logged in", cookie: noCookie},
		{req: get("/api/flash"), status: 200, json: `{"flash": ""}`, cookie: noCookie},
		{req: get("/api/kv"), status: 200, json: `{"keys": []}`, cookie: noCookie},
		{req: get("/api/kv/color"), status: 404, errMsg: `no key "color" in the session`, cookie: noCookie},
	}},
	{"CountViews", []step{
		{req: post("/api/views"), status: 200, json: `{"views": 1}`, cookie: setsCookie},
		{req: post("/api/views"), status: 200, json: `{"views": 2}`},
		{req: get("/api/views"), status: 200, json: `{"views": 2}`, cookie: noCookie},
		{req: get("/api/views"), status: 200, json: `{"views": 2}`, cookie: noCookie},
		{req: get("/"), status: 200, page: &page{views: 2}},
	}},
	{"LoginAndMe", []step{
		{req: get("/api/me"), status: 401, isErr: true},
		{req: post("/api/login", "user", "  alice "), status: 200, json: `{"user": "alice"}`, cookie: setsCookie},
		{req: get("/api/me"), status: 200, json: `{"user": "alice"}`},
		{req: get("/"), status: 200, page: &page{user: "alice", devices: thisClient}},
	}},
	{"LoginRejectsBadUsers", []step{
		{req: post("/api/login"), status: 400, errMsg: fieldError("user"), cookie: noCookie},
		{req: post("/api/login", "user", " \t "), status: 400, errMsg: fieldError("user"), cookie: noCookie},
		{req: post("/api/login", "user", strings.Repeat("u", maxFieldBytes+1)), status: 400, errMsg: fieldError("user"), cookie: noCookie},
		{req: post("/api/login", "user", "a\x00b"), status: 400, errMsg: "user must be UTF-8 text without NUL", cookie: noCookie},
		{req: post("/api/login", "user", "\xff"), status: 400, errMsg: "user must be UTF-8 text without NUL", cookie: noCookie},
		{req: get("/api/me"), status: 401, isErr: true},
	}},
	{"FlashShownOnce", []step{
		{req: post("/api/flash", "msg", "saved"), status: 200, json: `{"ok": true}`, cookie: setsCookie},
		{req: get("/api/flash"), status: 200, json: `{"flash": "saved"}`},
		{req: get("/api/flash"), status: 200, json: `{"flash": ""}`},
		{req: post("/api/flash"), status: 400, errMsg: fieldError("msg")},
	}},
	{"PageConsumesFlash", []step{
		{req: post("/api/flash", "msg", "hello"), status: 200, json: `{"ok": true}`},
		{req: get("/"), status: 200, page: &page{flash: "hello"}},
		{req: get("/"), status: 200, page: &page{}},
		{req: get("/api/flash"), status: 200, json: `{"flash": ""}`},
	}},
	{"PageEscapesUserData", []step{
		{req: post("/api/login", "user", `<script>alert("u")</script>`), status: 200},
		{req: post("/api/flash", "msg", `<img src=x onerror=alert(1)>`), status: 200},
		// parsePage only matches escaped text: a raw tag would end the element early.
		{req: get("/"), status: 200, page: &page{user: `<script>alert("u")</script>`, flash: `<img src=x onerror=alert(1)>`, devices: thisClient}},
	}},
	{"FormPostsRedirectToPage", []step{
		{req: submit("/api/views"), status: 303, cookie: setsCookie},
		{req: submit("/api/views"), status: 303},
		{req: submit("/api/login", "user", "bob"), status: 303, cookie: setsCookie},
		{req: submit("/api/flash", "msg", "welcome"), status: 303},
		{req: get("/"), status: 200, page: &page{views: 2, user: "bob", flash: "welcome", devices: thisClient}},
		{req: get("/"), status: 200, page: &page{views: 2, user: "bob", devices: thisClient}},
		{req: submit("/api/logout"), status: 303, cookie: clearsCookie},
		{req: get("/"), status: 200, page: &page{}, cookie: noCookie},
	}},
	// A form error re-renders the page with the message, never raw JSON.
	{"FormErrorsShowOnPage", []step{
		{req: submit("/api/login", "user", " \t "), status: 400, page: &page{error: fieldError("user")}, cookie: noCookie},
		{req: submit("/api/flash"), status: 400, page: &page{error: fieldError("msg")}, cookie: noCookie},
		{req: submit("/api/views"), status: 303, cookie: setsCookie},
		{req: submit("/api/flash", "msg", "hi"), status: 303},
		// The page shown with the error is a page view: it shows the flash message, once.
		{req: submit("/api/login", "user", "   "), status: 400, page: &page{views: 1, flash: "hi", error: fieldError("user")}},
		{req: get("/"), status: 200, page: &page{views: 1}},
		{req: get("/api/me"), status: 401, isErr: true},
	}},
	// The per-user session routes need a logged-in user, a session alone
	// is not enough; they set no cookie.
	{"SessionRoutesNeedLogin", []step{
		{req: get("/api/sessions"), status: 401, errMsg: msgNotLoggedIn, cookie: noCookie},
		{req: send(http.MethodDelete, "/api/sessions/some-handle"), status: 401, errMsg: msgNotLoggedIn, cookie: noCookie},
		{req: post("/api/sessions/revoke-others"), status: 401, errMsg: msgNotLoggedIn, cookie: noCookie},
		{req: submit("/sessions/revoke", "id", "some-handle"), status: 401, page: &page{error: msgNotLoggedIn}, cookie: noCookie},
		{req: submit("/sessions/revoke-others"), status: 401, page: &page{error: msgNotLoggedIn}, cookie: noCookie},
		{req: post("/api/views"), status: 200, cookie: setsCookie},
		{req: get("/api/sessions"), status: 401, errMsg: msgNotLoggedIn, cookie: noCookie},
		{req: send(http.MethodDelete, "/api/sessions/some-handle"), status: 401, errMsg: msgNotLoggedIn, cookie: noCookie},
		{req: post("/api/sessions/revoke-others"), status: 401, errMsg: msgNotLoggedIn, cookie: noCookie},
		{req: submit("/sessions/revoke-others"), status: 401, page: &page{views: 1, error: msgNotLoggedIn}, cookie: noCookie},
		{req: post("/api/login", "user", "dana"), status: 200},
		{req: post("/api/logout"), status: 200, cookie: clearsCookie},
		{req: get("/api/sessions"), status: 401, errMsg: msgNotLoggedIn},
		{req: post("/api/sessions/revoke-others"), status: 401, errMsg: msgNotLoggedIn},
	}},
	{"KeyValue", []step{
		{req: get("/api/kv/color"), status: 404, isErr: true},
		{req: put("/api/kv/color", "blue"), status: 200, json: `{"key": "color", "value": "blue"}`, cookie: setsCookie},
		{req: get("/api/kv/color"), status: 200, json: `{"key": "color", "value": "blue"}`},
		{req: put("/api/kv/color", "green"), status: 200, json: `{"key": "color", "value": "green"}`},
		{req: put("/api/kv/note", `<b>"héllo" ✓</b>`), status: 200, json: `{"key": "note", "value": "<b>\"héllo\" ✓</b>"}`},
		{req: put("/api/kv/empty", ""), status: 200, json: `{"key": "empty", "value": ""}`},
		{req: put("/api/kv/big", big), status: 200},
		// JSON writes each "<" as \u003c: six times the body, still stored.
		{req: put("/api/kv/escaped", strings.Repeat("<", maxValueBytes)), status: 200},
		{req: get("/api/kv/color"), status: 200, json: `{"key": "color", "value": "green"}`},
		{req: get("/api/kv/note"), status: 200, json: `{"key": "note", "value": "<b>\"héllo\" ✓</b>"}`},
		{req: get("/api/kv/nothing"), status: 404, isErr: true},
		{req: post("/api/views"), status: 200},
		{req: post("/api/login", "user", "carol"), status: 200},
		{req: get("/api/kv"), status: 200, json: `{"keys": ["big", "color", "empty", "escaped", "note", "user", "views"]}`},
	}},
	{"KeyValueEscapedKeys", []step{
		{req: put("/api/kv/a%20b", "1"), status: 200, json: `{"key": "a b", "value": "1"}`},
		{req: put("/api/kv/c%2Fd", "2"), status: 200, json: `{"key": "c/d", "value": "2"}`},
		{req: put("/api/kv/100%25", "3"), status: 200, json: `{"key": "100%", "value": "3"}`},
		{req: put("/api/kv/%C3%A9t%C3%A9", "4"), status: 200, json: `{"key": "été", "value": "4"}`},
		{req: get("/api/kv/c%2Fd"), status: 200, json: `{"key": "c/d", "value": "2"}`},
		{req: get("/api/kv/100%25"), status: 200, json: `{"key": "100%", "value": "3"}`},
		{req: get("/api/kv"), status: 200, json: `{"keys": ["100%", "a b", "c/d", "été"]}`},
	}},
	{"KeyValueLimits", []step{
		{req: put("/api/kv/big", big+"v"), status: 413, errMsg: "value larger than 65536 bytes", cookie: noCookie},
		{req: put("/api/kv/bad", "\xff\xfe"), status: 400, errMsg: "value is not UTF-8 text", cookie: noCookie},
		{req: put("/api/kv/views", "7"), status: 400, errMsg: `key "views" is used by the other routes`, cookie: noCookie},
		{req: put("/api/kv/user", "mallory"), status: 400, isErr: true, cookie: noCookie},
		{req: put("/api/kv/"+strings.Repeat("k", maxFieldBytes+1), "v"), status: 400, errMsg: "key must be 1 to 256 bytes", cookie: noCookie},
		{req: get("/api/kv/flash"), status: 400, isErr: true},
		{req: get("/api/kv"), status: 200, json: `{"keys": []}`},
		{req: get("/api/me"), status: 401, isErr: true},
	}},
	// Escapes that parse but make a bad key are the app's to refuse; see
	// testUnparsableTarget for those that do not parse.
	{"BadEscapesAnswerJSON400", []step{
		{req: put("/api/kv/%FF", "v"), status: 400, errMsg: "key must be UTF-8 text without NUL", cookie: noCookie},
		{req: put("/api/kv/a%C3", "v"), status: 400, errMsg: "key must be UTF-8 text without NUL", cookie: noCookie},
		{req: put("/api/kv/nul%00", "v"), status: 400, errMsg: "key must be UTF-8 text without NUL", cookie: noCookie},
		{req: get("/api/kv/%FF%FE"), status: 400, errMsg: "key must be UTF-8 text without NUL", cookie: noCookie},
		{req: get("/api/kv"), status: 200, json: `{"keys": []}`},
	}},
	// Outside the listed routes every app answers alike, in JSON.
	{"UnknownRoutesAnswerJSON", []step{
		{req: get("/nope"), status: 404, errMsg: msgNotFound, cookie: noCookie},
		{req: get("/api/kv/"), status: 404, errMsg: msgNotFound, cookie: noCookie},
		{req: post("/api/nope"), status: 404, errMsg: msgNotFound, cookie: noCookie},
		{req: get("/nope").with("Accept", "text/html"), status: 404, errMsg: msgNotFound, cookie: noCookie},
		// Form fields come from the body only, never the query string.
		{req: post("/api/login?user=mallory"), status: 400, errMsg: fieldError("user"), cookie: noCookie},
	}},
	{"WrongMethodsAnswerJSON405WithAllow", []step{
		{req: send(http.MethodDelete, "/api/kv/x"), status: 405, errMsg: msgMethod, allow: []string{"GET", "PUT"}, cookie: noCookie},
		{req: put("/api/views", "1"), status: 405, errMsg: msgMethod, allow: []string{"GET", "POST"}, cookie: noCookie},
		{req: get("/api/login"), status: 405, errMsg: msgMethod, allow: []string{"POST"}, cookie: noCookie},
		{req: send(http.MethodPatch, "/api/kv"), status: 405, errMsg: msgMethod, allow: []string{"GET"}, cookie: noCookie},
		{req: post("/"), status: 405, errMsg: msgMethod, allow: []string{"GET"}, cookie: noCookie},
		{req: submit("/"), status: 405, errMsg: msgMethod, allow: []string{"GET"}, cookie: noCookie},
		{req: send(http.MethodDelete, "/api/sessions"), status: 405, errMsg: msgMethod, allow: []string{"GET"}, cookie: noCookie},
		{req: get("/api/sessions/some-handle"), status: 405, errMsg: msgMethod, allow: []string{"DELETE"}, cookie: noCookie},
		{req: get("/sessions/revoke"), status: 405, errMsg: msgMethod, allow: []string{"POST"}, cookie: noCookie},
		{req: get("/sessions/revoke-others"), status: 405, errMsg: msgMethod, allow: []string{"POST"}, cookie: noCookie},
	}},
	// Cross-origin writes are refused before the session is touched, so
	// they store nothing; reads and same-origin writes pass.
	{"CrossOriginWritesAnswerJSON403", []step{
		{req: post("/api/views").with("Sec-Fetch-Site", "cross-site"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: submit("/api/login", "user", "mallory").with("Sec-Fetch-Site", "cross-site"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: put("/api/kv/x", "v").with("Sec-Fetch-Site", "same-site"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: post("/api/flash", "msg", "hi").with("Origin", "http://evil.example"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: send(http.MethodDelete, "/api/sessions/some-handle").with("Sec-Fetch-Site", "cross-site"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: post("/api/sessions/revoke-others").with("Origin", "http://evil.example"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: submit("/sessions/revoke", "id", "some-handle").with("Sec-Fetch-Site", "cross-site"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: submit("/sessions/revoke-others").with("Sec-Fetch-Site", "same-site"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: get("/api/views").with("Sec-Fetch-Site", "cross-site"), status: 200, json: `{"views": 0}`},
		{req: post("/api/views").with("Sec-Fetch-Site", "same-origin"), status: 200, json: `{"views": 1}`, cookie: setsCookie},
		{req: post("/api/views").with("Sec-Fetch-Site", "cross-site"), status: 403, errMsg: msgCrossOrigin, cookie: noCookie},
		{req: get("/api/kv"), status: 200, json: `{"keys": ["views"]}`},
	}},
}
