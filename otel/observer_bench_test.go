package sessionotel_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	metricnoop "go.opentelemetry.io/otel/metric/noop"
	tracenoop "go.opentelemetry.io/otel/trace/noop"

	"github.com/sessionkit/sessionkit/core"
	sessionotel "github.com/sessionkit/sessionkit/otel"
)

// BenchmarkReadKey is one request reading a key of a stored session: a
// verified cookie, a load and no write. Compare the observer on no-op
// providers, on the SDK (recording every span and metric), and none.
func BenchmarkReadKey(b *testing.B) {
	tm := newTelemetry(b)
	for _, bc := range []struct {
		name string
		obs  core.Observer
	}{
		{"NoObserver", nil},
		{"NoopProviders", sessionotel.New(sessionotel.WithTracerProvider(tracenoop.NewTracerProvider()), sessionotel.WithMeterProvider(metricnoop.NewMeterProvider()))},
		{"SDK", tm.observer()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			m := newManager(b, core.Config{Observer: bc.obs})
			h := m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				keyK.Get(core.FromRequest(r))
				w.WriteHeader(http.StatusNoContent)
			}))
			seed := httptest.NewRecorder()
			m.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				keyK.Set(core.FromRequest(r), "v")
			})).ServeHTTP(seed, httptest.NewRequest(http.MethodGet, "/", nil))
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			for _, c := range seed.Result().Cookies() {
				r.AddCookie(c)
			}
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusNoContent {
					b.Fatalf("status %d; want 204", w.Code)
				}
			}
		})
	}
}
