package sessionotel_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"

	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"

	"github.com/sessionkit/sessionkit/core"
	sessionotel "github.com/sessionkit/sessionkit/otel"
)

// A forged cookie is counted by reason in sessionkit.cookies.rejected.
// The ManualReader stands in for an exporter.
func Example() {
	reader := sdkmetric.NewManualReader()
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(reader))
	defer mp.Shutdown(context.Background())

	mgr, err := core.New(core.Config{
		Secrets:  [][]byte{[]byte("an example secret of 32 bytes...")},
		Observer: sessionotel.New(sessionotel.WithMeterProvider(mp)),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer mgr.Close()
	h := mgr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		core.Key[int]("views").Get(core.FromRequest(r))
	}))

	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: core.DefaultCookieName, Value: "forged"})
	h.ServeHTTP(httptest.NewRecorder(), r)

	var rm metricdata.ResourceMetrics
	if err := reader.Collect(context.Background(), &rm); err != nil {
		log.Fatal(err)
	}
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if sum, ok := m.Data.(metricdata.Sum[int64]); ok {
				for _, p := range sum.DataPoints {
					reason, _ := p.Attributes.Value("sessionkit.reason")
					fmt.Printf("%s{reason=%s} %d\n", m.Name, reason.Emit(), p.Value)
				}
			}
		}
	}
	// Output:
	// sessionkit.cookies.rejected{reason=malformed} 1
}
