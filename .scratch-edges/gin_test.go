package scratch

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/adaptertest"
)

func ginApp(t *testing.T, env *adaptertest.Env) http.Handler {
	gin.SetMode(gin.TestMode)
	file := filepath.Join(t.TempDir(), "f.txt")
	os.WriteFile(file, []byte("file body\n"), 0o600)
	r := gin.New()
	r.Use(gin.RecoveryWithWriter(io.Discard), ginsession.Middleware(env.User))
	mark := func(c *gin.Context) { ginsession.Get(c).Set("path", c.Request.URL.Path) }
	r.GET("/get", func(c *gin.Context) {
		v, err := core.Get[string](ginsession.Get(c), "path")
		if err != nil {
			v = "ERR " + err.Error()
		}
		c.String(200, v)
	})
	r.GET("/file", func(c *gin.Context) { mark(c); c.File(file) })
	r.HEAD("/file", func(c *gin.Context) { mark(c); c.File(file) })
	r.GET("/fs", func(c *gin.Context) { mark(c); c.FileFromFS("f.txt", http.Dir(filepath.Dir(file))) })
	r.GET("/reader", func(c *gin.Context) {
		mark(c)
		c.DataFromReader(200, 5, "text/plain", strings.NewReader("hello"), nil)
	})
	r.GET("/headernow", func(c *gin.Context) {
		c.Status(202)
		c.Writer.WriteHeaderNow()
		mark(c) // after headers on a new session: reported, not silently dropped
	})
	r.GET("/forward", func(c *gin.Context) {
		mark(c)
		c.Request.URL.Path = "/target"
		r.HandleContext(c)
	})
	r.GET("/target", func(c *gin.Context) { c.String(200, "target") })
	r.GET("/negotiate", func(c *gin.Context) {
		mark(c)
		c.Negotiate(200, gin.Negotiate{Offered: []string{gin.MIMEJSON}, Data: gin.H{"a": 1}})
	})
	return r
}

func TestGinEdges(t *testing.T) {
	for _, tc := range []struct {
		method, path string
		hdr          http.Header
	}{
		{"GET", "/file", nil},
		{"GET", "/file", http.Header{"If-Modified-Since": {time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)}}},
		{"HEAD", "/file", nil},
		{"GET", "/file", http.Header{"Range": {"bytes=100-200"}}},
		{"GET", "/fs", nil},
		{"GET", "/reader", nil},
		{"GET", "/headernow", nil},
		{"GET", "/forward", nil},
		{"GET", "/negotiate", nil},
	} {
		t.Run(tc.method+tc.path, func(t *testing.T) {
			env := adaptertest.NewEnv(t, adaptertest.Options{})
			c := adaptertest.Serve(t, ginApp, env)
			resp, body := c.Do(tc.method, tc.path, tc.hdr)
			ck := adaptertest.SetCookie(resp, adaptertest.UserCookie)
			got := c.Get("/get")
			t.Logf("%s %s %v -> %d body=%q cookie=%v; then /get=%q; errs=%v", tc.method, tc.path, tc.hdr, resp.StatusCode, body, ck != nil, got, env)
			if ck == nil && !strings.HasPrefix(got, "ERR") && got != "" {
				t.Errorf("no cookie but value persisted?")
			}
			if ck == nil && tc.path != "/headernow" {
				t.Errorf("%s %s: no session cookie on the response", tc.method, tc.path)
			}
		})
	}
}

var _ = httptest.NewRecorder
