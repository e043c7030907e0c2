package core_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/http/httptrace"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/adapterkit"
)

// probe is an outer ResponseWriter that records, when the status line is
// about to leave, what the response headers and the store hold then.
type probe struct {
	http.ResponseWriter
	once    sync.Once
	capture func(h http.Header)
}

func (p *probe) snap() { p.once.Do(func() { p.capture(p.Header()) }) }

func (p *probe) WriteHeader(code int) {
	if code >= 200 {
		p.snap()
	}
	p.ResponseWriter.WriteHeader(code)
}

func (p *probe) Write(b []byte) (int, error) {
	p.snap()
	return p.ResponseWriter.Write(b)
}

func (p *probe) Flush() {
	p.snap()
	http.NewResponseController(p.ResponseWriter).Flush()
}

func TestCommitHappensBeforeHeaders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		write func(w http.ResponseWriter, r *http.Request)
	}{
		{"WriteHeader", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusAccepted) }},
		{"Write", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("body")) }},
		{"WriteString", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "body") }},
		{"Flush", func(w http.ResponseWriter, r *http.Request) { w.(http.Flusher).Flush() }},
		{"ResponseController.Flush", func(w http.ResponseWriter, r *http.Request) { http.NewResponseController(w).Flush() }},
		{"ReadFrom", func(w http.ResponseWriter, r *http.Request) { w.(io.ReaderFrom).ReadFrom(strings.NewReader("body")) }},
		{"io.Copy", func(w http.ResponseWriter, r *http.Request) { io.Copy(w, strings.NewReader("body")) }},
		{"Redirect", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/next", http.StatusSeeOther) }},
		{"http.Error", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", http.StatusBadRequest) }},
		{"no body at all", func(w http.ResponseWriter, r *http.Request) {}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			login(t, m, "other") // another session, which must stay as it is
			ck, id := login(t, m, "old")

			captured := false
			inner := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				keyK.Set(s, "new")
				s.RememberMe(true) // forces a fresh cookie on this response
				tc.write(w, r)
			}))
			outer := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				inner.ServeHTTP(&probe{ResponseWriter: w, capture: func(h http.Header) {
					captured = true
					if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"new"` {
						t.Errorf("when the headers left, stored k = %s; want \"new\"", rec.Values["k"])
					}
					if !strings.Contains(strings.Join(h.Values("Set-Cookie"), "\n"), "session=") {
						t.Errorf("when the headers left, Set-Cookie = %q; want the session cookie", h.Values("Set-Cookie"))
					}
				}}, r)
			})
			resp := serve(outer, get("/", ck))
			if !captured && tc.name != "no body at all" {
				t.Fatal("the probe never saw the headers leave")
			}
			if c := sessionCookie(t, resp, "session"); !live(c) {
				t.Errorf("Set-Cookie = %v; want the session cookie", c)
			}
			if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"new"` {
				t.Errorf("stored k = %s; want \"new\"", rec.Values["k"])
			}
		})
	}
}

func TestFailedSaveBecomesErrorResponse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		existing bool
		fail     string
		write    func(w http.ResponseWriter)
	}{
		{"new session, Save fails, Write", false, "Save", func(w http.ResponseWriter) { w.Write([]byte("handler body")) }},
		{"new session, Save fails, no body", false, "Save", func(w http.ResponseWriter) {}},
		{"existing session, Patch fails, WriteHeader", true, "Patch", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte("handler body"))
		}},
		{"existing session, Patch fails, Flush", true, "Patch", func(w http.ResponseWriter) {
			w.Write([]byte("handler body"))
			w.(http.Flusher).Flush()
		}},
		{"existing session, Patch fails, ReadFrom", true, "Patch", func(w http.ResponseWriter) {
			w.(io.ReaderFrom).ReadFrom(strings.NewReader("handler body"))
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newFailingStore(t), core.Config{Logger: newTestLogger(io.Discard)})
			var ck *http.Cookie
			if tc.existing {
				ck, _ = login(t, m, "v")
			}
			st.Fail(true, tc.fail)
			resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				w.Header().Set("X-Handler", "yes")
				keyK.Set(s, "new")
				tc.write(w)
			})), get("/", ck))
			wantReplaced(t, resp, http.StatusInternalServerError)
		})
	}
}

