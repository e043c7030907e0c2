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
// middleware on its default memory store, and gin-contrib/sessions with
// its cookie store (the data travels in the cookie) and its memory store
// (server-side, like sessionkit and scs).
func Gin() []Subject {
	return []Subject{
		{Lib: "bare", Bare: true, New: newBareGin},
		{Lib: "sessionkit", New: newSessionkitGin},
		{Lib: "gin-contrib-cookie", New: func(string) (http.Handler, func(), error) {
			return newGinContrib(cookie.NewStore(secret)), noop, nil
		}},
		{Lib: "gin-contrib-memstore", New: func(string) (http.Handler, func(), error) {
			return newGinContrib(memstore.NewStore(secret)), noop, nil
		}},
	}
}

// newGinEngine returns an engine with no default middleware (no logger, no
// recovery), so only the session middleware differs between subjects.
func newGinEngine(mw gin.HandlerFunc, read, write gin.HandlerFunc) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	if mw != nil {
		e.Use(mw)
	}
	e.GET(PathUntouched, func(c *gin.Context) { _, _ = c.Writer.Write(okBody) })
	e.GET(PathRead, read)
	e.GET(PathWrite, write)
	return e
}

func newBareGin(string) (http.Handler, func(), error) {
	return newGinEngine(nil,
		func(c *gin.Context) { writeInt(c.Writer, 0) },
		func(c *gin.Context) { writeInt(c.Writer, 1) },
	), noop, nil
}

func newSessionkitGin(string) (http.Handler, func(), error) {
	mgr, err := newManager()
	if err != nil {
		return nil, nil, err
	}
	e := newGinEngine(ginsession.Middleware(mgr),
		func(c *gin.Context) { sessionkitRead(c.Writer, ginsession.Get(c)) },
		func(c *gin.Context) { sessionkitWrite(c.Writer, ginsession.Get(c)) },
	)
	return e, func() { _ = mgr.Close() }, nil
}

func newGinContrib(store sessions.Store) *gin.Engine {
	return newGinEngine(sessions.Sessions("session", store),
		func(c *gin.Context) {
			n, _ := sessions.Default(c).Get(Key).(int)
			writeInt(c.Writer, n)
		},
		func(c *gin.Context) {
			s := sessions.Default(c)
			n, _ := s.Get(Key).(int)
			s.Set(Key, n+1)
			if err := s.Save(); err != nil {
				c.String(http.StatusInternalServerError, err.Error())
				return
			}
			writeInt(c.Writer, n+1)
		},
	)
}
