package main

import (
	"log/slog"
	"net/http"
	"testing"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/examples/contract"
)

func TestMain(m *testing.M) { contract.Main(m) }

// app is this app as the contract suite drives it.
var app = contract.App{Run: run, NewHandler: testHandler}

// testHandler is the handler run serves, built as run builds it, over the
// suite's store.
func testHandler(getenv func(string) string, store core.Store, logger *slog.Logger, url string) (http.Handler, func(), error) {
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, nil, err
	}
	met, err := newMetrics(cfg, store, logger)
	if err != nil {
		return nil, nil, err
	}
	mgr, err := newManager(cfg, stores{sessions: store}, met.observer(), logger)
	if err != nil {
		met.close()
		return nil, nil, err
	}
	release := func() {
		mgr.Close()
		met.close()
	}
	return met.serve(newHandler(mgr, url)), release, nil
}

func TestContract(t *testing.T) {
	t.Parallel()
	contract.Run(t, app)
}

// TestLogsEachFailureOnce replaces slog's default logger while it runs, so
// it is not parallel.
func TestLogsEachFailureOnce(t *testing.T) {
	contract.LogsEachFailureOnce(t, app)
}
