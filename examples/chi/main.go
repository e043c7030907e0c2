// Command chi is the sessionkit example app on chi: a view counter, login,
// flash messages and a small key-value API over one session, a user's
// active sessions (list them, revoke one, sign out everywhere else), and an
// HTML page to try it in a browser.
//
//	go run .   # then open the URL it logs, http://127.0.0.1:8080 by default
//
// It is self-contained: copy this directory into a module of its own and
// run go mod tidy. The settings (ADDR, SESSION_STORE, SESSION_SECRET,
// SESSION_SECURE and more) are read from the environment in config.go;
// the routes, with their session calls, are in routes.go. examples/gin and
// examples/echo serve the same HTTP contract, which the tests check
// (package github.com/sessionkit/sessionkit/examples/contract documents
// it).
//
// With SESSION_METRICS=1 it also serves the session metrics in Prometheus
// text at GET /metrics, through OpenTelemetry (metrics.go).
//
// With SESSION_COMPAT=express it shares the sessions of an express-session
// app on that app's Redis or PostgreSQL store, and with express-migrate it
// moves them to its own as their users come back (session.go, store.go).
package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// shutdownTimeout bounds the wait for in-flight requests on shutdown.
const shutdownTimeout = 10 * time.Second

func main() {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Getenv, logger); err != nil {
		logger.Error("exiting", "error", err)
		os.Exit(1)
	}
}

// run serves the app until ctx is done, then shuts down gracefully. It
// reads the settings through getenv and logs the URL it really listens on
// ("listening", with attribute url), which gives the port when ADDR ends
// in :0.
func run(ctx context.Context, getenv func(string) string, logger *slog.Logger) error {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	st, closeStores, err := openStore(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer closeStores()
	met, err := newMetrics(cfg, st.sessions, logger) // nil without SESSION_METRICS
	if err != nil {
		return err
	}
	defer met.close()
	mgr, err := newManager(cfg, st, met.observer(), logger)
	if err != nil {
		return err
	}
	defer mgr.Close()
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("ADDR=%s: %w (set ADDR to a free address, or :0 for any free port)", cfg.addr, err)
	}
	url := listenURL(ln.Addr())
	srv := &http.Server{
		Handler:           met.serve(newHandler(mgr, url)), // GET /metrics, with SESSION_METRICS
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "url", url, "store", cfg.store, "metrics", cfg.metrics)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if serveErr := <-served; !errors.Is(serveErr, http.ErrServerClosed) {
		err = errors.Join(err, serveErr)
	}
	return err
}

// listenURL returns the URL of a listener on addr. A listener on every
// interface (ADDR=:8080) is reached at localhost.
func listenURL(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return "http://" + addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