func TestRedirectNeverRacesTheSave(t *testing.T) {
	t.Parallel()
	m := newManager(t, core.Config{})
	mux := http.NewServeMux()
	user := core.Key[string]("user")
	mux.HandleFunc("POST /login", func(w http.ResponseWriter, r *http.Request) {
		s := core.FromRequest(r)
		s.Regenerate()
		user.Set(s, r.FormValue("user"))
		http.Redirect(w, r, "/home", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /home", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", user.Get(core.FromRequest(r)))
	})
	srv := startServer(t, m.Handler(mux))
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	c := srv.Client()
	c.Jar = jar // and follow the redirect at once, as a browser does
	for i := range 20 {
		user := fmt.Sprintf("user%d", i)
		resp, err := c.PostForm(srv.URL+"/login", map[string][]string{"user": {user}})
		if err != nil {
			t.Fatal(err)
		}
		if b := body(t, resp); b != "hello "+user {
			t.Fatalf("after the redirect: %q; want %q", b, "hello "+user)
		}
	}
}

func TestChangesAfterHeadersArePersisted(t *testing.T) {
	t.Parallel()
	st := newMeteredStore(t)
	var handled []error
	m := newManager(t, core.Config{Store: st, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		handled = append(handled, err)
	}})
	ck, id := login(t, m, "v")
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		w.Write([]byte("streamed "))
		w.(http.Flusher).Flush()
		core.Key[string]("late").Set(s, "yes")
		if err := s.Err(); err != nil {
			t.Errorf("Set after headers: %v", err)
		}
		w.Write([]byte("page"))
	})), get("/", ck))
	if b := body(t, resp); b != "streamed page" {
		t.Errorf("body = %q", b)
	}
	if rec, _ := st.Record(t, m, id); string(rec.Values["late"]) != `"yes"` {
		t.Errorf("stored late = %s; want \"yes\": a change after the headers must still be saved", rec.Values["late"])
	}
	if len(handled) != 0 {
		t.Errorf("error handler called with %v; want no error", handled)
	}
}

