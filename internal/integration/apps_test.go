package integration_test

import (
	"context"
	"log/slog"
	"net/http"
	"sync"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	echomw "github.com/labstack/echo/v4/middleware"

	echov5 "github.com/labstack/echo/v5"
	echov5mw "github.com/labstack/echo/v5/middleware"

	echosession "github.com/sessionkit/sessionkit/adapters/echo"
	echov5session "github.com/sessionkit/sessionkit/adapters/echov5"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/leaktest"
)

// moduleApps are the adapters in modules of their own.
var moduleApps = []leaktest.App{
	{Name: "gin", New: ginApp},
	{Name: "echo", New: echoApp},
	{Name: "echov5", New: echoV5App},
}

// apps are every adapter: the root module's (net/http, chi) and the others.
var apps = append(append([]leaktest.App(nil), leaktest.Apps...), moduleApps...)

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

func echoV5App(m *core.Manager, logs *leaktest.Logs) http.Handler {
	e := echov5.New()
	logger := logs.Logger()
	e.Use(echov5mw.RequestLoggerWithConfig(echov5mw.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, HandleError: true,
		LogValuesFunc: func(_ *echov5.Context, v echov5mw.RequestLoggerValues) error {
			logger.LogAttrs(context.Background(), slog.LevelInfo, "echo request",
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.Int("status", v.Status), slog.Any("err", v.Error))
			return nil
		},
	}))
	e.Use(echov5session.Middleware(m))
	for _, rt := range leaktest.Routes {
		e.Add(rt.Method, leaktest.ColonParams(rt.Path), func(c *echov5.Context) error {
			return c.String(http.StatusOK, rt.Do(echov5session.Get(c), c.Param))
		})
	}
	return e
}
