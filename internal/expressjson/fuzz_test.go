package expressjson

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"
	"time"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	expressExample,
	`{"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}}`,
	`{"cookie":{"originalMaxAge":1000,"partitioned":true,"priority":"High","expires":"2021-01-15T09:13:21.123Z","secure":true,"httpOnly":false,"domain":"example.com","path":"/x","sameSite":"Lax"},"flash":[]}`,
	" {\n\"a\" : 1 ,\"cookie\":{},  \"big\":12345678901234567890, \"u\":\"\\u00e9\\ud83d\\ude00\", \"n\":{\"x\":[1,{}]}, \"o\":{} } ",
	`{"a":1,"cookie":{},"a":2,"\u0063ookie":{"path":"/b"},"id":3,"2":"x"}`,
	`{"cookie":{"expires":"+010000-01-01T00:00:00.000Z"},"":""}`,
	`[]`, `{}`, `{"cookie":1}`,
}

// FuzzDecode checks that every document Decode accepts re-encodes to one
// that decodes to the same values and cookie.
func FuzzDecode(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		values, c, err := Decode(doc)
		if err != nil {
			return
		}
		enc, err := Encode(values, c)
		if err != nil {
			t.Fatalf("Encode(Decode(%q)): %v", doc, err)
		}
		v2, c2, err := Decode(enc)
		if err != nil || !sameValues(v2, values) || !sameCookie(c2, c) {
			t.Fatalf("Decode(Encode(Decode(%q))) = %q, %+v, %v; want %q, %+v", doc, v2, c2, err, values, c)
		}
	})
}

// FuzzPatch checks, for any document Decode accepts, that Patch gives a
// document that decodes to the values with the change applied and to the
// new cookie, in which every member the change did not touch keeps its
// text and its place.
func FuzzPatch(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add([]byte(s), "a", []byte(`{"x":[1,2]}`), "flash", int64(7200000), int64(1610709062164+i))
	}
	f.Add([]byte(expressExample), "passport", []byte(` "v" `), "passport", int64(-1), int64(-8.64e15))
	f.Fuzz(func(t *testing.T, doc []byte, name string, value []byte, delName string, maxAge, expires int64) {
		values, _, err := Decode(doc)
		if err != nil {
			if _, perr := Patch(doc, nil, nil, Cookie{}); perr == nil {
				t.Fatalf("Patch accepted %q, which Decode rejects: %v", doc, err)
			}
			return
		}
		set := map[string][]byte{}
		if name != cookieName && !Reserved(name) && utf8.ValidString(name) && json.Valid(value) {
			set[name] = value
		}
		var del []string
		if _, ok := set[delName]; !ok && delName != cookieName {
			del = append(del, delName)
		}
		c := Cookie{OriginalMaxAge: &maxAge, Expires: time.UnixMilli(expires % 8.64e15).UTC(), HTTPOnly: FlagTrue, Path: "/"}

		out, err := Patch(doc, set, del, c)
		if err != nil {
			t.Fatalf("Patch(%q, %q, %q): %v", doc, set, del, err)
		}
		want := maps.Clone(values)
		for k, v := range set {
			want[k] = bytes.Trim(v, " \t\r\n")
		}
		for _, k := range del {
			delete(want, k)
		}
		got, gotCookie, err := Decode(out)
		if err != nil || !sameValues(got, want) || !sameCookie(gotCookie, c) {
			t.Fatalf("Decode(Patch(%q)) = %q, %+v, %v; want %q, %+v", doc, got, gotCookie, err, want, c)
		}
		checkUntouched(t, doc, out, set, del)
	})
}

// checkUntouched checks that out holds each name of doc once, in the
// order of its first occurrence, and for names the change left alone the
// exact text of the last occurrence.
func checkUntouched(t *testing.T, doc, out []byte, set map[string][]byte, del []string) {
	t.Helper()
	before, _ := scan(doc)
	after, err := scan(out)
	if err != nil {
		t.Fatalf("scan(Patch output %q): %v", out, err)
	}
	text := map[string][]byte{}
	var order []string
	for _, m := range before {
		if _, seen := text[m.name]; !seen {
			order = append(order, m.name)
		}
		text[m.name] = doc[m.start:m.end]
	}
	order = slices.DeleteFunc(order, func(n string) bool { return slices.Contains(del, n) })
	if len(after) < len(order) {
		t.Fatalf("Patch output %q has %d members; want at least %d", out, len(after), len(order))
	}
	for i, name := range order {
		m := after[i]
		if m.name != name {
			t.Fatalf("Patch output member %d is %q; want %q", i, m.name, name)
		}
		if _, changed := set[name]; changed || name == cookieName {
			continue
		}
		if got := out[m.start:m.end]; !bytes.Equal(got, text[name]) {
			t.Fatalf("member %q became %q; want %q untouched", name, got, text[name])
		}
	}
}
