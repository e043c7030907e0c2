package bench

import (
	"net/http"

	"github.com/gin-contrib/sessions"
	"github.com/gin-contrib/sessions/cookie"
	"github.com/gin-contrib/sessions/memstore"
	"github.com/gin-gonic/gin"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
)

// Gin returns the gin subjects: a bare engine, sessionkit's ginsession
// middleware on its memory store, and gin-contrib/sessions with its cookie
// store (the data travels in the cookie) and its memory store
// (server-side, like sessionkit and scs).
func Gin() []Subject {
	return []Subject{
		{Lib: "bare", Bare: true, New: newBareGin},
		{Lib: "sessionkit", Idle: true, Counted: true, New: newSessionkitGin},
		{Lib: "gin-contrib-cookie", New: func(Options) (http.Handler, func(), error) {
			return newGinContrib(cookie.NewStore(Secret)), noop, nil
		}},
		{Lib: "gin-contrib-memstore", New: func(Options) (http.Handler, func(), error) {
			return newGinContrib(memstore.NewStore(Secret)), noop, nil
		}},
	}
}

// ginRoutes are the handlers of the paths every gin subject serves.
type ginRoutes struct {
	read, write, put, count gin.HandlerFunc
}

// newGinEngine returns an engine with no default middleware (no logger, no
// recovery), so only the session middleware differs between subjects.
func newGinEngine(mw gin.HandlerFunc, rt ginRoutes) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	if mw != nil {
		e.Use(mw)
	}
	e.GET(PathUntouched, func(c *gin.Context) { _, _ = c.Writer.Write(okBody) })
	e.GET(PathRead, rt.read)
	e.GET(PathWrite, rt.write)
	e.GET(PathPut, rt.put)
	e.GET(PathCount, rt.count)
	return e
}

func newBareGin(Options) (http.Handler, func(), error) {
	return newGinEngine(nil, ginRoutes{
		read:  func(c *gin.Context) { writeInt(c.Writer, 0) },
		write: func(c *gin.Context) { writeInt(c.Writer, 1) },
		put:   func(c *gin.Context) { _, _ = c.Writer.Write(okBody) },
		count: func(c *gin.Context) { writeInt(c.Writer, 0) },
	}), noop, nil
}

func newSessionkitGin(o Options) (http.Handler, func(), error) {
	mgr, closeFn, err := newManager(o)
	if err != nil {
		return nil, nil, err
	}
	e := newGinEngine(ginsession.Middleware(mgr), ginRoutes{
		read:  func(c *gin.Context) { sessionkitRead(c.Writer, ginsession.Get(c)) },
		write: func(c *gin.Context) { sessionkitWrite(c.Writer, ginsession.Get(c)) },
		put:   func(c *gin.Context) { sessionkitPut(c.Writer, ginsession.Get(c), c.Query("k")) },
		count: func(c *gin.Context) { sessionkitCount(c.Writer, ginsession.Get(c)) },
	})
	return e, closeFn, nil
}

func newGinContrib(store sessions.Store) *gin.Engine {
	return newGinEngine(sessions.Sessions("session", store), ginRoutes{
		read: func(c *gin.Context) {
			n, _ := sessions.Default(c).Get(Key).(int)
			writeInt(c.Writer, n)
		},
		write: func(c *gin.Context) {
			s := sessions.Default(c)
			n, _ := s.Get(Key).(int)
			s.Set(Key, n+1)
			if ginSave(c, s) {
				writeInt(c.Writer, n+1)
			}
		},
		put: func(c *gin.Context) {
			s := sessions.Default(c)
			s.Set(c.Query("k"), 1)
			if ginSave(c, s) {
				_, _ = c.Writer.Write(okBody)
			}
		},
		count: func(c *gin.Context) {
			s := sessions.Default(c)
			writeInt(c.Writer, countPresent(func(name string) bool { return s.Get(name) != nil }))
		},
	})
}

// ginSave saves s, answering 500 when that fails.
func ginSave(c *gin.Context, s sessions.Session) bool {
	if err := s.Save(); err != nil {
		c.String(http.StatusInternalServerError, "save failed")
		return false
	}
	return true
}
