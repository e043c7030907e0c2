package contract

import (
	"encoding/json"
	"fmt"
	"testing"
)

// testKeyCap: a flood of PUTs to one session is refused with a JSON error,
// and no cookie, once the session holds maxSessionKeys keys; the keys
// stored before survive and can still be read and replaced.
func testKeyCap(t *testing.T, app App) {
	c := start(t, app, setup{}).client(t)
	keys := []string{}
	for i := range maxSessionKeys {
		key := fmt.Sprintf("k%02d", i)
		step{req: put("/api/kv/"+key, "v"), status: 200}.run(t, c)
		keys = append(keys, key)
	}
	for i := range 10 {
		step{req: put(fmt.Sprintf("/api/kv/flood%d", i), "v"), status: 500, errMsg: msgInternal, cookie: noCookie}.run(t, c)
	}
	step{req: post("/api/views"), status: 500, errMsg: msgInternal, cookie: noCookie}.run(t, c)
	step{req: put("/api/kv/k00", "replaced"), status: 200, json: `{"key": "k00", "value": "replaced"}`}.run(t, c)
	step{req: get("/api/kv/k31"), status: 200, json: `{"key": "k31", "value": "v"}`}.run(t, c)
	step{req: get("/api/kv/flood0"), status: 404, isErr: true}.run(t, c)
	want, _ := json.Marshal(map[string][]string{"keys": keys})
	step{req: get("/api/kv"), status: 200, json: string(want)}.run(t, c)
}
