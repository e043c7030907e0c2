package integration_test

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
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	otelprom "go.opentelemetry.io/otel/exporters/prometheus"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	echosession "github.com/sessionkit/sessionkit/adapters/echo"
	ginsession "github.com/sessionkit/sessionkit/adapters/gin"
	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/internal/leaktest"
	sessionotel "github.com/sessionkit/sessionkit/otel"
)

// The OpenTelemetry module's request sequences over the adapters in
// modules of their own, gin and Echo (its own tests cover net/http and
// chi), and the metric names the Prometheus exporter serves.

var otelGinQuiet sync.Once

// otelApps build the leaktest route contract on each framework.
var otelApps = []struct {
	name string
	app  func(m *core.Manager) http.Handler
}{
	{"gin", func(m *core.Manager) http.Handler {
		otelGinQuiet.Do(func() { gin.SetMode(gin.ReleaseMode) })
		r := gin.New()
		r.Use(ginsession.Middleware(m))
		for _, rt := range leaktest.Routes {
			r.Handle(rt.Method, leaktest.ColonParams(rt.Path), func(c *gin.Context) {
				c.String(http.StatusOK, rt.Do(ginsession.Get(c), c.Param))
			})
		}
		return r
	}},
	{"echo", func(m *core.Manager) http.Handler {
		e := echo.New()
		e.Use(echosession.Middleware(m))
		for _, rt := range leaktest.Routes {
			e.Add(rt.Method, leaktest.ColonParams(rt.Path), func(c echo.Context) error {
				return c.String(http.StatusOK, rt.Do(echosession.Get(c), c.Param))
			})
		}
		return e
	}},
}

var (
	otelSecretA   = []byte("integration-otel-secret-A-012345")
	otelSecretB   = []byte("integration-otel-secret-B-012345")
	otelSite      = &url.URL{Scheme: "http", Host: "example.com", Path: "/"}
	otelRequest   = attribute.Key("test.request")
	otelOperation = attribute.Key("sessionkit.store.operation")
	otelOutcome   = attribute.Key("sessionkit.outcome")
	otelReason    = attribute.Key("sessionkit.reason")
	otelSecretIdx = attribute.Key("sessionkit.secret.index")
	otelStoreKind = attribute.Key("sessionkit.store.kind")
	errOtelDown   = errors.New("store down")
)

// otelEnv is one scenario: an in-memory trace and metric pipeline, and a
// framework.
type otelEnv struct {
	t      *testing.T
	spans  *tracetest.SpanRecorder
	tp     *sdktrace.TracerProvider
	reader *sdkmetric.ManualReader
	obs    *sessionotel.Observer
	app    func(m *core.Manager) http.Handler
}

func newOtelEnv(t *testing.T, app func(m *core.Manager) http.Handler) *otelEnv {
	e := &otelEnv{t: t, spans: tracetest.NewSpanRecorder(), reader: sdkmetric.NewManualReader(), app: app}
	e.tp = sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(e.spans))
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(e.reader))
	t.Cleanup(func() {
		e.tp.Shutdown(context.Background())
		mp.Shutdown(context.Background())
	})
	e.obs = sessionotel.New(sessionotel.WithTracerProvider(e.tp), sessionotel.WithMeterProvider(mp))
	return e
}

// client returns a browser for the framework's app on a manager of cfg,
// each request under a span named "request", as a tracing middleware
// would open.
func (e *otelEnv) client(cfg core.Config) *otelClient {
	e.t.Helper()
	if cfg.Secrets == nil {
		cfg.Secrets = [][]byte{otelSecretA}
	}
	cfg.Observer = e.obs
	m, err := core.New(cfg)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { m.Close() })
	app, tracer := e.app(m), e.tp.Tracer("test")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, span := tracer.Start(r.Context(), "request", trace.WithAttributes(otelRequest.String(r.Method+" "+r.URL.Path)))
		defer span.End()
		app.ServeHTTP(w, r.WithContext(ctx))
	}))
	e.t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	return &otelClient{t: e.t, base: srv.URL, c: &http.Client{Jar: jar}}
}

type otelClient struct {
	t    *testing.T
	base string
	c    *http.Client
}

