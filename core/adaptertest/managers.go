package adaptertest

import "testing"

// testTwoManagers: two managers in one app keep separate cookies and never
// see each other's data.
func testTwoManagers(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	resp := c.Post("/admin/set/role/root")
	if ck := SetCookie(resp, AdminCookie); !live(ck) {
		t.Errorf("POST /admin/set/role/root: Set-Cookie %s = %v; want the admin session's cookie", AdminCookie, ck)
	}
	if ck := SetCookie(resp, UserCookie); ck != nil {
		t.Errorf("POST /admin/set/role/root: Set-Cookie %v; the user session was not used", ck)
	}
	resp = c.Post("/set/role/guest")
	if ck := SetCookie(resp, UserCookie); !live(ck) {
		t.Errorf("POST /set/role/guest: Set-Cookie %s = %v; want the user session's cookie", UserCookie, ck)
	}
	if ck := SetCookie(resp, AdminCookie); ck != nil {
		t.Errorf("POST /set/role/guest: Set-Cookie %v; the admin session was not used", ck)
	}
	for path, want := range map[string]string{
		"/admin/get/role": "root",
		"/get/role":       "guest",
		"/user/get/role":  "guest",
	} {
		if got := c.Get(path); got != want {
			t.Errorf("GET %s = %q; want %q", path, got, want)
		}
	}
	c.Post("/admin/set/only/admin")
	if got := c.Get("/get/only"); got != "" {
		t.Errorf("GET /get/only = %q; want \"\" (the user session must not see admin data)", got)
	}
}
