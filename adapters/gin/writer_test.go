package ginsession_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// hijackApp answers /hijack by writing its own response on the hijacked
// connection, copying the response headers so the cookie travels.
func hijackApp(t *testing.T, env *adaptertest.Env) http.Handler {
	r := gin.New()
	r.Use(ginsession.Middleware(env.User))
	r.GET("/hijack", func(c *gin.Context) {
		core.Key[string]("k").Set(ginsession.Get(c), "hijacked")
		conn, buf, err := c.Writer.Hijack()
		if err != nil {
			return
		}
		defer conn.Close()
		fmt.Fprint(buf, "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n")
		c.Writer.Header().Write(buf)
		fmt.Fprint(buf, "\r\nok")
		buf.Flush()
	})
	r.GET("/get", func(c *gin.Context) {
		c.String(http.StatusOK, core.Key[string]("k").Get(ginsession.Get(c)))
	})
	return r
}

func TestHijackCommitsFirst(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	c := adaptertest.Serve(t, hijackApp, env)
	resp, body := c.Do(http.MethodGet, "/hijack", nil)
	if resp.StatusCode != http.StatusOK || body != "ok" {
		t.Fatalf("GET /hijack = %d %q; want 200 %q", resp.StatusCode, body, "ok")
	}
	if ck := adaptertest.SetCookie(resp, adaptertest.UserCookie); ck == nil {
		t.Error("GET /hijack: no session cookie in the headers the handler copied; the session did not commit before the hijack")
	}
	if got := c.Get("/get"); got != "hijacked" {
		t.Errorf("GET /get after a hijack = %q; want %q", got, "hijacked")
	}
}

func TestHijackAfterFailedCommit(t *testing.T) {
	env := adaptertest.NewEnv(t, adaptertest.Options{})
	c := adaptertest.Serve(t, hijackApp, env)
	env.Store().SetFailing(true)
	resp, body := c.Do(http.MethodGet, "/hijack", nil)
	if resp.StatusCode != http.StatusInternalServerError {
		t.Errorf("GET /hijack with a failing store = %d %q; want the error handler's 500 instead of the hijack", resp.StatusCode, body)
	}
}