// A client that disconnects, or a timeout middleware that cancels the
// request context, must not lose what the handler already changed.
func TestCanceledRequestStillCommits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		write bool // respond before returning, or leave the commit to Finish
	}{
		{"commit before headers", true},
		{"commit after handler", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			ck, id := login(t, m, "v")
			h := m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				keyK.Set(s, "changed")
				if err := s.Err(); err != nil {
					t.Errorf("Set: %v", err)
				}
				r.Context().Value(cancelKey{}).(context.CancelFunc)()
				if tc.write {
					io.WriteString(w, "ok")
				}
			}))
			ctx, cancel := context.WithCancel(context.Background())
			ctx = context.WithValue(ctx, cancelKey{}, cancel)
			resp := serve(h, get("/", ck).WithContext(ctx))
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status = %d; want 200", resp.StatusCode)
			}
			if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"changed"` {
				t.Errorf("stored k = %s; want \"changed\" despite the canceled request context", rec.Values["k"])
			}
		})
	}
}

type cancelKey struct{}

func TestNewSessionAfterHeadersReportsErrHeadersSent(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler func(w http.ResponseWriter, s *core.Session)
	}{
		{"new session modified after the body", func(w http.ResponseWriter, s *core.Session) {
			w.Write([]byte("page"))
			keyK.Set(s, "v")
		}},
		{"Regenerate after the body", func(w http.ResponseWriter, s *core.Session) {
			s.ID()
			w.Write([]byte("page"))
			s.Regenerate()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var handled []error
			var logged syncBuffer
			st, m := withStore(t, newMeteredStore(t), core.Config{Logger: newTestLogger(&logged)})
			custom := newManager(t, core.Config{Store: st, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				handled = append(handled, err)
				w.WriteHeader(http.StatusTeapot) // must not reach the client
				w.Write([]byte("error page"))
			}})
			for _, mgr := range []*core.Manager{m, custom} {
				resp := serve(mgr.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
					tc.handler(w, s)
				})), get("/"))
				if resp.StatusCode != http.StatusOK || body(t, resp) != "page" {
					t.Errorf("response changed after the headers were sent: status %d", resp.StatusCode)
				}
			}
			if len(handled) != 1 || !errors.Is(handled[0], core.ErrHeadersSent) {
				t.Errorf("error handler got %v; want one error wrapping ErrHeadersSent", handled)
			}
			if !strings.Contains(logged.String(), "headers already sent") {
				t.Errorf("default error handler log = %q; want the ErrHeadersSent report", logged.String())
			}
			if w := st.Writes(); w != 0 {
				t.Errorf("%d writes for a session whose cookie could not be sent; want 0", w)
			}
		})
	}
}

func TestPanicAbandonsSession(t *testing.T) {
	t.Parallel()
	for _, existing := range []bool{false, true} {
		t.Run(fmt.Sprintf("existing=%v", existing), func(t *testing.T) {
			t.Parallel()
			st, m := withStore(t, newMeteredStore(t), core.Config{})
			var ck *http.Cookie
			if existing {
				ck, _ = login(t, m, "v")
			}
			st.Reset()
			recoverer := func(next http.Handler) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					defer func() {
						if recover() != nil {
							http.Error(w, "recovered", http.StatusInternalServerError)
						}
					}()
					next.ServeHTTP(w, r)
				})
			}
			h := recoverer(m.Handler(sessionFunc(func(s *core.Session) {
				keyK.Set(s, "half-done")
				panic("handler bug")
			})))
			resp := serve(h, get("/", ck))
			if resp.StatusCode != http.StatusInternalServerError {
				t.Errorf("status = %d; want the recoverer's 500", resp.StatusCode)
			}
			if n := st.Writes(); n != 0 {
				t.Errorf("%d writes after a panic; want 0", n)
			}
			if c := setCookies(resp, "session"); len(c) != 0 {
				t.Errorf("Set-Cookie = %v after a panic; want none", c)
			}
		})
	}
}

func TestWriterKeepsOptionalInterfaces(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v")
	mux := http.NewServeMux()
	results := make(chan string, 10)
	waitForClient := make(chan struct{})
	mux.HandleFunc("/interfaces", func(w http.ResponseWriter, r *http.Request) {
		_, f := w.(http.Flusher)
		_, h := w.(http.Hijacker)
		_, rf := w.(io.ReaderFrom)
		_, p := w.(http.Pusher)
		_, u := w.(interface{ Unwrap() http.ResponseWriter })
		results <- fmt.Sprintf("Flusher %v, Hijacker %v, ReaderFrom %v, Pusher %v, Unwrap %v", f, h, rf, p, u)
	})
	mux.HandleFunc("/push", func(w http.ResponseWriter, r *http.Request) {
		err := w.(http.Pusher).Push("/style.css", nil)
		results <- fmt.Sprintf("push: %v", errors.Is(err, http.ErrNotSupported))
	})
	mux.HandleFunc("/deadline", func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		results <- fmt.Sprintf("deadline: %v %v", rc.SetWriteDeadline(time.Now().Add(time.Minute)), rc.SetReadDeadline(time.Now().Add(time.Minute)))
	})
	mux.HandleFunc("/hijack", func(w http.ResponseWriter, r *http.Request) {
		keyK.Set(core.FromRequest(r), "hijacked")
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			results <- "hijack: " + err.Error()
			return
		}
		defer conn.Close()
		rw.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nraw ok")
		rw.Flush()
		results <- "hijack: ok"
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("first\n"))
		w.(http.Flusher).Flush()
		// The client reads the first line before this handler goes on.
		select {
		case <-r.Context().Done():
		case <-waitForClient:
		}
		w.Write([]byte("second\n"))
	})
	srv := startServer(t, m.Handler(mux))
	c := srv.Client()
	request := func(path string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.AddCookie(ck)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
		return resp
	}

	for path, want := range map[string]string{
		"/interfaces": "Flusher true, Hijacker true, ReaderFrom true, Pusher true, Unwrap true",
		"/push":       "push: true",
		"/deadline":   "deadline: <nil> <nil>",
	} {
		body(t, request(path))
		if got := <-results; got != want {
			t.Errorf("GET %s: %s; want %s", path, got, want)
		}
	}

	resp := request("/hijack")
	if b := body(t, resp); b != "raw ok" {
		t.Errorf("hijacked response body = %q; want raw ok", b)
	}
	if got := <-results; got != "hijack: ok" {
		t.Error(got)
	}
	if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"hijacked"` {
		t.Errorf("stored k = %s; want the session committed before the hijack", rec.Values["k"])
	}

	resp = request("/stream")
	br := bufio.NewReader(resp.Body)
	line, err := br.ReadString('\n')
	if err != nil || line != "first\n" {
		t.Fatalf("first streamed line = %q, %v", line, err)
	}
	close(waitForClient)
	rest, _ := io.ReadAll(br)
	resp.Body.Close()
	if string(rest) != "second\n" {
		t.Errorf("rest of the stream = %q", rest)
	}
}

