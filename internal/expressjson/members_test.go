package expressjson_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/sessionkit/sessionkit/internal/expressjson"
)

func TestMembersKeepsEveryMemberExactly(t *testing.T) {
	doc := []byte(`{ "cookie" : {"originalMaxAge":null,"expires":null} , "id":1, "n":12345678901234567890,"s":"\u00e9" ,"n":2}`)
	got, err := expressjson.Members(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"cookie": `{"originalMaxAge":null,"expires":null}`, "id": "1", "n": "2", "s": `"\u00e9"`}
	if len(got) != len(want) {
		t.Fatalf("Members = %q; want %q", got, want)
	}
	for k, v := range want {
		if string(got[k]) != v {
			t.Errorf("Members[%q] = %s; want %s", k, got[k], v)
		}
	}
}

func TestEncodeMembersOrder(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   map[string][]byte
		want string
	}{
		{"empty", map[string][]byte{}, `{}`},
		{"indexes, cookie, rest", map[string][]byte{"b": []byte("1"), "10": []byte("2"), "cookie": []byte(`{}`), "2": []byte(" 3 "), "a": []byte("[]")}, `{"2":3,"10":2,"cookie":{},"a":[],"b":1}`},
		{"no cookie", map[string][]byte{"z": []byte("true"), "01": []byte("0")}, `{"01":0,"z":true}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := expressjson.EncodeMembers(tt.in)
			if err != nil || string(got) != tt.want {
				t.Errorf("EncodeMembers = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
	if _, err := expressjson.EncodeMembers(map[string][]byte{"a": []byte("{")}); !errors.Is(err, expressjson.ErrInvalidJSON) {
		t.Errorf("EncodeMembers(invalid value) = %v; want ErrInvalidJSON", err)
	}
}

func TestPatchMembers(t *testing.T) {
	for _, tt := range []struct {
		name string
		doc  string
		set  map[string][]byte
		del  []string
		want string
		err  error
	}{
		{"keeps untouched bytes", `{"cookie": {"path":"/"} ,"x": [ 1 ],"y":1}`, map[string][]byte{"y": []byte("2")}, nil, `{"cookie": {"path":"/"},"x": [ 1 ],"y":2}`, nil},
		{"sets the cookie member like any", `{"cookie":{},"a":1}`, map[string][]byte{"cookie": []byte(`{"p":1}`)}, nil, `{"cookie":{"p":1},"a":1}`, nil},
		{"appends in byte order", `{"a":1}`, map[string][]byte{"c": []byte("3"), "b": []byte("2")}, nil, `{"a":1,"b":2,"c":3}`, nil},
		{"into an empty object", `{}`, map[string][]byte{"a": []byte("1")}, nil, `{"a":1}`, nil},
		{"deletes to empty", `{"a":1}`, nil, []string{"a", "absent"}, `{}`, nil},
		{"duplicate names once", `{"a":1,"b":2,"a":3}`, map[string][]byte{"b": []byte("4")}, nil, `{"a":3,"b":4}`, nil},
		{"conflict", `{}`, map[string][]byte{"a": []byte("1")}, []string{"a"}, "", expressjson.ErrConflict},
		{"not an object", `[1]`, nil, nil, "", expressjson.ErrNotObject},
		{"invalid value", `{}`, map[string][]byte{"a": []byte("nope")}, nil, "", expressjson.ErrInvalidJSON},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := expressjson.PatchMembers([]byte(tt.doc), tt.set, tt.del)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Errorf("PatchMembers = %s, %v; want %v", got, err, tt.err)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Errorf("PatchMembers = %s, %v; want %s", got, err, tt.want)
			}
		})
	}
}

func TestParseCookieRoundTrip(t *testing.T) {
	raw := ` {"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"} `
	c, err := expressjson.ParseCookie([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	out, err := c.AppendJSON(nil)
	if err != nil || string(out) != `{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"}` {
		t.Errorf("AppendJSON = %s, %v; want the member as Express wrote it", out, err)
	}
}

// TestMembersOfADeepValue: a value as deeply nested as encoding/json
// allows on its own is read inside a record too, as stores save it.
func TestMembersOfADeepValue(t *testing.T) {
	const depth = 10000
	deep := strings.Repeat("[", depth) + strings.Repeat("]", depth)
	doc, err := expressjson.EncodeMembers(map[string][]byte{"d": []byte(deep), "cookie": []byte("{}")})
	if err != nil {
		t.Fatal(err)
	}
	got, err := expressjson.Members(doc)
	if err != nil || string(got["d"]) != deep {
		t.Errorf("Members of a record with a %d-deep value: %v; want the value back", depth, err)
	}
	if _, err := expressjson.Members([]byte(`{"a":1,}`)); !errors.Is(err, expressjson.ErrInvalidJSON) {
		t.Errorf("Members of a trailing comma = %v; want ErrInvalidJSON", err)
	}
}
