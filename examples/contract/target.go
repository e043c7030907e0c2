package contract

import (
	"bufio"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// testUnparsableTarget: a request target with a bad % escape is answered
// by net/http itself, with a plain-text 400, before any handler runs, so
// no app can answer it in JSON; the contract documents it. If net/http
// ever hands such a request to the handler, this fails, and the apps'
// answer becomes theirs to check.
func testUnparsableTarget(t *testing.T, app App) {
	srv := start(t, app, setup{})
	for _, target := range []string{"/api/kv/a%ZZb", "/api/kv/100%", "/%zz"} {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		conn.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = io.WriteString(conn, "PUT "+target+" HTTP/1.1\r\nHost: example.com\r\nContent-Length: 1\r\n\r\nv")
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("PUT %s: %v", target, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
		if resp.StatusCode != http.StatusBadRequest || mt != "text/plain" {
			t.Errorf("PUT %s = %d %s %q; want net/http's own 400 in text/plain (update the contract if the app now answers it)",
				target, resp.StatusCode, mt, body)
		}
	}
	if n := srv.count(t); n != 0 {
		t.Errorf("sessions in the store after unparsable targets = %d; want 0", n)
	}
}
