package sessionotel

import (
	"context"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/sessionkit/sessionkit/core"
)

// ScopeName is the instrumentation scope of the tracer and the meter.
const ScopeName = "github.com/sessionkit/sessionkit/otel"

// Observer records a manager's sessions as OpenTelemetry spans and
// metrics (see the package documentation). Set it as core.Config.Observer;
// it is a core.PhaseObserver. One Observer may serve several managers, and
// is safe for concurrent use.
type Observer struct {
	tracer trace.Tracer
	filter Filter
	in     *instruments
}

var _ core.PhaseObserver = (*Observer)(nil)

// New returns an Observer on the global TracerProvider and MeterProvider,
// or those the options give. It never fails: an instrument the
// MeterProvider refuses is reported to otel.Handle and records nothing.
func New(opts ...Option) *Observer {
	c := newConfig(opts)
	meter := c.mp.Meter(ScopeName)
	o := &Observer{tracer: c.tp.Tracer(ScopeName), filter: c.filter, in: newInstruments(meter)}
	if c.store != nil {
		activeGauge(meter, c.store)
	}
	return o
}

// The span and span-event names, by core's enum values, built once.
var (
	phaseNames = names("session.", core.PhaseCommit)
	storeNames = names("session.store.", core.StoreOwned)
	eventNames = names("session.", core.EventRevoked)
)

func names[T interface {
	~uint8
	String() string
}](prefix string, last T) []string {
	out := make([]string, last+1)
	for v := range last + 1 {
		out[v] = prefix + v.String()
	}
	return out
}

// phaseKey holds, in the context StartPhase returns, the span it started.
type phaseKey struct{}

type phaseSpan struct {
	o    *Observer
	span trace.Span
}

func (o *Observer) skip(ctx context.Context) bool {
	return o.filter != nil && !o.filter(ctx)
}

// phase returns the span this Observer started for the phase ctx is in.
func (o *Observer) phase(ctx context.Context) trace.Span {
	if ps, ok := ctx.Value(phaseKey{}).(*phaseSpan); ok && ps.o == o {
		return ps.span
	}
	return nil
}

// StartPhase implements core.PhaseObserver: it starts the span
// session.load or session.commit, a child of the request's span.
func (o *Observer) StartPhase(ctx context.Context, p core.Phase) context.Context {
	if o.skip(ctx) {
		return ctx
	}
	ctx, span := o.tracer.Start(ctx, phaseNames[index(p, len(phaseNames))], trace.WithSpanKind(trace.SpanKindInternal))
	return context.WithValue(ctx, phaseKey{}, &phaseSpan{o, span})
}

// EndPhase implements core.PhaseObserver: it ends the phase's span, with
// sessionkit.outcome ok or error, and an error status and the error
// recorded if the phase failed.
func (o *Observer) EndPhase(ctx context.Context, p core.Phase, err error) {
	span := o.phase(ctx)
	if span == nil {
		return // filtered out: there is no span of ours to end
	}
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "session "+p.String()+" failed")
		span.SetAttributes(keyOutcome.String(core.OutcomeError.String()))
	} else {
		span.SetAttributes(keyOutcome.String(core.OutcomeOK.String()))
	}
	span.End()
}

// Observe implements core.Observer: it records the event's metric, and a
// child span for a store operation or a span event for anything else.
func (o *Observer) Observe(ctx context.Context, e core.Event) {
	if o.skip(ctx) {
		return
	}
	o.in.record(ctx, e)
	if e.Kind == core.EventStoreOp {
		o.storeSpan(ctx, e)
		return
	}
	if span := trace.SpanFromContext(ctx); span.IsRecording() {
		span.AddEvent(eventNames[index(e.Kind, len(eventNames))], trace.WithAttributes(eventAttrs(e)...))
	}
}

// storeSpan records a store operation as a span under the phase's, timed
// as the operation was.
func (o *Observer) storeSpan(ctx context.Context, e core.Event) {
	kind := keyStoreKind.String(e.Store)
	if phase := o.phase(ctx); phase != nil {
		phase.SetAttributes(kind)
	}
	_, span := o.tracer.Start(ctx, storeNames[index(e.Op, nOps)], trace.WithSpanKind(trace.SpanKindInternal),
		trace.WithTimestamp(e.Start),
		trace.WithAttributes(kind, keyOperation.String(e.Op.String()), keyOutcome.String(e.Outcome.String())))
	if e.Err != nil {
		span.RecordError(e.Err)
		span.SetStatus(codes.Error, "session store "+e.Op.String()+" failed")
	}
	span.End(trace.WithTimestamp(e.Start.Add(e.Duration)))
}

// eventAttrs are the attributes of an event's span event.
func eventAttrs(e core.Event) []attribute.KeyValue {
	switch e.Kind {
	case core.EventCookieRejected, core.EventExpired, core.EventRevoked:
		return []attribute.KeyValue{keyReason.String(e.Reason.String())}
	case core.EventVerified:
		return []attribute.KeyValue{keySecretIndex.Int(e.Secret)}
	case core.EventTouched:
		return []attribute.KeyValue{keyOutcome.String(e.Outcome.String())}
	case core.EventSaved:
		return []attribute.KeyValue{keySize.Int(e.Size)}
	case core.EventCommitFailed:
		if e.Err != nil {
			return []attribute.KeyValue{attribute.String("exception.message", e.Err.Error())}
		}
	}
	return nil
}
