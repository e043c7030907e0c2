// Package sessionotel records sessionkit's sessions as OpenTelemetry
// traces and metrics: store latency, how many sessions exist, forged
// cookies, and which secrets still verify cookies. It is a module of its
// own, so apps that do not want OpenTelemetry never download it.
//
// New returns a core.Observer; set it as core.Config.Observer:
//
//	tel := sessionotel.New() // the global TracerProvider and MeterProvider
//	mgr, err := core.New(core.Config{Secrets: secrets, Observer: tel})
//
// The options follow otelhttp's: WithTracerProvider, WithMeterProvider and
// WithFilter, and WithStore for the gauge of live sessions.
//
// # Spans
//
// The session's load and commit are spans, children of the request's
// span (the one a tracing middleware such as otelhttp, otelgin or otelecho
// put in the request's context):
//
//	session.load    the first use of a session whose token verified
//	session.commit  a commit that writes, touches or deletes a record
//
// A request that never uses its session, or commits nothing, gets
// neither. Each store call is a child span of the phase it belongs to,
// timed as the call was: session.store.load, session.store.save,
// session.store.delete, session.store.patch, session.store.touch,
// session.store.pop and session.store.owned (listing an owner's sessions,
// a child of the request's span when a handler lists or revokes). A
// failed phase or store call has an error status and
// the error recorded. The other events are span events on the span
// current when they happen: session.cookie_rejected, session.expired
// (with sessionkit.reason), session.verified (with
// sessionkit.secret.index), session.loaded, session.created,
// session.regenerated, session.destroyed, session.revoked (with
// sessionkit.reason), session.saved (with
// sessionkit.session.size), session.touched (with sessionkit.outcome) and
// session.commit_failed (with exception.message).
//
// The span attributes are:
//
//	sessionkit.store.kind       the store's type, such as redisstore.Store (core.Event.Store)
//	sessionkit.store.operation  load, save, delete, patch, touch or pop
//	sessionkit.outcome          ok, not_found, error or timeout; ok or error on the phases
//
// No span, attribute or event ever holds a session ID, a token, a cookie,
// a store key or a secret.
//
// # Metrics
//
// The metrics, and the names the OpenTelemetry Prometheus exporter
// (go.opentelemetry.io/otel/exporters/prometheus) gives them:
//
//	metric                           kind, unit                  attributes                                         Prometheus
//	sessionkit.store.duration        histogram, s                sessionkit.store.operation, sessionkit.outcome     sessionkit_store_duration_seconds_bucket, _sum, _count
//	sessionkit.sessions.created      counter                                                                        sessionkit_sessions_created_total
//	sessionkit.sessions.destroyed    counter                                                                        sessionkit_sessions_destroyed_total
//	sessionkit.sessions.regenerated  counter                                                                        sessionkit_sessions_regenerated_total
//	sessionkit.sessions.expired      counter                     sessionkit.reason: idle, absolute                  sessionkit_sessions_expired_total
//	sessionkit.cookies.rejected      counter                     sessionkit.reason: malformed, bad_signature,       sessionkit_cookies_rejected_total
//	                                                             expired, unknown_id
//	sessionkit.secret.verified       counter                     sessionkit.secret.index: 0, 1, ...                 sessionkit_secret_verified_total
//	sessionkit.touches               counter                     sessionkit.outcome: written, throttled             sessionkit_touches_total
//	sessionkit.sessions.revoked      counter                     sessionkit.reason: revoked, evicted                sessionkit_sessions_revoked_total
//	sessionkit.session.size          histogram, By                                                                  sessionkit_session_size_bytes_bucket, _sum, _count
//	sessionkit.sessions.active       observable gauge (WithStore)                                                   sessionkit_sessions_active
//
// Attribute names become label names the same way: sessionkit_reason,
// sessionkit_store_operation, sessionkit_outcome, sessionkit_secret_index.
// Expiries and rejections are counted per request that presents the token
// (see core.EventExpired), session sizes at each write, and live sessions
// by the store's Count at each collection.
//
// # Serving Prometheus text
//
// With the exporter and promhttp (github.com/prometheus/client_golang):
//
//	exporter, err := prometheus.New() // registers with prometheus.DefaultRegisterer
//	if err != nil {
//		log.Fatal(err)
//	}
//	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
//	store := core.NewMemoryStore(core.MemoryStoreOptions{})
//	mgr, err := core.New(core.Config{
//		Secrets:  secrets,
//		Store:    store,
//		Observer: sessionotel.New(sessionotel.WithMeterProvider(mp), sessionotel.WithStore(store)),
//	})
//	// ...
//	mux.Handle("GET /metrics", promhttp.Handler())
//
// # A Grafana panel for rejected cookies
//
// A time-series panel on a Prometheus data source, with the query
//
//	sum by (sessionkit_reason) (rate(sessionkit_cookies_rejected_total[5m]))
//
// legend {{sessionkit_reason}} and unit "requests/sec" shows the
// rejected-cookie rate by reason. expired and unknown_id follow logouts
// and expiries and track traffic; a rise of bad_signature or malformed
// that traffic does not explain is someone forging cookies, worth an
// alert rule on the bad_signature series alone:
//
//	sum(rate(sessionkit_cookies_rejected_total{sessionkit_reason="bad_signature"}[5m])) > 1
//
// Two more panels answer the other questions operators ask. Store
// latency, by operation:
//
//	histogram_quantile(0.99, sum by (le, sessionkit_store_operation) (rate(sessionkit_store_duration_seconds_bucket[5m])))
//
// And whether an old secret can be retired: once
//
//	sum by (sessionkit_secret_index) (increase(sessionkit_secret_verified_total[1d]))
//
// has stayed at zero for index 1 for as long as core.Config.MaxLifetime,
// no live cookie needs it and it can be dropped from core.Config.Secrets.
package sessionotel
