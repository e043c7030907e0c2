package expressjson

import (
	"bytes"
	"errors"
	"maps"
	"strings"
	"testing"
)

// expressExample is a record connect-redis holds for a logged-in
// passport user.
const (
	expressExample = `{"cookie":` + exampleCookie + `,"passport":{"user":"106"}}`
	exampleCookie  = `{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"}`
)

func sameValues(a, b map[string][]byte) bool {
	return maps.EqualFunc(a, b, bytes.Equal)
}

func raw(kv ...string) map[string][]byte {
	m := make(map[string][]byte, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = []byte(kv[i+1])
	}
	return m
}

func TestDecodeExpressExample(t *testing.T) {
	t.Parallel()
	values, c, err := Decode([]byte(expressExample))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if want := raw("passport", `{"user":"106"}`); !sameValues(values, want) {
		t.Errorf("Decode values = %q; want %q", values, want)
	}
	want := Cookie{OriginalMaxAge: ptr(7200000), Expires: ms(1610709062164), Secure: FlagFalse, HTTPOnly: FlagTrue, Path: "/"}
	if !sameCookie(c, want) {
		t.Errorf("Decode cookie = %+v; want %+v", c, want)
	}
	again, err := Encode(values, c)
	if err != nil || string(again) != expressExample {
		t.Errorf("Encode(Decode(doc)) = %s, %v; want the document back", again, err)
	}
}

func TestDecodeKeepsValueBytes(t *testing.T) {
	t.Parallel()
	doc := " {\n\t\"a\" : 1 ,\"cookie\":{},  \"big\":12345678901234567890, \"u\":\"\\u00e9\\ud83d\\ude00\\ud800\"," +
		" \"n\":{ \"x\" : [1, {\"y\":null}] }, \"e\":[], \"o\":{} , \"\\u0062\": \"b\", \"f\":-1.50E+3, \"t\":true } \n"
	values, _, err := Decode([]byte(doc))
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	want := raw("a", `1`, "big", `12345678901234567890`, "u", `"\u00e9\ud83d\ude00\ud800"`,
		"n", `{ "x" : [1, {"y":null}] }`, "e", `[]`, "o", `{}`, "b", `"b"`, "f", `-1.50E+3`, "t", `true`)
	if !sameValues(values, want) {
		t.Errorf("Decode values = %q; want %q", values, want)
	}
}

