package bench

import (
	"net/http"
	"testing"
)

func BenchmarkNetHTTP(b *testing.B) { benchFramework(b, frameworks()[0]) }
func BenchmarkGin(b *testing.B)     { benchFramework(b, frameworks()[1]) }
func BenchmarkEcho(b *testing.B)    { benchFramework(b, frameworks()[2]) }

// benchFramework runs BenchmarkX/lib=L/op=O for every subject and path, so
// benchstat can put the libraries side by side with -col /lib.
func benchFramework(b *testing.B, fw framework) {
	for _, sub := range fw.subjects {
		b.Run("lib="+sub.Lib, func(b *testing.B) {
			for _, path := range fw.paths {
				b.Run("op="+opName(path), func(b *testing.B) {
					h, closeFn, err := sub.New(b.TempDir())
					if err != nil {
						b.Fatalf("%s: New: %v", sub.Lib, err)
					}
					defer closeFn()
					// The cookie comes from a first, real request.
					j := jar{}
					j.update(serve(h, j.request(PathWrite)))
					if !sub.Bare && len(j) == 0 {
						b.Fatalf("%s: GET %s set no cookie", sub.Lib, PathWrite)
					}
					base := j.request(path)
					b.ReportAllocs()
					for b.Loop() {
						if rec := serve(h, base); rec.Code != http.StatusOK {
							b.Fatalf("%s: GET %s = %d %q; want 200", sub.Lib, path, rec.Code, rec.Body)
						}
					}
				})
			}
		})
	}
}
