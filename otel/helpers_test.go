package sessionotel_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"go.opentelemetry.io/otel/attribute"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	chisession "github.com/sessionkit/sessionkit/adapters/chi"
	"github.com/sessionkit/sessionkit/core"
	sessionotel "github.com/sessionkit/sessionkit/otel"
)

// telemetry is an in-memory OpenTelemetry pipeline: every ended span in
// spans, and metrics collected on demand from reader.
type telemetry struct {
	spans  *tracetest.SpanRecorder
	reader *sdkmetric.ManualReader
	tp     *sdktrace.TracerProvider
	mp     *sdkmetric.MeterProvider
}

func newTelemetry(t testing.TB) *telemetry {
	t.Helper()
	tm := &telemetry{spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader()}
	tm.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(tm.spans))
	tm.mp = sdkmetric.NewMeterProvider(sdkmetric.WithReader(tm.reader))
	t.Cleanup(func() {
		tm.tp.Shutdown(context.Background())
		tm.mp.Shutdown(context.Background())
	})
	return tm
}

// observer returns an Observer on tm's providers.
func (tm *telemetry) observer(opts ...sessionotel.Option) *sessionotel.Observer {
	return sessionotel.New(append([]sessionotel.Option{sessionotel.WithTracerProvider(tm.tp), sessionotel.WithMeterProvider(tm.mp)}, opts...)...)
}

// collect returns the metrics recorded so far.
func (tm *telemetry) collect(t testing.TB) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	if err := tm.reader.Collect(context.Background(), &rm); err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return rm
}

// find returns the metric named name, or false.
func find(rm metricdata.ResourceMetrics, name string) (metricdata.Metrics, bool) {
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m, true
			}
		}
	}
	return metricdata.Metrics{}, false
}

// matches reports whether set holds every one of want.
func matches(set attribute.Set, want []attribute.KeyValue) bool {
	for _, kv := range want {
		if v, ok := set.Value(kv.Key); !ok || v != kv.Value {
			return false
		}
	}
	return true
}

// count returns, for the counter or histogram named name, the sum of the
// counter's points or the histogram's counts whose attributes hold attrs;
// for the gauge, its last value.
func count(t testing.TB, rm metricdata.ResourceMetrics, name string, attrs ...attribute.KeyValue) int64 {
	t.Helper()
	m, ok := find(rm, name)
	if !ok {
		return 0
	}
	var n int64
	switch d := m.Data.(type) {
	case metricdata.Sum[int64]:
		for _, p := range d.DataPoints {
			if matches(p.Attributes, attrs) {
				n += p.Value
			}
		}
	case metricdata.Histogram[float64]:
		for _, p := range d.DataPoints {
			if matches(p.Attributes, attrs) {
				n += int64(p.Count)
			}
		}
	case metricdata.Histogram[int64]:
		for _, p := range d.DataPoints {
			if matches(p.Attributes, attrs) {
				n += int64(p.Count)
			}
		}
	case metricdata.Gauge[int64]:
		for _, p := range d.DataPoints {
			n = p.Value
		}
	default:
		t.Fatalf("metric %s is a %T", name, m.Data)
	}
	return n
}

// requestKey marks the request span's attribute naming the request.
const requestKey = attribute.Key("test.request")

// traced is the request-span middleware a tracing library would be:
// every request runs under a span named "request".
func traced(tp trace.TracerProvider, h http.Handler) http.Handler {
	tracer := tp.Tracer("test")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "request", trace.WithAttributes(requestKey.String(r.Method+" "+r.URL.Path)))
		defer span.End()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

// route is one route of the test apps: each one session operation.
type route struct {
	method, path string
	do           func(ctx context.Context, s *core.Session, param func(string) string) string
}

var (
	keyK = core.Key[string]("k")
	user = core.Key[string]("user")
)

var routes = []route{
	{http.MethodPost, "/set/{v}", func(_ context.Context, s *core.Session, p func(string) string) string {
		keyK.Set(s, p("v"))
		return "ok"
	}},
	{http.MethodGet, "/get", func(_ context.Context, s *core.Session, _ func(string) string) string { return keyK.Get(s) }},
	{http.MethodPost, "/login", func(_ context.Context, s *core.Session, _ func(string) string) string {
		s.Regenerate()
		user.Set(s, "ann")
		return "ok"
	}},
	{http.MethodPost, "/logout", func(_ context.Context, s *core.Session, _ func(string) string) string { s.Destroy(); return "ok" }},
	{http.MethodGet, "/none", func(context.Context, *core.Session, func(string) string) string { return "ok" }},
	{http.MethodGet, "/id", func(_ context.Context, s *core.Session, _ func(string) string) string { return s.ID() }},
	{http.MethodPost, "/bind/{u}", func(_ context.Context, s *core.Session, p func(string) string) string {
		s.Regenerate()
		s.SetOwner(p("u"))
		return "ok"
	}},
	{http.MethodPost, "/revoke-others", func(ctx context.Context, s *core.Session, _ func(string) string) string {
		n, err := s.RevokeOthers(ctx)
		if err != nil {
			return "error"
		}
		return fmt.Sprint(n)
	}},
}

// adapter is one framework's app: routes on the manager.
type adapter struct {
	name string
	app  func(m *core.Manager) http.Handler
}

var adapters = []adapter{
	{"nethttp", func(m *core.Manager) http.Handler {
		mux := http.NewServeMux()
		for _, rt := range routes {
			mux.HandleFunc(rt.method+" "+rt.path, func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, rt.do(r.Context(), core.FromRequest(r), r.PathValue))
			})
		}
		return m.Handler(mux)
	}},
	{"chi", func(m *core.Manager) http.Handler {
		r := chi.NewRouter()
		r.Use(chisession.Middleware(m))
		for _, rt := range routes {
			r.MethodFunc(rt.method, rt.path, func(w http.ResponseWriter, r *http.Request) {
				io.WriteString(w, rt.do(r.Context(), chisession.Get(r), func(k string) string { return chi.URLParam(r, k) }))
			})
		}
		return r
	}},
}