func TestDecodeCopiesValues(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"cookie":{},"a":"xy"}`)
	values, _, err := Decode(doc)
	if err != nil {
		t.Fatal(err)
	}
	copy(doc, bytes.Repeat([]byte("z"), len(doc)))
	if got := string(values["a"]); got != `"xy"` {
		t.Errorf("value after the document was overwritten = %s; want \"xy\"", got)
	}
	if v := append(values["a"], '!'); string(values["a"]) != `"xy"` || len(v) != 5 {
		t.Error("appending to one value wrote past it")
	}
}

func TestDecodeDuplicateNamesLastWins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  string
		want map[string][]byte
		path string
	}{
		{`{"a":1,"cookie":{},"a":2}`, raw("a", "2"), ""},
		{`{"cookie":{"path":"/a"},"x":1,"cookie":{"path":"/b"}}`, raw("x", "1"), "/b"},
		{`{"\u0063ookie":{"path":"/a"},"cookie":{"path":"/b"},"\u0063ookie":{"path":"/c"}}`, raw(), "/c"},
		{`{"a":{"deep":1},"a":[],"cookie":{},"a":"last"}`, raw("a", `"last"`), ""},
	}
	for _, tc := range tests {
		values, c, err := Decode([]byte(tc.doc))
		if err != nil || !sameValues(values, tc.want) || c.Path != tc.path {
			t.Errorf("Decode(%s) = %q, path %q, %v; want %q, path %q", tc.doc, values, c.Path, err, tc.want, tc.path)
		}
	}
}

func TestDecodeSkipsNamesSessionCannotHold(t *testing.T) {
	t.Parallel()
	doc := `{"cookie":{},"id":"x","save":1,"__proto__":{"a":1},"constructor":2,"toString":3,"user":"u"}`
	values, _, err := Decode([]byte(doc))
	if err != nil || !sameValues(values, raw("user", `"u"`)) {
		t.Errorf("Decode(%s) = %q, %v; want only user", doc, values, err)
	}
	for _, name := range []string{"id", "req", "touch", "resetMaxAge", "save", "reload", "destroy", "regenerate",
		"constructor", "__proto__", "hasOwnProperty", "valueOf", "toLocaleString"} {
		if !Reserved(name) {
			t.Errorf("Reserved(%q) = false; want true", name)
		}
	}
	for _, name := range []string{"cookie", "user", "ID", "", "proto"} {
		if Reserved(name) {
			t.Errorf("Reserved(%q) = true; want false", name)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		doc  string
		want error
	}{
		{``, ErrInvalidJSON},
		{`{`, ErrInvalidJSON},
		{`{"cookie":{}`, ErrInvalidJSON},
		{`{"cookie":{}}{}`, ErrInvalidJSON},
		{`{"cookie":{},}`, ErrInvalidJSON},
		{"\ufeff{\"cookie\":{}}", ErrInvalidJSON},
		{`{'cookie':{}}`, ErrInvalidJSON},
		{`[]`, ErrNotObject},
		{`null`, ErrNotObject},
		{`"{}"`, ErrNotObject},
		{` 1 `, ErrNotObject},
		{`{}`, ErrInvalidCookie},
		{`{"Cookie":{}}`, ErrInvalidCookie},
		{`{"cookie":null}`, ErrInvalidCookie},
		{`{"cookie":[]}`, ErrInvalidCookie},
		{`{"cookie":"s:x"}`, ErrInvalidCookie},
		{`{"cookie":{"expires":"later"}}`, ErrInvalidCookie},
		{`{"cookie":{},"cookie":1}`, ErrInvalidCookie},
	}
	for _, tc := range tests {
		values, _, err := Decode([]byte(tc.doc))
		if !errors.Is(err, tc.want) || values != nil {
			t.Errorf("Decode(%q) = %q, %v; want %v", tc.doc, values, err, tc.want)
		}
		if _, err := Patch([]byte(tc.doc), nil, nil, Cookie{}); !errors.Is(err, tc.want) {
			t.Errorf("Patch(%q) error = %v; want %v", tc.doc, err, tc.want)
		}
	}
}

func TestErrorsCarryNoSessionData(t *testing.T) {
	t.Parallel()
	const secret = "s3cr3t-value"
	for _, doc := range []string{
		`{"cookie":{"expires":"` + secret + `"},"v":"` + secret + `"}`,
		`{"cookie":{"domain":["` + secret + `"]}}`,
		`{"cookie":{"sameSite":"` + secret + `"}}`,
		`{"v":"` + secret + `",}`,
	} {
		_, _, err := Decode([]byte(doc))
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("Decode error = %v; want an error without the data", err)
		}
	}
	_, err := Encode(raw("v", secret), Cookie{})
	if err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("Encode error = %v; want an error without the value", err)
	}
}

func TestEncodeOrdersKeysAsJavaScript(t *testing.T) {
	t.Parallel()
	values := raw("b", "1", "10", "2", "a", "3", "2", "4", "4294967295", "5", "4294967294", "6", "01", "7", "0", "8", "-1", "9", "ü", "10")
	// What express-session writes after loading this record: array
	// indexes first, ascending, then its keys in their order.
	want := `{"0":8,"2":4,"10":2,"4294967294":6,"cookie":{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"},"-1":9,"01":7,"4294967295":5,"a":3,"b":1,"ü":10}`
	got, err := Encode(values, Cookie{HTTPOnly: FlagTrue, Path: "/"})
	if err != nil || string(got) != want {
		t.Errorf("Encode = %s, %v; want %s", got, err, want)
	}
}

func TestEncodeEscapesNamesAsJSONStringify(t *testing.T) {
	t.Parallel()
	name := "k\u2028<\x00\x1f\x7f\"\\\n"
	got, err := Encode(raw(name, "1"), Cookie{})
	want := `{"cookie":{"originalMaxAge":null,"expires":null},"k` + "\u2028" + `<\u0000\u001f` + "\x7f" + `\"\\\n":1}`
	if err != nil || string(got) != want {
		t.Errorf("Encode = %q, %v; want %q", got, err, want)
	}
	if bad, err := Encode(raw("a\xffb", "1"), Cookie{}); !errors.Is(err, ErrInvalidJSON) {
		t.Errorf("Encode with invalid UTF-8 in a name = %q, %v; want ErrInvalidJSON", bad, err)
	}
	if bad, err := Encode(nil, Cookie{Domain: "\xff"}); !errors.Is(err, ErrInvalidCookie) {
		t.Errorf("Encode with invalid UTF-8 in the domain = %q, %v; want ErrInvalidCookie", bad, err)
	}
}

func TestEncodeDecodeRoundTrip(t *testing.T) {
	t.Parallel()
	valueSets := []map[string][]byte{
		{},
		raw("passport", `{"user":"106"}`),
		raw("big", `12345678901234567890`, "f", `1.0`, "e", `1E400`, "s", `"\u00e9\ud800 <&>"`, "sp", ` [ 1 , 2 ] `),
		raw("", `""`, "0", `[]`, "7", `{}`, "n", `null`, "t", `false`, "ü", `"ü"`, "a\"b", `{"cookie":{}}`),
	}
	for _, cc := range cookieCases {
		for _, values := range valueSets {
			doc, err := Encode(values, cc.cookie)
			if err != nil {
				t.Fatalf("Encode(%q, %s): %v", values, cc.name, err)
			}
			got, c, err := Decode(doc)
			if err != nil || !sameValues(got, trimmed(values)) || !sameCookie(c, cc.cookie) {
				t.Errorf("Decode(Encode(%q, %s)) = %q, %+v, %v", values, cc.name, got, c, err)
			}
			if !bytes.Contains(doc, []byte(`"cookie":`+cc.json)) {
				t.Errorf("Encode(%s) = %s; want the cookie member %s", cc.name, doc, cc.json)
			}
		}
	}
}

// trimmed returns values without the whitespace around each, which is
// not part of a value.
func trimmed(values map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(values))
	for k, v := range values {
		out[k] = bytes.Trim(v, " \t\r\n")
	}
	return out
}

func TestEncodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		values map[string][]byte
		cookie Cookie
		want   error
	}{
		{raw("cookie", `{}`), Cookie{}, ErrReservedName},
		{raw("id", `1`), Cookie{}, ErrReservedName},
		{raw("__proto__", `1`), Cookie{}, ErrReservedName},
		{raw("a", ``), Cookie{}, ErrInvalidJSON},
		{raw("a", `1,"b":2`), Cookie{}, ErrInvalidJSON},
		{raw("a", `undefined`), Cookie{}, ErrInvalidJSON},
		{raw("a", `1`), Cookie{SameSite: "auto"}, ErrInvalidCookie},
	}
	for _, tc := range tests {
		if got, err := Encode(tc.values, tc.cookie); !errors.Is(err, tc.want) || got != nil {
			t.Errorf("Encode(%q, %+v) = %s, %v; want %v", tc.values, tc.cookie, got, err, tc.want)
		}
	}
}

