package echosession_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/labstack/echo/v5"
	echosession "github.com/sessionkit/sessionkit/adapters/echov5"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adaptertest"
)

// TestHTTPErrorHandlerResponseCarriesCookie: a handler that sets a value
// and returns an error has written nothing; the middleware commits as it
// returns, so the response the app's own HTTPErrorHandler (Echo v5's
// signature, the context first) renders afterwards carries the cookie.
func TestHTTPErrorHandlerResponseCarriesCookie(t *testing.T) {
	tests := []struct {
		name   string
		err    error
		status int
	}{
		{"HTTPError", echo.NewHTTPError(http.StatusConflict, "taken"), http.StatusConflict},
		{"Sentinel", echo.ErrForbidden, http.StatusForbidden},
		{"WrappedSentinel", fmt.Errorf("lookup: %w", echo.ErrNotFound), http.StatusNotFound},
		{"PlainError", errors.New("handler failed"), http.StatusInternalServerError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := adaptertest.NewEnv(t, adaptertest.Options{})
			e := newEcho(env)
			e.HTTPErrorHandler = func(c *echo.Context, err error) {
				status := echo.StatusCode(err)
				if status == 0 {
					status = http.StatusInternalServerError
				}
				c.String(status, "custom error page")
			}
			e.Use(echosession.Middleware(env.User))
			e.POST("/fail", func(c *echo.Context) error {
				core.Key[string]("k").Set(echosession.Get(c), "v")
				return tt.err
			})
			e.GET("/get/k", func(c *echo.Context) error {
				return c.String(http.StatusOK, core.Key[string]("k").Get(echosession.Get(c)))
			})
			c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return e }, env)

			resp, body := c.Do(http.MethodPost, "/fail", nil)
			if resp.StatusCode != tt.status || body != "custom error page" {
				t.Errorf("POST /fail = %d %q; want %d %q", resp.StatusCode, body, tt.status, "custom error page")
			}
			if ck := adaptertest.SetCookie(resp, adaptertest.UserCookie); ck == nil || ck.Value == "" {
				t.Errorf("POST /fail: Set-Cookie %s = %v; want the new session's cookie", adaptertest.UserCookie, ck)
			}
			if got := c.Get("/get/k"); got != "v" {
				t.Errorf("after POST /fail, GET /get/k = %q; want %q", got, "v")
			}
		})
	}
}

// TestResponseUnwrapsThroughMiddleware: Echo v5 code reaches the
// *echo.Response with echo.UnwrapResponse (a handler reading its status)
// or echo.ResolveResponseStatus (a logger outside the middleware); both
// must see through the session's writer, to the status that was sent.
func TestResponseUnwrapsThroughMiddleware(t *testing.T) {
	for _, tt := range []struct {
		name    string
		failing bool
		want    int
	}{
		{"Committed", false, http.StatusCreated},
		{"StoreFailure", true, http.StatusInternalServerError},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := adaptertest.NewEnv(t, adaptertest.Options{})
			e := newEcho(env)
			resolved := make(chan int, 1)
			e.Use(func(next echo.HandlerFunc) echo.HandlerFunc {
				return func(c *echo.Context) error {
					err := next(c)
					_, status := echo.ResolveResponseStatus(c.Response(), err)
					resolved <- status
					return err
				}
			})
			e.Use(echosession.Middleware(env.User))
			e.POST("/set", func(c *echo.Context) error {
				core.Key[string]("k").Set(echosession.Get(c), "v")
				if err := c.String(http.StatusCreated, "created"); err != nil {
					return err
				}
				r, err := echo.UnwrapResponse(c.Response())
				if err != nil {
					return err
				}
				if !tt.failing && (r.Status != http.StatusCreated || !r.Committed) {
					return fmt.Errorf("*echo.Response status %d, committed %v; want 201, committed", r.Status, r.Committed)
				}
				return nil
			})
			c := adaptertest.Serve(t, func(*testing.T, *adaptertest.Env) http.Handler { return e }, env)
			env.Store().SetFailing(tt.failing)
			resp, body := c.Do(http.MethodPost, "/set", nil)
			if resp.StatusCode != tt.want {
				t.Errorf("POST /set = %d %q; want %d", resp.StatusCode, body, tt.want)
			}
			if got := <-resolved; got != tt.want {
				t.Errorf("echo.ResolveResponseStatus outside the middleware = %d; want %d", got, tt.want)
			}
		})
	}
}