// inProcess serves each request with h on the calling goroutine, so that
// tests on virtual time (testing/synctest) need no listener.
type inProcess struct{ h http.Handler }

func (p inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	if r.Body == nil {
		r.Body = http.NoBody
	}
	rec := httptest.NewRecorder()
	p.h.ServeHTTP(rec, r)
	resp := rec.Result()
	resp.Request = r
	return resp, nil
}

var site = &url.URL{Scheme: "http", Host: "example.com", Path: "/"}

// client is a browser: a cookie jar in front of an app.
type client struct {
	t *testing.T
	c *http.Client
}

func newClient(t *testing.T, h http.Handler) *client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &client{t: t, c: &http.Client{Jar: jar, Transport: inProcess{h}}}
}

// do sends "METHOD /path" and returns the status and body.
func (c *client) do(req string) (int, string) {
	c.t.Helper()
	method, path, _ := strings.Cut(req, " ")
	r, err := http.NewRequest(method, "http://example.com"+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := c.c.Do(r)
	if err != nil {
		c.t.Fatalf("%s: %v", req, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// cookie returns the session cookie's value in the jar.
func (c *client) cookie() string {
	for _, ck := range c.c.Jar.Cookies(site) {
		if ck.Name == core.DefaultCookieName {
			return ck.Value
		}
	}
	return ""
}

func (c *client) setCookie(v string) {
	c.c.Jar.SetCookies(site, []*http.Cookie{{Name: core.DefaultCookieName, Value: v, Path: "/"}})
}

// forge changes one character of the token's signature.
func forge(v string) string {
	i := len(v) - 3
	c := byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

var (
	secretA = []byte("otel-test-secret-A-0123456789abc")
	secretB = []byte("otel-test-secret-B-0123456789abc")
)

// newManager returns a manager on cfg, with secretA unless cfg has
// secrets, closed when the test ends.
func newManager(t testing.TB, cfg core.Config) *core.Manager {
	t.Helper()
	if cfg.Secrets == nil {
		cfg.Secrets = [][]byte{secretA}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler) // the outages are the point
	}
	m, err := core.New(cfg)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func newMemoryStore(t testing.TB) *core.MemoryStore {
	s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { s.Close() })
	return s
}

var errDown = errors.New("store down at db.internal:6379")

// outage is a store whose every call fails while down is set.
type outage struct {
	core.StoreWrapper
	down atomic.Bool
}

func (o *outage) err() error {
	if o.down.Load() {
		return errDown
	}
	return nil
}

func (o *outage) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if err := o.err(); err != nil {
		return core.Record{}, false, err
	}
	return o.StoreWrapper.Load(ctx, key)
}

func (o *outage) Save(ctx context.Context, key string, rec core.Record) error {
	if err := o.err(); err != nil {
		return err
	}
	return o.StoreWrapper.Save(ctx, key, rec)
}

func (o *outage) Delete(ctx context.Context, key string) error {
	if err := o.err(); err != nil {
		return err
	}
	return o.StoreWrapper.Delete(ctx, key)
}

func (o *outage) Patch(ctx context.Context, key string, p core.Patch) (bool, error) {
	if err := o.err(); err != nil {
		return false, err
	}
	return o.StoreWrapper.Patch(ctx, key, p)
}

func (o *outage) Touch(ctx context.Context, key string, expiry time.Time) (bool, error) {
	if err := o.err(); err != nil {
		return false, err
	}
	return o.StoreWrapper.Touch(ctx, key, expiry)
}

// requestSpan returns the ended request span of req ("METHOD /path"); the
// last one if there are several.
func requestSpan(t testing.TB, spans []sdktrace.ReadOnlySpan, req string) sdktrace.ReadOnlySpan {
	t.Helper()
	var found sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == "request" && slices.Contains(s.Attributes(), requestKey.String(req)) {
			found = s
		}
	}
	if found == nil {
		t.Fatalf("no request span for %s", req)
	}
	return found
}

// children returns the names of the spans whose parent is parent, in the
// order they started.
func children(spans []sdktrace.ReadOnlySpan, parent sdktrace.ReadOnlySpan) []sdktrace.ReadOnlySpan {
	var out []sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Parent().SpanID() == parent.SpanContext().SpanID() && s.SpanContext().TraceID() == parent.SpanContext().TraceID() {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) })
	return out
}

func names(spans []sdktrace.ReadOnlySpan) []string {
	out := make([]string, 0, len(spans))
	for _, s := range spans {
		out = append(out, s.Name())
	}
	return out
}

// eventNames returns the names of a span's events.
func eventNames(s sdktrace.ReadOnlySpan) []string {
	var out []string
	for _, e := range s.Events() {
		out = append(out, e.Name)
	}
	return out
}

// eventAttr returns the attribute key of the span's first event named
// name, or an invalid value.
func eventAttr(s sdktrace.ReadOnlySpan, name string, key attribute.Key) attribute.Value {
	for _, e := range s.Events() {
		if e.Name == name {
			for _, kv := range e.Attributes {
				if kv.Key == key {
					return kv.Value
				}
			}
		}
	}
	return attribute.Value{}
}

// attr returns the span's attribute key, or an invalid value.
func attr(s sdktrace.ReadOnlySpan, key attribute.Key) attribute.Value {
	for _, kv := range s.Attributes() {
		if kv.Key == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}
