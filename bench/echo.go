package bench

import (
	"net/http"

	gsessions "github.com/gorilla/sessions"
	"github.com/labstack/echo-contrib/session"
	"github.com/labstack/echo/v4"
	"github.com/quasoft/memstore"
	echosession "github.com/sessionkit/sessionkit/adapters/echo"
)

// Echo returns the echo subjects: a bare echo instance, sessionkit's
// echosession middleware on its default memory store, and echo-contrib's
// session middleware with three gorilla stores: quasoft/memstore (in memory,
// server-side, the closest match to sessionkit's memory store; it is the
// store gin-contrib's memstore wraps), FilesystemStore (server-side, one file
// per session under the scratch directory) and CookieStore (the data travels
// in the cookie).
func Echo() []Subject {
	return []Subject{
		{Lib: "bare", Bare: true, New: newBareEcho},
		{Lib: "sessionkit", New: newSessionkitEcho},
		{Lib: "echo-contrib-memstore", New: func(string) (http.Handler, func(), error) {
			return newEchoContrib(memstore.NewMemStore(secret)), noop, nil
		}},
		{Lib: "echo-contrib-fs", New: func(dir string) (http.Handler, func(), error) {
			return newEchoContrib(gsessions.NewFilesystemStore(dir, secret)), noop, nil
		}},
		{Lib: "echo-contrib-cookie", New: func(string) (http.Handler, func(), error) {
			return newEchoContrib(gsessions.NewCookieStore(secret)), noop, nil
		}},
	}
}

// newEchoServer returns an echo instance with no default middleware, so only
// the session middleware differs between subjects.
func newEchoServer(mw echo.MiddlewareFunc, read, write echo.HandlerFunc) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	if mw != nil {
		e.Use(mw)
	}
	e.GET(PathUntouched, func(c echo.Context) error {
		_, err := c.Response().Write(okBody)
		return err
	})
	e.GET(PathRead, read)
	e.GET(PathWrite, write)
	return e
}

func newBareEcho(string) (http.Handler, func(), error) {
	return newEchoServer(nil,
		func(c echo.Context) error { writeInt(c.Response(), 0); return nil },
		func(c echo.Context) error { writeInt(c.Response(), 1); return nil },
	), noop, nil
}

func newSessionkitEcho(string) (http.Handler, func(), error) {
	mgr, err := newManager()
	if err != nil {
		return nil, nil, err
	}
	e := newEchoServer(echosession.Middleware(mgr),
		func(c echo.Context) error { sessionkitRead(c.Response(), echosession.Get(c)); return nil },
		func(c echo.Context) error { sessionkitWrite(c.Response(), echosession.Get(c)); return nil },
	)
	return e, func() { _ = mgr.Close() }, nil
}

func newEchoContrib(store gsessions.Store) *echo.Echo {
	return newEchoServer(session.Middleware(store),
		func(c echo.Context) error {
			s, err := session.Get("session", c)
			if err != nil {
				return err
			}
			n, _ := s.Values[Key].(int)
			writeInt(c.Response(), n)
			return nil
		},
		func(c echo.Context) error {
			s, err := session.Get("session", c)
			if err != nil {
				return err
			}
			n, _ := s.Values[Key].(int)
			s.Values[Key] = n + 1
			if err := s.Save(c.Request(), c.Response()); err != nil {
				return err
			}
			writeInt(c.Response(), n+1)
			return nil
		},
	)
}
