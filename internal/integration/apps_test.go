package integration_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	echosession "github.com/sessionkit/sessionkit/adapters/echo"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/leaktest"
)

// apps are every adapter: the root module's (net/http, chi) and those in
// modules of their own.
var apps = append(append([]leaktest.App(nil), leaktest.Apps...),
	leaktest.App{Name: "gin", New: ginApp},
	leaktest.App{Name: "echo", New: echoApp},
)

var ginQuiet sync.Once

func ginApp(m *core.Manager, logs *leaktest.Logs) http.Handler {
	ginQuiet.Do(func() { gin.SetMode(gin.ReleaseMode) }) // no route dump on stdout
	r := gin.New()
	r.Use(gin.LoggerWithWriter(logs), gin.RecoveryWithWriter(logs), ginsession.Middleware(m))
	for _, rt := range leaktest.Routes {
		r.Handle(rt.Method, leaktest.ColonParams(rt.Path), func(c *gin.Context) {
			c.String(http.StatusOK, rt.Do(ginsession.Get(c), c.Param))
		})
	}
	return r
}

func echoApp(m *core.Manager, logs *leaktest.Logs) http.Handler {
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
	for _, rt := range leaktest.Routes {
		e.Add(rt.Method, leaktest.ColonParams(rt.Path), func(c echo.Context) error {
			return c.String(http.StatusOK, rt.Do(echosession.Get(c), c.Param))
		})
	}
	return e
}