func TestPatchKeepsUntouchedMembersExactly(t *testing.T) {
	t.Parallel()
	doc := " {\n\t\"a\" : 1 ,\"cookie\" :{\"path\":\"/old\"},  \"big\":12345678901234567890, \"u\":\"\\u00e9\\ud83d\\ude00\"," +
		" \"n\":{ \"x\" : [1, {\"y\":null}] }, \"e\":[], \"o\":{} , \"2\": \"two\", \"id\":\"kept\" } \n"
	c := Cookie{OriginalMaxAge: ptr(7200000), Expires: ms(1610709062164), Secure: FlagFalse, HTTPOnly: FlagTrue, Path: "/"}
	tests := []struct {
		name string
		set  map[string][]byte
		del  []string
		want string
	}{
		{"cookie only", nil, nil,
			`{"a" : 1,"cookie" :` + exampleCookie + `,"big":12345678901234567890,"u":"\u00e9\ud83d\ude00","n":{ "x" : [1, {"y":null}] },"e":[],"o":{},"2": "two","id":"kept"}`},
		{"set in place, append, delete", raw("a", `{"b":2}`, "zz", `"new"`, "new", `[]`), []string{"e", "o", "missing"},
			`{"a" : {"b":2},"cookie" :` + exampleCookie + `,"big":12345678901234567890,"u":"\u00e9\ud83d\ude00","n":{ "x" : [1, {"y":null}] },"2": "two","id":"kept","new":[],"zz":"new"}`},
		{"delete every value", nil, []string{"a", "big", "u", "n", "e", "o", "2", "id"},
			`{"cookie" :` + exampleCookie + `}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Patch([]byte(doc), tc.set, tc.del, c)
			if err != nil || string(got) != tc.want {
				t.Errorf("Patch =\n%s, %v; want\n%s", got, err, tc.want)
			}
		})
	}
}

func TestPatchCollapsesDuplicates(t *testing.T) {
	t.Parallel()
	doc := `{"a":1,"b":2,"cookie":{},"a" :3,"cookie":{"path":"/x"},"b":4}`
	got, err := Patch([]byte(doc), raw("b", `5`), nil, Cookie{})
	want := `{"a" :3,"b":5,"cookie":{"originalMaxAge":null,"expires":null}}`
	if err != nil || string(got) != want {
		t.Errorf("Patch(%s) = %s, %v; want %s", doc, got, err, want)
	}
}

func TestPatchErrors(t *testing.T) {
	t.Parallel()
	doc := []byte(expressExample)
	tests := []struct {
		name   string
		set    map[string][]byte
		del    []string
		cookie Cookie
		want   error
	}{
		{"set cookie", raw("cookie", `{}`), nil, Cookie{}, ErrReservedName},
		{"set reserved", raw("save", `1`), nil, Cookie{}, ErrReservedName},
		{"delete cookie", nil, []string{"cookie"}, Cookie{}, ErrReservedName},
		{"set and delete", raw("a", `1`), []string{"a"}, Cookie{}, ErrConflict},
		{"invalid value", raw("a", `{"x":`), nil, Cookie{}, ErrInvalidJSON},
		{"invalid cookie", nil, nil, Cookie{Priority: "now"}, ErrInvalidCookie},
	}
	for _, tc := range tests {
		if got, err := Patch(doc, tc.set, tc.del, tc.cookie); !errors.Is(err, tc.want) || got != nil {
			t.Errorf("%s: Patch = %s, %v; want %v", tc.name, got, err, tc.want)
		}
	}
	if _, err := Patch(doc, nil, []string{"id", "passport"}, Cookie{}); err != nil {
		t.Errorf("Patch deleting a reserved name: %v", err)
	}
}
