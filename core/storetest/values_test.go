package storetest

import (
	"encoding/json"
	"testing"
)

func TestJSONEqual(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want bool
	}{
		{`100`, `1e2`, true},
		{`100`, `1.00E+2`, true},
		{`100`, `100.0`, true},
		{`0.5`, `5e-1`, true},
		{`0`, `-0`, true},
		{`0`, `0.0e5`, true},
		{`-1.5`, `-15E-1`, true},
		{`"\u00e9"`, `"é"`, true},
		{`"\ud83d\ude00"`, `"😀"`, true},
		{`"\ud800\ud800\udc00"`, `"\ud800𐀀"`, true},
		{`"\u003c\u0026"`, `"<&"`, true},
		{`"\/"`, `"/"`, true},
		{`"\u000a"`, `"\n"`, true},
		{`{"a":1,"b":[2,3]}`, " { \"b\" : [ 2 , 3 ] ,\n\"a\" : 1 } ", true},
		{`"\ud800"`, `"\ud800"`, true},
		{"\"\xff\"", "\"\xff\"", true},
		{`{`, `{`, true},

		{`12345678901234567890`, `12345678901234567000`, false}, // equal as float64
		{`1e400`, `1e401`, false},
		{`1`, `-1`, false},
		{`"\ud800"`, `"\ufffd"`, false}, // equal through encoding/json
		{`"\ud800"`, `"\udc00"`, false},
		{`"\ud800"`, "\"\xed\xa0\x80\"", false},
		{"\"\xff\"", `"\ufffd"`, false},
		{"\"\xff\"", "\"\xfe\"", false},
		{`{"\ud800":1}`, `{"\ufffd":1}`, false},
		{`"a\u0000b"`, `"ab"`, false},
		{`"a\u0000b"`, `"a\\u0000b"`, false},
		{`[1,2]`, `[2,1]`, false},
		{`{"a":1}`, `{"a":1,"b":2}`, false},
		{`1`, `"1"`, false},
		{`null`, `false`, false},
		{`[]`, `{}`, false},
		{`""`, `null`, false},
		{`{`, `{ `, false},
	}
	for _, tc := range tests {
		if got := jsonEqual([]byte(tc.a), []byte(tc.b)); got != tc.want {
			t.Errorf("jsonEqual(%q, %q) = %v; want %v", tc.a, tc.b, got, tc.want)
		}
		if got := jsonEqual([]byte(tc.b), []byte(tc.a)); got != tc.want {
			t.Errorf("jsonEqual(%q, %q) = %v; want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

// TestEveryJSONValueIsDistinct makes sure the cases do not hide each
// other: a store that turned one case's value into another's would pass
// if two cases were the same value.
func TestEveryJSONValueIsDistinct(t *testing.T) {
	t.Parallel()
	for i, a := range everyJSONValue {
		if !json.Valid([]byte(a.value)) {
			t.Errorf("case %q: %q is not JSON", a.name, a.value)
		}
		for _, b := range everyJSONValue[i+1:] {
			if jsonEqual([]byte(a.value), []byte(b.value)) {
				t.Errorf("cases %q and %q hold the same JSON value", a.name, b.name)
			}
		}
	}
}
