package app

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sessionkit/sessionkit/core"
)

// shutdownTimeout bounds the wait for in-flight requests on shutdown.
const shutdownTimeout = 10 * time.Second

// Main runs an example program: it reads the environment, serves the
// handler newHandler returns until SIGINT or SIGTERM, and exits with status
// 1 after logging the error if anything fails, a bad setting above all.
func Main(newHandler func(*core.Manager) http.Handler) {
	logger := slog.New(slog.NewTextHandler(os.Stderr, nil))
	slog.SetDefault(logger)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := Run(ctx, os.Getenv, logger, newHandler); err != nil {
		logger.Error("exiting", "error", err)
		os.Exit(1)
	}
}

// Run serves the example until ctx is done, then shuts down gracefully. It
// logs the address it listens on ("listening", with attribute url), which
// tells callers the port when ADDR ends in :0. Cross-origin form posts are
// refused by http.CrossOriginProtection, on top of the SameSite=Lax
// session cookie.
func Run(ctx context.Context, getenv func(string) string, logger *slog.Logger, newHandler func(*core.Manager) http.Handler) error {
	cfg, err := LoadConfig(getenv)
	if err != nil {
		return err
	}
	mgr, release, err := Open(ctx, cfg, logger)
	if err != nil {
		return err
	}
	defer release()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	srv := &http.Server{
		Handler:           http.NewCrossOriginProtection().Handler(newHandler(mgr)),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	logger.Info("listening", "url", "http://"+ln.Addr().String(), "store", cfg.Store)

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