func TestInformationalStatusPassesThroughWithoutCommit(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	srv := startServer(t, m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "v")
		w.Header().Set("Link", "</style.css>; rel=preload; as=style")
		w.WriteHeader(http.StatusEarlyHints)
		if n := st.Writes(); n != 0 {
			t.Errorf("after 103 Early Hints: %d store writes; want 0 (commit waits for the final status)", n)
		}
		w.WriteHeader(http.StatusOK)
		if n := st.Writes(); n != 1 {
			t.Errorf("after 200: %d store writes; want 1", n)
		}
		w.Write([]byte("page"))
	})))
	var early []textproto.MIMEHeader
	var mu sync.Mutex
	trace := &httptrace.ClientTrace{Got1xxResponse: func(code int, h textproto.MIMEHeader) error {
		mu.Lock()
		defer mu.Unlock()
		if code == http.StatusEarlyHints {
			early = append(early, h)
		}
		return nil
	}}
	req, _ := http.NewRequestWithContext(httptrace.WithClientTrace(t.Context(), trace), http.MethodGet, srv.URL, nil)
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body(t, resp)
	mu.Lock()
	defer mu.Unlock()
	if len(early) != 1 {
		t.Fatalf("client saw %d Early Hints responses; want 1", len(early))
	}
	if early[0].Get("Link") == "" {
		t.Errorf("103 headers = %v; want the Link header", early[0])
	}
	if v := early[0].Values("Set-Cookie"); len(v) != 0 {
		t.Errorf("103 carried Set-Cookie %q; want the cookie only on the final response", v)
	}
	if resp.StatusCode != http.StatusOK || !live(sessionCookie(t, resp, "session")) {
		t.Errorf("final response: status %d, cookie %v; want 200 with the session cookie", resp.StatusCode, sessionCookie(t, resp, "session"))
	}
}

func TestLateCookieChangesAreReported(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change func(s *core.Session)
	}{
		{"RememberMe", func(s *core.Session) { s.RememberMe(true) }},
		{"Destroy", func(s *core.Session) { s.Destroy() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var reported []error
			m := newManager(t, core.Config{ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
				reported = append(reported, err)
			}})
			ck, _ := login(t, m, "v")
			serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
				keyK.Get(s)
				w.Write([]byte("streamed"))
				w.(http.Flusher).Flush()
				tc.change(s)
			})), get("/", ck))
			if len(reported) != 1 || !errors.Is(reported[0], core.ErrHeadersSent) {
				t.Errorf("errors reported = %v; want one wrapping ErrHeadersSent", reported)
			}
		})
	}
}

// HeadersSent: a framework wrote the response around the middleware.
// Finish still saves what needs no new cookie and reports what does.
func TestHeadersSentThenFinish(t *testing.T) {
	t.Parallel()
	st, m := withStore(t, newMeteredStore(t), core.Config{})
	ck, id := login(t, m, "v")
	tests := []struct {
		name    string
		req     *http.Request
		change  func(s *core.Session)
		wantErr bool
	}{
		{"established session", get("/", ck), func(s *core.Session) { keyK.Set(s, "late") }, false},
		{"new session", get("/"), func(s *core.Session) { keyK.Set(s, "lost") }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs reported
			x := adapterkit.Begin(m, httptest.NewRecorder(), tc.req, adapterkit.Options{OnError: errs.handle})
			tc.change(core.FromRequest(x.Request()))
			x.HeadersSent()
			x.Finish()
			got := errs.all()
			if tc.wantErr != (len(got) == 1 && errors.Is(got[0], core.ErrHeadersSent)) || (!tc.wantErr && len(got) != 0) {
				t.Errorf("Finish reported %v; want ErrHeadersSent: %v", got, tc.wantErr)
			}
		})
	}
	if rec, _ := st.Record(t, m, id); string(rec.Values["k"]) != `"late"` {
		t.Errorf("stored k = %s; want \"late\" saved after HeadersSent", rec.Values["k"])
	}
}

// The error response replaces the handler's body, so the headers that
// described that body must not go out with it.
func TestFailedCommitDropsBodyHeaders(t *testing.T) {
	t.Parallel()
	st := newFailingStore(t)
	m := newManager(t, core.Config{Store: st, ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}})
	st.Fail(true, "Save")
	resp := serve(m.Handler(handlerFunc(func(w http.ResponseWriter, r *http.Request, s *core.Session) {
		keyK.Set(s, "v")
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Content-Length", "11")
		h.Set("Content-Encoding", "gzip")
		w.Write([]byte(`{"ok":true}`))
	})), get("/"))
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status = %d; want the error handler's 503", resp.StatusCode)
	}
	for _, name := range []string{"Content-Type", "Content-Length", "Content-Encoding"} {
		if v := resp.Header.Get(name); v != "" {
			t.Errorf("%s = %q on the error response; want it dropped with the handler's body", name, v)
		}
	}
}
