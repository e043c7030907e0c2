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
// echosession middleware on its memory store, and echo-contrib's session
// middleware with three gorilla stores: quasoft/memstore (in memory,
// server-side, the closest match to sessionkit's memory store; it is the
// store gin-contrib's memstore wraps), FilesystemStore (server-side, one file
// per session under the scratch directory) and CookieStore (the data travels
// in the cookie).
func Echo() []Subject {
	return []Subject{
		{Lib: "bare", Bare: true, New: newBareEcho},
		{Lib: "sessionkit", Idle: true, Counted: true, New: newSessionkitEcho},
		{Lib: "echo-contrib-memstore", New: func(Options) (http.Handler, func(), error) {
			return newEchoContrib(memstore.NewMemStore(Secret)), noop, nil
		}},
		{Lib: "echo-contrib-fs", New: func(o Options) (http.Handler, func(), error) {
			return newEchoContrib(gsessions.NewFilesystemStore(o.Dir, Secret)), noop, nil
		}},
		{Lib: "echo-contrib-cookie", New: func(Options) (http.Handler, func(), error) {
			return newEchoContrib(gsessions.NewCookieStore(Secret)), noop, nil
		}},
	}
}

// echoRoutes are the handlers of the paths every echo subject serves.
type echoRoutes struct {
	read, write, put, count echo.HandlerFunc
}

// newEchoServer returns an echo instance with no default middleware, so only
// the session middleware differs between subjects.
func newEchoServer(mw echo.MiddlewareFunc, rt echoRoutes) *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	if mw != nil {
		e.Use(mw)
	}
	e.GET(PathUntouched, echoOK)
	e.GET(PathRead, rt.read)
	e.GET(PathWrite, rt.write)
	e.GET(PathPut, rt.put)
	e.GET(PathCount, rt.count)
	return e
}

func echoOK(c echo.Context) error {
	_, err := c.Response().Write(okBody)
	return err
}

func newBareEcho(Options) (http.Handler, func(), error) {
	return newEchoServer(nil, echoRoutes{
		read:  func(c echo.Context) error { writeInt(c.Response(), 0); return nil },
		write: func(c echo.Context) error { writeInt(c.Response(), 1); return nil },
		put:   echoOK,
		count: func(c echo.Context) error { writeInt(c.Response(), 0); return nil },
	}), noop, nil
}

func newSessionkitEcho(o Options) (http.Handler, func(), error) {
	mgr, closeFn, err := newManager(o)
	if err != nil {
		return nil, nil, err
	}
	e := newEchoServer(echosession.Middleware(mgr), echoRoutes{
		read:  func(c echo.Context) error { sessionkitRead(c.Response(), echosession.Get(c)); return nil },
		write: func(c echo.Context) error { sessionkitWrite(c.Response(), echosession.Get(c)); return nil },
		put: func(c echo.Context) error {
			sessionkitPut(c.Response(), echosession.Get(c), c.QueryParam("k"))
			return nil
		},
		count: func(c echo.Context) error { sessionkitCount(c.Response(), echosession.Get(c)); return nil },
	})
	return e, closeFn, nil
}

func newEchoContrib(store gsessions.Store) *echo.Echo {
	return newEchoServer(session.Middleware(store), echoRoutes{
		read: func(c echo.Context) error {
			s, err := session.Get("session", c)
			if err != nil {
				return err
			}
			n, _ := s.Values[Key].(int)
			writeInt(c.Response(), n)
			return nil
		},
		write: func(c echo.Context) error {
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
		put: func(c echo.Context) error {
			s, err := session.Get("session", c)
			if err != nil {
				return err
			}
			s.Values[c.QueryParam("k")] = 1
			if err := s.Save(c.Request(), c.Response()); err != nil {
				return err
			}
			return echoOK(c)
		},
		count: func(c echo.Context) error {
			s, err := session.Get("session", c)
			if err != nil {
				return err
			}
			writeInt(c.Response(), countPresent(func(name string) bool { return s.Values[name] != nil }))
			return nil
		},
	})
}