func (c *otelClient) do(req string) int {
	c.t.Helper()
	method, path, _ := strings.Cut(req, " ")
	r, _ := http.NewRequest(method, c.base+path, nil)
	resp, err := c.c.Do(r)
	if err != nil {
		c.t.Fatalf("%s: %v", req, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func (c *otelClient) url() *url.URL { u, _ := url.Parse(c.base); return u }

func (c *otelClient) cookie() string {
	for _, ck := range c.c.Jar.Cookies(c.url()) {
		if ck.Name == core.DefaultCookieName {
			return ck.Value
		}
	}
	return ""
}

func (c *otelClient) setCookie(v string) {
	c.c.Jar.SetCookies(c.url(), []*http.Cookie{{Name: core.DefaultCookieName, Value: v, Path: "/"}})
}

// count sums the points of a counter, or the counts of a histogram, whose
// attributes hold attrs.
func (e *otelEnv) count(name string, attrs ...attribute.KeyValue) int64 {
	e.t.Helper()
	var rm metricdata.ResourceMetrics
	if err := e.reader.Collect(context.Background(), &rm); err != nil {
		e.t.Fatal(err)
	}
	var n int64
	holds := func(s attribute.Set) bool {
		for _, kv := range attrs {
			if v, ok := s.Value(kv.Key); !ok || v != kv.Value {
				return false
			}
		}
		return true
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name != name {
				continue
			}
			switch d := m.Data.(type) {
			case metricdata.Sum[int64]:
				for _, p := range d.DataPoints {
					if holds(p.Attributes) {
						n += p.Value
					}
				}
			case metricdata.Histogram[float64]:
				for _, p := range d.DataPoints {
					if holds(p.Attributes) {
						n += int64(p.Count)
					}
				}
			}
		}
	}
	return n
}

func (e *otelEnv) want(what string, got, want any) {
	e.t.Helper()
	if fmt.Sprint(got) != fmt.Sprint(want) {
		e.t.Errorf("%s = %v; want %v", what, got, want)
	}
}

// tree renders the spans under the request span of req, one a line,
// indented by depth, as "name outcome status".
func (e *otelEnv) tree(req string) []string {
	spans := e.spans.Ended()
	var root sdktrace.ReadOnlySpan
	for _, s := range spans {
		if s.Name() == "request" && slices.Contains(s.Attributes(), otelRequest.String(req)) {
			root = s
		}
	}
	if root == nil {
		e.t.Fatalf("no request span for %s", req)
	}
	var out []string
	var walk func(parent sdktrace.ReadOnlySpan, depth int)
	walk = func(parent sdktrace.ReadOnlySpan, depth int) {
		var kids []sdktrace.ReadOnlySpan
		for _, s := range spans {
			if s.Parent().SpanID() == parent.SpanContext().SpanID() && s.SpanContext().TraceID() == parent.SpanContext().TraceID() {
				kids = append(kids, s)
			}
		}
		slices.SortStableFunc(kids, func(a, b sdktrace.ReadOnlySpan) int { return a.StartTime().Compare(b.StartTime()) })
		for _, s := range kids {
			line := strings.Repeat("  ", depth) + s.Name()
			for _, kv := range s.Attributes() {
				if kv.Key == otelOutcome {
					line += " " + kv.Value.Emit()
				}
			}
			if s.Status().Code == codes.Error {
				line += " [error]"
			}
			out = append(out, line)
			walk(s, depth+1)
		}
	}
	walk(root, 0)
	for _, ev := range root.Events() {
		out = append(out, "event "+ev.Name)
	}
	return out
}

// outageStore fails every Load and Save while down is set.
type outageStore struct {
	core.StoreWrapper
	down atomic.Bool
}

func (s *outageStore) Load(ctx context.Context, key string) (core.Record, bool, error) {
	if s.down.Load() {
		return core.Record{}, false, errOtelDown
	}
	return s.StoreWrapper.Load(ctx, key)
}

func (s *outageStore) Save(ctx context.Context, key string, rec core.Record) error {
	if s.down.Load() {
		return errOtelDown
	}
	return s.StoreWrapper.Save(ctx, key, rec)
}

func otelMemory(t *testing.T) *core.MemoryStore {
	s := core.NewMemoryStore(core.MemoryStoreOptions{CleanupInterval: -1})
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOtelRequestSequences(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name string
		run  func(e *otelEnv)
	}{
		{"forged cookie", func(e *otelEnv) {
			c := e.client(core.Config{})
			c.do("POST /set/k/v")
			c.setCookie(otelForge(c.cookie()))
			e.want("GET /get/k with a forged cookie", c.do("GET /get/k"), http.StatusOK)
			e.want("cookies.rejected{bad_signature}", e.count("sessionkit.cookies.rejected", otelReason.String("bad_signature")), 1)
			e.want("spans under GET /get/k", e.tree("GET /get/k"), []string{"event session.cookie_rejected"})
		}},
		{"login with regenerate", func(e *otelEnv) {
			c := e.client(core.Config{})
			c.do("POST /set/k/v")
			e.want("POST /login/ann", c.do("POST /login/ann"), http.StatusOK)
			e.want("sessions.created", e.count("sessionkit.sessions.created"), 1)
			e.want("sessions.regenerated", e.count("sessionkit.sessions.regenerated"), 1)
			e.want("store.duration{save, ok}", e.count("sessionkit.store.duration", otelOperation.String("save"), otelOutcome.String("ok")), 2)
			e.want("store.duration{delete, ok}", e.count("sessionkit.store.duration", otelOperation.String("delete"), otelOutcome.String("ok")), 1)
			e.want("spans under POST /login/ann", e.tree("POST /login/ann"), []string{
				"session.load ok", "  session.store.load ok",
				"session.commit ok", "  session.store.save ok", "  session.store.delete ok",
				"event session.verified"})
		}},
		{"store outage", func(e *otelEnv) {
			st := &outageStore{StoreWrapper: core.WrapStore(otelMemory(e.t))}
			c := e.client(core.Config{Store: st, Logger: otelQuiet()})
			c.do("POST /set/k/v")
			st.down.Store(true)
			e.want("GET /get/k in an outage", c.do("GET /get/k"), http.StatusInternalServerError)
			e.want("store.duration{load, error}", e.count("sessionkit.store.duration", otelOperation.String("load"), otelOutcome.String("error")), 1)
			e.want("spans under GET /get/k", e.tree("GET /get/k"), []string{
				"session.load error [error]", "  session.store.load error [error]",
				"event session.verified", "event session.commit_failed"})
			for _, s := range e.spans.Ended() {
				if s.Name() == "session.store.load" && s.Status().Code == codes.Error {
					for _, kv := range s.Attributes() {
						if kv.Key == otelStoreKind && kv.Value.Emit() != "core.MemoryStore" {
							e.t.Errorf("store kind %q; want core.MemoryStore, unwrapped", kv.Value.Emit())
						}
					}
				}
			}
		}},
		{"old-secret cookie", func(e *otelEnv) {
			st := otelMemory(e.t)
			old := e.client(core.Config{Store: st})
			rotated := e.client(core.Config{Store: st, Secrets: [][]byte{otelSecretB, otelSecretA}})
			old.do("POST /set/k/v")
			rotated.setCookie(old.cookie())
			e.want("GET /get/k after the rotation", rotated.do("GET /get/k"), http.StatusOK)
			e.want("secret.verified{1}", e.count("sessionkit.secret.verified", otelSecretIdx.Int(1)), 1)
			e.want("secret.verified{0}", e.count("sessionkit.secret.verified", otelSecretIdx.Int(0)), 0)
			rotated.do("GET /get/k")
			e.want("secret.verified{0} once re-signed", e.count("sessionkit.secret.verified", otelSecretIdx.Int(0)), 1)
		}},
	}
	for _, fw := range otelApps {
		for _, sc := range scenarios {
			t.Run(fw.name+"/"+sc.name, func(t *testing.T) {
				t.Parallel()
				sc.run(newOtelEnv(t, fw.app))
			})
		}
	}
}

// otelQuiet is a logger that drops everything, for scenarios whose
// failures are the point.
func otelQuiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// otelForge changes one character of a token's signature.
func otelForge(v string) string {
	i, c := len(v)-3, byte('A')
	if v[i] == 'A' {
		c = 'B'
	}
	return v[:i] + string(c) + v[i+1:]
}

// TestOtelPrometheusNames serves the metrics through the OpenTelemetry
// Prometheus exporter, as an app's /metrics would, and checks the names
// dashboards query.
func TestOtelPrometheusNames(t *testing.T) {
	t.Parallel()
	registry := prometheus.NewRegistry()
	exporter, err := otelprom.New(otelprom.WithRegisterer(registry))
	if err != nil {
		t.Fatal(err)
	}
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(exporter))
	t.Cleanup(func() { mp.Shutdown(context.Background()) })
	st := otelMemory(t)
	e := newOtelEnv(t, otelApps[0].app)
	e.obs = sessionotel.New(sessionotel.WithMeterProvider(mp), sessionotel.WithStore(st))
	c := e.client(core.Config{Store: st})
	c.do("POST /set/k/v")
	c.do("POST /login/ann")
	c.setCookie("forged")
	c.do("GET /get/k")

	metrics := httptest.NewServer(promhttp.HandlerFor(registry, promhttp.HandlerOpts{}))
	t.Cleanup(metrics.Close)
	resp, err := http.Get(metrics.URL)
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`sessionkit_cookies_rejected_total\{[^}]*sessionkit_reason="malformed"[^}]*\} 1`,
		`sessionkit_store_duration_seconds_bucket\{[^}]*sessionkit_store_operation="save"`,
		`sessionkit_session_size_bytes_count\{[^}]*\} 2`,
		`sessionkit_sessions_created_total\{[^}]*\} 1`,
		`sessionkit_sessions_regenerated_total\{[^}]*\} 1`,
		`sessionkit_secret_verified_total\{[^}]*sessionkit_secret_index="0"[^}]*\} 1`,
		`sessionkit_sessions_active\{[^}]*\} 1`,
	} {
		if !regexp.MustCompile(want).Match(text) {
			t.Errorf("/metrics has no line matching %s:\n%s", want, grepSessionkit(string(text)))
		}
	}
}

func grepSessionkit(text string) string {
	var out []string
	for l := range strings.Lines(text) {
		if strings.HasPrefix(l, "sessionkit_") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}
