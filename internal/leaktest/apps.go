package leaktest

import (
	"context"
	"io"
	"log"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"
	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	echosession "github.com/sessionkit/sessionkit/adapters/echo"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
)

// App is one framework's app under test. Its routes are:
//
//	POST /set/{key}/{value}  Key(key).Set(value); "ok"
//	GET  /get/{key}          body = Key(key).Get
//	POST /big                sets a value beyond core.DefaultLimits.ValueBytes
//	POST /login/{user}       Regenerate, Set("user", user); "ok"
//	POST /logout             Destroy; "ok"
//	POST /touch              Touch; "ok"
//	POST /flash/{msg}        Set("flash", msg); "ok"
//	GET  /flash              body = Key("flash").Pop
//
// Handlers never check session errors: a failure is the adapter's error
// path to answer, through the framework's usual error handling.
type App struct {
	Name string
	// New returns the app on m, with the framework's request logging
	// writing to logs.
	New func(m *core.Manager, logs *Logs) http.Handler
	// ErrorHandler, when set, is the manager's Config.ErrorHandler.
	ErrorHandler func(http.ResponseWriter, *http.Request, error)
}

// Apps are the adapters under test: net/http, chi, gin and Echo.
var Apps = []App{
	{Name: "nethttp", New: netHTTPApp},
	{Name: "chi", New: chiApp},
	{Name: "gin", New: ginApp},
	{Name: "echo", New: echoApp},
}

// route is one route of the contract; do acts on the session with the
// route's path parameters and returns the body.
type route struct {
	method, path string
	do           func(s *core.Session, param func(string) string) string
}

var routes = []route{
	{http.MethodPost, "/set/{key}/{value}", func(s *core.Session, p func(string) string) string {
		core.Key[string](p("key")).Set(s, p("value"))
		return "ok"
	}},
	{http.MethodGet, "/get/{key}", func(s *core.Session, p func(string) string) string {
		return core.Key[string](p("key")).Get(s)
	}},
	{http.MethodPost, "/big", func(s *core.Session, _ func(string) string) string {
		core.Key[string]("big").Set(s, strings.Repeat("x", 2*core.DefaultLimits.ValueBytes))
		return "ok"
	}},
	{http.MethodPost, "/login/{user}", func(s *core.Session, p func(string) string) string {
		s.Regenerate()
		core.Key[string]("user").Set(s, p("user"))
		return "ok"
	}},
	{http.MethodPost, "/logout", func(s *core.Session, _ func(string) string) string {
		s.Destroy()
		return "ok"
	}},
	{http.MethodPost, "/touch", func(s *core.Session, _ func(string) string) string {
		s.Touch()
		return "ok"
	}},
	{http.MethodPost, "/flash/{msg}", func(s *core.Session, p func(string) string) string {
		core.Key[string]("flash").Set(s, p("msg"))
		return "ok"
	}},
	{http.MethodGet, "/flash", func(s *core.Session, _ func(string) string) string {
		return core.Key[string]("flash").Pop(s)
	}},
}

// colonParams turns {name} into :name, the syntax of gin and Echo.
func colonParams(path string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(path)
}

func netHTTPApp(m *core.Manager, _ *Logs) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range routes {
		mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, rt.do(core.FromRequest(r), r.PathValue))
		})
	}
	return m.Handler(mux)
}

func chiApp(m *core.Manager, logs *Logs) http.Handler {
	r := chi.NewRouter()
	r.Use(chimw.RequestLogger(&chimw.DefaultLogFormatter{Logger: log.New(logs, "", 0), NoColor: true}))
	r.Use(chisession.Middleware(m))
	for _, rt := range routes {
		r.MethodFunc(rt.method, rt.path, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, rt.do(chisession.Get(r), func(k string) string { return chi.URLParam(r, k) }))
		})
	}
	return r
}

var ginQuiet sync.Once

func ginApp(m *core.Manager, logs *Logs) http.Handler {
	ginQuiet.Do(func() { gin.SetMode(gin.ReleaseMode) }) // no route dump on stdout
	r := gin.New()
	r.Use(gin.LoggerWithWriter(logs), gin.RecoveryWithWriter(logs), ginsession.Middleware(m))
	for _, rt := range routes {
		r.Handle(rt.method, colonParams(rt.path), func(c *gin.Context) {
			c.String(http.StatusOK, rt.do(ginsession.Get(c), c.Param))
		})
	}
	return r
}

func echoApp(m *core.Manager, logs *Logs) http.Handler {
	e := echo.New()
	logger := logs.Logger()
	e.Use(echomw.RequestLoggerWithConfig(echomw.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogError: true, HandleError: true,
		LogValuesFunc: func(_ echo.Context, v echomw.RequestLoggerValues) error {
			logger.LogAttrs(context.Background(), slog.LevelInfo, "echo request",
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.Int("status", v.Status), slog.Any("err", v.Error))
			return nil
		},
	}))
	e.Use(echosession.Middleware(m))
	for _, rt := range routes {
		e.Add(rt.method, colonParams(rt.path), func(c echo.Context) error {
			return c.String(http.StatusOK, rt.do(echosession.Get(c), c.Param))
		})
	}
	return e
}
