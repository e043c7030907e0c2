package leaktest

import (
	"io"
	"log"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"
	chimw "github.com/go-chi/chi/v5/middleware"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
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

// Apps are the adapters of the root module: net/http and chi. The
// adapters in modules of their own (gin, Echo) build their App from Routes
// in the integration module, which runs every adapter against every store.
var Apps = []App{
	{Name: "nethttp", New: netHTTPApp},
	{Name: "chi", New: chiApp},
}

// Route is one route of the contract. Do acts on the session with the
// route's path parameters (param returns the named one) and returns the
// body.
type Route struct {
	Method, Path string
	Do           func(s *core.Session, param func(string) string) string
}

// Routes are the contract's routes, with {name} path parameters.
var Routes = []Route{
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

// ColonParams turns {name} into :name, the syntax of gin and Echo.
func ColonParams(path string) string {
	return strings.NewReplacer("{", ":", "}", "").Replace(path)
}

func netHTTPApp(m *core.Manager, _ *Logs) http.Handler {
	mux := http.NewServeMux()
	for _, rt := range Routes {
		mux.HandleFunc(rt.Method+" "+rt.Path, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, rt.Do(core.FromRequest(r), r.PathValue))
		})
	}
	return m.Handler(mux)
}

func chiApp(m *core.Manager, logs *Logs) http.Handler {
	r := chi.NewRouter()
	r.Use(chimw.RequestLogger(&chimw.DefaultLogFormatter{Logger: log.New(logs, "", 0), NoColor: true}))
	r.Use(chisession.Middleware(m))
	for _, rt := range Routes {
		r.MethodFunc(rt.Method, rt.Path, func(w http.ResponseWriter, r *http.Request) {
			io.WriteString(w, rt.Do(chisession.Get(r), func(k string) string { return chi.URLParam(r, k) }))
		})
	}
	return r
}
