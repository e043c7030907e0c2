package adaptertest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
)

// testConcurrent: 100 concurrent requests on one session, each writing its
// own key, lose none of them.
func testConcurrent(t *testing.T, a Adapter) {
	_, c := serve(t, a, Options{})
	c.Post("/set/base/0")
	const n = 100
	want := []string{"base"}
	var wg sync.WaitGroup
	for i := range n {
		key := fmt.Sprintf("k%03d", i)
		want = append(want, key)
		wg.Go(func() {
			resp, body, err := c.send(c.hc, http.MethodPost, "/set/"+key+"/v", nil)
			if err != nil {
				t.Error(err)
				return
			}
			if resp.StatusCode != http.StatusOK {
				t.Errorf("POST /set/%s/v = %d %q; want 200", key, resp.StatusCode, body)
			}
		})
	}
	wg.Wait()
	var got []string
	if body := c.Get("/keys"); json.Unmarshal([]byte(body), &got) != nil {
		t.Fatalf("GET /keys = %q; want a JSON array", body)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		missing := slices.DeleteFunc(slices.Clone(want), func(k string) bool { return slices.Contains(got, k) })
		t.Errorf("GET /keys after %d concurrent writes has %d keys, missing %v", n, len(got), missing)
	}
}
