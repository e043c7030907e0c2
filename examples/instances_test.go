package examples_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sessionkit/sessionkit/examples/contract"
)

// TestInstancesShareRevocations runs the chi and the gin app as two
// instances of one service, over one Redis or PostgreSQL store and with
// one SESSION_SECRET, as behind a load balancer: a user logged in on both
// lists both sessions on either, and revoking the gin instance's session
// through the chi instance logs it out on the gin instance at once.
func TestInstancesShareRevocations(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	chiBin, ginBin := buildApp(t, dir, "chi"), buildApp(t, dir, "gin")
	for _, tt := range []struct {
		store string
		env   func(t *testing.T) string // the store's URL setting
	}{
		{"redis", func(t *testing.T) string { return "REDIS_URL=" + contract.RedisURL(t) }},
		{"postgres", func(t *testing.T) string {
			return "DATABASE_URL=" + contract.PrivateSchema(t, contract.DatabaseURL(t), "instances")
		}},
	} {
		t.Run(tt.store, func(t *testing.T) {
			t.Parallel()
			env := []string{"ADDR=127.0.0.1:0", "SESSION_STORE=" + tt.store, tt.env(t), "SESSION_SECRET=" + rand.Text() + rand.Text()}
			chiURL, ginURL := runApp(t, chiBin, env...), runApp(t, ginBin, env...)
			user := "instances-" + strings.ToLower(rand.Text()[:10]) // no other test's sessions in a shared store
			onChi, onGin := newClient(t, chiURL), newClient(t, ginURL)
			onChi.expect(t, http.MethodPost, "/api/login", url.Values{"user": {user}}, http.StatusOK)
			onGin.expect(t, http.MethodPost, "/api/login", url.Values{"user": {user}}, http.StatusOK)
			t.Cleanup(func() { // even after a failure: leave the shared store as it was
				onChi.expect(t, http.MethodPost, "/api/sessions/revoke-others", nil, http.StatusOK)
				onChi.expect(t, http.MethodPost, "/api/logout", nil, http.StatusOK)
			})

			list := onChi.sessions(t)
			if len(list) != 2 {
				t.Fatalf("GET %s/api/sessions lists %d sessions %+v; want the chi and the gin instance's", chiURL, len(list), list)
			}
			var ginHandle string
			for _, s := range list {
				if !s.Current {
					ginHandle = s.ID
				}
			}
			if ginHandle == "" {
				t.Fatalf("GET %s/api/sessions = %+v; want one session current, one not", chiURL, list)
			}
			if got := onGin.sessions(t); len(got) != 2 {
				t.Errorf("GET %s/api/sessions lists %d sessions; want the same 2 as the chi instance", ginURL, len(got))
			}

			onChi.expect(t, http.MethodDelete, "/api/sessions/"+url.PathEscape(ginHandle), nil, http.StatusOK)
			onGin.expect(t, http.MethodGet, "/api/me", nil, http.StatusUnauthorized)
			onChi.expect(t, http.MethodGet, "/api/me", nil, http.StatusOK)
			if got := onChi.sessions(t); len(got) != 1 || !got[0].Current {
				t.Errorf("GET %s/api/sessions after the revocation = %+v; want only its own session", chiURL, got)
			}
		})
	}
}

// buildApp builds the app in directory name into dir and returns the
// binary's path.
func buildApp(t *testing.T, dir, name string) string {
	t.Helper()
	bin := filepath.Join(dir, name)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "./"+name).CombinedOutput(); err != nil {
		t.Fatalf("go build ./%s: %v\n%s", name, err, out)
	}
	return bin
}

var listeningRE = regexp.MustCompile(`msg=listening url=(\S+)`)

// runApp starts bin with the environment of a fresh machine plus env (see
// contract.Start), and returns the URL it logs that it listens on. t's
// cleanup interrupts it and waits for it to exit.
func runApp(t *testing.T, bin string, env ...string) string {
	t.Helper()
	cmd, lines := contract.Start(t, bin, env...)
	urls := make(chan string, 1)
	exited := make(chan struct{})
	var logs strings.Builder
	go func() {
		defer close(exited)
		for line := range lines { // to the end, so the app never blocks on a full pipe
			if m := listeningRE.FindStringSubmatch(line); m != nil {
				urls <- m[1]
			} else if logs.Len() < 4096 {
				logs.WriteString(line + "\n")
			}
		}
		cmd.Wait()
	}()
	t.Cleanup(func() { // before Start's kill: registered after it
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-exited:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Errorf("%s did not exit within 15s of an interrupt", filepath.Base(bin))
		}
	})
	select {
	case u := <-urls:
		return u
	case <-exited:
		t.Fatalf("%s exited before listening; its log:\n%s", filepath.Base(bin), logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("%s did not log its address within 30s", filepath.Base(bin))
	}
	return ""
}

// appClient is a browser-like client of one app: its own cookie jar.
type appClient struct {
	base string
	http *http.Client
}

func newClient(t *testing.T, base string) *appClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	tr := &http.Transport{}
	t.Cleanup(tr.CloseIdleConnections)
	return &appClient{base: base, http: &http.Client{Jar: jar, Transport: tr, Timeout: 10 * time.Second}}
}

// expect sends a request, with form as its body if not nil, checks the
// status and returns the body.
func (c *appClient) expect(t *testing.T, method, path string, form url.Values, status int) []byte {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatalf("%s %s%s: %v", method, c.base, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s%s: reading the body: %v", method, c.base, path, err)
	}
	if resp.StatusCode != status {
		t.Fatalf("%s %s%s = %d %s; want %d", method, c.base, path, resp.StatusCode, b, status)
	}
	return b
}

// listedSession is one session of GET /api/sessions, as far as this test
// needs it.
type listedSession struct {
	ID      string `json:"id"`
	Current bool   `json:"current"`
}

func (c *appClient) sessions(t *testing.T) []listedSession {
	t.Helper()
	b := c.expect(t, http.MethodGet, "/api/sessions", nil, http.StatusOK)
	var v struct {
		Sessions []listedSession `json:"sessions"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET %s/api/sessions = %s: %v", c.base, b, err)
	}
	return v.Sessions
}
