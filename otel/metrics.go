package sessionotel

import (
	"context"
	"errors"
	"fmt"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"

	"github.com/sessionkit/sessionkit/core"
)

// The attribute keys, on metrics and spans alike.
const (
	keyOperation   = attribute.Key("sessionkit.store.operation")
	keyOutcome     = attribute.Key("sessionkit.outcome")
	keyReason      = attribute.Key("sessionkit.reason")
	keySecretIndex = attribute.Key("sessionkit.secret.index")
	keyStoreKind   = attribute.Key("sessionkit.store.kind")
	keySize        = attribute.Key("sessionkit.session.size")
)

// The number of values of core's enums, with room for the zero value.
const (
	nOps      = int(core.StoreOwned) + 1
	nOutcomes = int(core.OutcomeThrottled) + 1
	nReasons  = int(core.ReasonEvicted) + 1
	// secrets with a cached attribute set; a higher index builds its own.
	nSecrets = 4
)

// durationBuckets suit store calls, from an in-process map (microseconds)
// to a remote store near its StoreTimeout (5 s by default).
var durationBuckets = []float64{0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// sizeBuckets span sessions from a login marker to core.DefaultLimits'
// 256 KiB.
var sizeBuckets = []float64{64, 256, 1024, 4096, 16384, 65536, 262144}

// instruments are the metrics, and the attribute sets of every value
// core's enums can take, built once so a measurement allocates nothing
// for them.
type instruments struct {
	storeDuration metric.Float64Histogram
	created       metric.Int64Counter
	destroyed     metric.Int64Counter
	regenerated   metric.Int64Counter
	expired       metric.Int64Counter
	rejected      metric.Int64Counter
	verified      metric.Int64Counter
	touches       metric.Int64Counter
	revoked       metric.Int64Counter
	size          metric.Int64Histogram

	byOpOutcome [nOps][nOutcomes]metric.MeasurementOption
	byReason    [nReasons]metric.MeasurementOption
	byOutcome   [nOutcomes]metric.MeasurementOption
	bySecret    [nSecrets]metric.MeasurementOption
}

// newInstruments creates the instruments on meter. An instrument that
// cannot be created is reported to otel.Handle and records nothing, as the
// OpenTelemetry API's own instruments do: telemetry never fails the app.
func newInstruments(meter metric.Meter) *instruments {
	in := &instruments{}
	var errs []error
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := meter.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		errs = append(errs, err)
		return c
	}
	var err error
	in.storeDuration, err = meter.Float64Histogram("sessionkit.store.duration", metric.WithUnit("s"),
		metric.WithDescription("Duration of session store operations."), metric.WithExplicitBucketBoundaries(durationBuckets...))
	errs = append(errs, err)
	in.size, err = meter.Int64Histogram("sessionkit.session.size", metric.WithUnit("By"),
		metric.WithDescription("Bytes of a session's keys and values, at each write."), metric.WithExplicitBucketBoundaries(sizeBuckets...))
	errs = append(errs, err)
	in.created = counter("sessionkit.sessions.created", "{session}", "Sessions stored for the first time.")
	in.destroyed = counter("sessionkit.sessions.destroyed", "{session}", "Sessions ended by Destroy.")
	in.regenerated = counter("sessionkit.sessions.regenerated", "{session}", "Sessions moved to a new ID.")
	in.expired = counter("sessionkit.sessions.expired", "{session}", "Requests presenting the token of an expired session, by reason.")
	in.rejected = counter("sessionkit.cookies.rejected", "{cookie}", "Session tokens not accepted, by reason.")
	in.verified = counter("sessionkit.secret.verified", "{cookie}", "Session tokens verified, by the index of the secret that verified them.")
	in.touches = counter("sessionkit.touches", "{touch}", "Idle touches, written or throttled.")
	in.revoked = counter("sessionkit.sessions.revoked", "{session}", "Sessions revoked through their owner, by reason: revoked or evicted.")
	if err := errors.Join(errs...); err != nil {
		otel.Handle(fmt.Errorf("sessionotel: creating instruments: %w", err))
	}
	in.attributeSets()
	return in
}

func (in *instruments) attributeSets() {
	for op := range nOps {
		for o := range nOutcomes {
			in.byOpOutcome[op][o] = metric.WithAttributeSet(attribute.NewSet(
				keyOperation.String(core.StoreOp(op).String()), keyOutcome.String(core.Outcome(o).String())))
		}
	}
	for r := range nReasons {
		in.byReason[r] = metric.WithAttributeSet(attribute.NewSet(keyReason.String(core.Reason(r).String())))
	}
	for o := range nOutcomes {
		in.byOutcome[o] = metric.WithAttributeSet(attribute.NewSet(keyOutcome.String(core.Outcome(o).String())))
	}
	for i := range nSecrets {
		in.bySecret[i] = secretSet(i)
	}
}

func secretSet(i int) metric.MeasurementOption {
	return metric.WithAttributeSet(attribute.NewSet(keySecretIndex.Int(i)))
}

// record turns one event into its measurement, if it has one.
func (in *instruments) record(ctx context.Context, e core.Event) {
	switch e.Kind {
	case core.EventStoreOp:
		in.storeDuration.Record(ctx, e.Duration.Seconds(), in.byOpOutcome[index(e.Op, nOps)][index(e.Outcome, nOutcomes)])
	case core.EventCreated:
		in.created.Add(ctx, 1)
	case core.EventDestroyed:
		in.destroyed.Add(ctx, 1)
	case core.EventRegenerated:
		in.regenerated.Add(ctx, 1)
	case core.EventExpired:
		in.expired.Add(ctx, 1, in.byReason[index(e.Reason, nReasons)])
	case core.EventCookieRejected:
		in.rejected.Add(ctx, 1, in.byReason[index(e.Reason, nReasons)])
	case core.EventVerified:
		if e.Secret >= 0 && e.Secret < nSecrets {
			in.verified.Add(ctx, 1, in.bySecret[e.Secret])
		} else {
			in.verified.Add(ctx, 1, secretSet(e.Secret))
		}
	case core.EventTouched:
		in.touches.Add(ctx, 1, in.byOutcome[index(e.Outcome, nOutcomes)])
	case core.EventSaved:
		in.size.Record(ctx, int64(e.Size))
	case core.EventRevoked:
		in.revoked.Add(ctx, 1, in.byReason[index(e.Reason, nReasons)])
	}
}

// index maps an enum value outside the known range (a newer core) to the
// zero value's slot rather than out of bounds.
func index[T ~uint8](v T, n int) int {
	if int(v) < n {
		return int(v)
	}
	return 0
}

// activeGauge registers sessionkit.sessions.active for s, if s can count.
func activeGauge(meter metric.Meter, s core.Store) {
	if !core.CapabilitiesOf(s).Has(core.CanIterate) {
		otel.Handle(fmt.Errorf("sessionotel: store %T cannot count its sessions (no core.CanIterate); sessionkit.sessions.active is not reported", s))
		return
	}
	it := s.(core.Iterator)
	_, err := meter.Int64ObservableGauge("sessionkit.sessions.active", metric.WithUnit("{session}"),
		metric.WithDescription("Live sessions in the store."),
		metric.WithInt64Callback(func(ctx context.Context, o metric.Int64Observer) error {
			n, err := it.Count(ctx)
			if err != nil {
				return fmt.Errorf("sessionotel: counting sessions: %w", err)
			}
			o.Observe(int64(n))
			return nil
		}))
	if err != nil {
		otel.Handle(fmt.Errorf("sessionotel: creating sessionkit.sessions.active: %w", err))
	}
}
