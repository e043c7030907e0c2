package sessionotel

import (
	"context"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"

	"github.com/sessionkit/sessionkit/core"
)

// Option configures New.
type Option interface {
	apply(*config)
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

type config struct {
	tp     trace.TracerProvider
	mp     metric.MeterProvider
	filter Filter
	store  core.Store
}

// Filter reports whether to record the spans and measurements of the
// request whose context ctx is: return false to record nothing for it. ctx
// holds the request's span (trace.SpanFromContext) and the values the
// app's own middleware put there, so a filter can leave out health checks
// that a tracing middleware did not sample:
//
//	sessionotel.WithFilter(func(ctx context.Context) bool {
//		return trace.SpanFromContext(ctx).IsRecording()
//	})
//
// It is called for every event and phase, so it must be quick.
type Filter func(ctx context.Context) bool

// WithTracerProvider sets the TracerProvider the spans come from. The
// default is the global one, otel.GetTracerProvider(), as resolved when
// New is called; a global provider set later is used too, since the
// global one delegates to it.
func WithTracerProvider(tp trace.TracerProvider) Option {
	return optionFunc(func(c *config) {
		if tp != nil {
			c.tp = tp
		}
	})
}

// WithMeterProvider sets the MeterProvider the metrics come from. The
// default is the global one, otel.GetMeterProvider(), as resolved when
// New is called.
func WithMeterProvider(mp metric.MeterProvider) Option {
	return optionFunc(func(c *config) {
		if mp != nil {
			c.mp = mp
		}
	})
}

// WithFilter sets the filter deciding which requests are recorded. The
// default records every request. The sessionkit.sessions.active gauge,
// which belongs to no request, is not filtered.
func WithFilter(f Filter) Option {
	return optionFunc(func(c *config) { c.filter = f })
}

// WithStore makes the Observer report sessionkit.sessions.active, the
// live sessions in s, counted with the store's Count at each collection.
// Pass the store given to core.Config.Store (with the default memory
// store, create it with core.NewMemoryStore and pass it to both). A store
// that cannot count (it does not declare core.CanIterate) gets no gauge,
// and the reason goes to otel.Handle. Counting may scan the store, as
// Redis's does, once per collection interval. The default is no gauge.
func WithStore(s core.Store) Option {
	return optionFunc(func(c *config) { c.store = s })
}

func newConfig(opts []Option) config {
	c := config{tp: otel.GetTracerProvider(), mp: otel.GetMeterProvider()}
	for _, o := range opts {
		o.apply(&c)
	}
	return c
}
