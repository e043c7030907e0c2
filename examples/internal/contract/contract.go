package contract

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/internal/app"
)

// Run checks that the handler newHandler builds serves the examples'
// contract: every route, its edge cases, the HTML page and its form posts,
// and the session's security properties seen from outside (a new ID at
// login, a cleared cookie and a deleted record at logout, store failures
// hidden from clients).
func Run(t *testing.T, newHandler func(*core.Manager) http.Handler) {
	for _, f := range flows {
		t.Run(f.name, func(t *testing.T) {
			t.Parallel()
			srv := start(t, newHandler, nil, nil)
			c := srv.client(t)
			for _, s := range f.steps {
				s.run(t, c)
			}
		})
	}
	for _, tt := range []struct {
		name string
		fn   func(*testing.T, func(*core.Manager) http.Handler)
	}{
		{"LoginRegeneratesSessionID", testLoginRegenerates},
		{"LogoutDestroysSession", testLogoutDestroys},
		{"CookieAttributes", testCookieAttributes},
		{"StoreFailuresStayPrivate", testStoreFailure},
		{"SessionKeyCapRefusesFlood", testKeyCap},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, newHandler)
		})
	}
}

var big = strings.Repeat("v", app.MaxValueBytes)

// flows are sequences of exchanges by one client, starting without a
// session.
var flows = []struct {
	name  string
	steps []step
}{
	{"NoSessionReadsSetNoCookie", []step{
		{req: get("/api/views"), status: 200, json: `{"views": 0}`, cookie: noCookie},
		{req: get("/"), status: 200, page: &page{}, cookie: noCookie},
		{req: get("/api/me"), status: 401, isErr: true, cookie: noCookie},
		{req: get("/api/flash"), status: 200, json: `{"flash": ""}`, cookie: noCookie},
		{req: get("/api/kv"), status: 200, json: `{"keys": []}`, cookie: noCookie},
		{req: get("/api/kv/color"), status: 404, isErr: true, cookie: noCookie},
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
		{req: get("/"), status: 200, page: &page{user: "alice"}},
	}},
	{"LoginRejectsBadUsers", []step{
		{req: post("/api/login"), status: 400, isErr: true, cookie: noCookie},
		{req: post("/api/login", "user", " \t "), status: 400, isErr: true, cookie: noCookie},
		{req: post("/api/login", "user", strings.Repeat("u", app.MaxFieldBytes+1)), status: 400, isErr: true, cookie: noCookie},
		{req: get("/api/me"), status: 401, isErr: true},
	}},
	{"FlashShownOnce", []step{
		{req: post("/api/flash", "msg", "saved"), status: 200, json: `{"ok": true}`, cookie: setsCookie},
		{req: get("/api/flash"), status: 200, json: `{"flash": "saved"}`},
		{req: get("/api/flash"), status: 200, json: `{"flash": ""}`},
		{req: post("/api/flash"), status: 400, isErr: true},
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
		{req: get("/"), status: 200, page: &page{user: `<script>alert("u")</script>`, flash: `<img src=x onerror=alert(1)>`}},
	}},
	{"FormPostsRedirectToPage", []step{
		{req: submit("/api/views"), status: 303, cookie: setsCookie},
		{req: submit("/api/views"), status: 303},
		{req: submit("/api/login", "user", "bob"), status: 303, cookie: setsCookie},
		{req: submit("/api/flash", "msg", "welcome"), status: 303},
		{req: get("/"), status: 200, page: &page{views: 2, user: "bob", flash: "welcome"}},
		{req: get("/"), status: 200, page: &page{views: 2, user: "bob"}},
		{req: submit("/api/logout"), status: 303, cookie: clearsCookie},
		{req: get("/"), status: 200, page: &page{}, cookie: noCookie},
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
		{req: put("/api/kv/escaped", strings.Repeat("<", app.MaxValueBytes)), status: 200},
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
		{req: put("/api/kv/big", big+"v"), status: 413, isErr: true, cookie: noCookie},
		{req: put("/api/kv/bad", "\xff\xfe"), status: 400, isErr: true, cookie: noCookie},
		{req: put("/api/kv/views", "7"), status: 400, isErr: true, cookie: noCookie},
		{req: put("/api/kv/user", "mallory"), status: 400, isErr: true, cookie: noCookie},
		{req: put("/api/kv/"+strings.Repeat("k", app.MaxFieldBytes+1), "v"), status: 400, isErr: true, cookie: noCookie},
		{req: get("/api/kv/flash"), status: 400, isErr: true},
		{req: put("/api/kv/%FF", "v"), status: 400, isErr: true, cookie: noCookie},
		{req: put("/api/kv/nul%00", "v"), status: 400, isErr: true, cookie: noCookie},
		{req: get("/api/kv"), status: 200, json: `{"keys": []}`},
		{req: get("/api/me"), status: 401, isErr: true},
	}},
	// Outside the listed routes the three apps answer alike, in JSON.
	{"UnknownRoutesAnswerJSON", []step{
		{req: get("/nope"), status: 404, isErr: true, cookie: noCookie},
		{req: get("/api/kv/"), status: 404, isErr: true, cookie: noCookie},
		{req: request{method: http.MethodDelete, path: "/api/kv/x"}, status: 405, isErr: true, cookie: noCookie},
		// Form fields come from the body only, never the query string.
		{req: post("/api/login?user=mallory"), status: 400, isErr: true, cookie: noCookie},
	}},
}
