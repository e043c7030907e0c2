package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"

	"github.com/sessionkit/sessionkit/core"
	sessionotel "github.com/sessionkit/sessionkit/otel"
)

// metricsPath is where the app serves its metrics, with SESSION_METRICS.
const metricsPath = "/metrics"

// metrics are the session metrics of SESSION_METRICS: the manager's
// Observer records them through OpenTelemetry into the Prometheus
// exporter, which GET /metrics serves as Prometheus text. They are store
// latency, sessions created, regenerated, destroyed and live, rejected
// cookies by reason and which secret verified each cookie; package
// github.com/sessionkit/sessionkit/otel lists them with the names
// dashboards query. A nil *metrics is SESSION_METRICS off: the manager
// has no Observer, so no OpenTelemetry code runs, and /metrics is the
// JSON 404 of any unknown path.
type metrics struct {
	provider *sdkmetric.MeterProvider
	obs      *sessionotel.Observer
	handler  http.Handler
}

// newMetrics returns the metrics of a manager over store, which they
// count the live sessions of, or nil when cfg.metrics is off. store is
// stores.sessions: with SESSION_COMPAT=express the Express app's store,
// every session of both apps; with express-migrate the native one, the
// sessions moved so far and those begun since. The Prometheus registry
// is the app's own, not prometheus.DefaultRegisterer: /metrics then shows
// the session metrics only (add collectors.NewGoCollector for the
// runtime's), and several apps can share a process, as the tests start
// them.
func newMetrics(cfg config, store core.Store, logger *slog.Logger) (*metrics, error) {
	if !cfg.metrics {
		return nil, nil
	}
	registry := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry))
	if err != nil {
		return nil, fmt.Errorf("SESSION_METRICS: prometheus exporter: %w", err)
	}
	provider := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	return &metrics{
		provider: provider,
		obs:      sessionotel.New(sessionotel.WithMeterProvider(provider), sessionotel.WithStore(store)),
		// A failed collection is logged and the rest served, never sent
		// to the scraper: its text may come from the store.
		handler: promhttp.HandlerFor(registry, promhttp.HandlerOpts{
			ErrorLog:      slog.NewLogLogger(logger.Handler(), slog.LevelError),
			ErrorHandling: promhttp.ContinueOnError,
		}),
	}, nil
}

// observer returns the manager's core.Config.Observer: nil, no observer
// at all, when m is nil.
func (m *metrics) observer() core.Observer {
	if m == nil {
		return nil
	}
	return m.obs
}

// serve returns h with /metrics answered first: GET (and HEAD) with the
// metrics, any other method with the JSON 405. A scrape thus never
// reaches the session middleware: it loads no session, sets no cookie and
// is not itself counted. With m nil, serve returns h.
func (m *metrics) serve(h http.Handler) http.Handler {
	if m == nil {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path != metricsPath:
			h.ServeHTTP(w, r)
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			m.handler.ServeHTTP(w, r)
		default:
			methodNotAllowed(w, []string{http.MethodGet, http.MethodHead})
		}
	})
}

// close shuts the meter provider down; nothing is lost, since Prometheus
// pulls. It does nothing when m is nil.
func (m *metrics) close() error {
	if m == nil {
		return nil
	}
	return m.provider.Shutdown(context.Background())
}
