package expressjson

import (
	"errors"
	"testing"
	"time"
)

// now is the clock the expected outputs below were produced with, by
// express-session 1.19.0 under Node.js with Date.now fixed to it.
var now = time.UnixMilli(1610702000123).UTC()

func ptr(n int64) *int64 { return &n }

func ms(n int64) time.Time { return time.UnixMilli(n).UTC() }

func sameCookie(a, b Cookie) bool {
	if (a.OriginalMaxAge == nil) != (b.OriginalMaxAge == nil) ||
		a.OriginalMaxAge != nil && *a.OriginalMaxAge != *b.OriginalMaxAge {
		return false
	}
	if !a.Expires.Equal(b.Expires) {
		return false
	}
	a.OriginalMaxAge, b.OriginalMaxAge = nil, nil
	a.Expires, b.Expires = time.Time{}, time.Time{}
	return a == b
}

// cookieCases pair a Cookie with the cookie member express-session writes
// for the same cookie object: new Cookie(options) then JSON.stringify.
var cookieCases = []struct {
	name   string
	cookie Cookie
	json   string
}{
	{"defaults", Cookie{HTTPOnly: FlagTrue, Path: "/"},
		`{"originalMaxAge":null,"expires":null,"httpOnly":true,"path":"/"}`},
	{"maxAge and secure false", Cookie{OriginalMaxAge: ptr(7200000), Expires: ms(1610702000123 + 7200000), Secure: FlagFalse, HTTPOnly: FlagTrue, Path: "/"},
		`{"originalMaxAge":7200000,"expires":"2021-01-15T11:13:20.123Z","secure":false,"httpOnly":true,"path":"/"}`},
	{"every member", Cookie{OriginalMaxAge: ptr(1000), Partitioned: FlagTrue, Priority: "High", Expires: ms(1610702001123), Secure: FlagTrue, HTTPOnly: FlagFalse, Domain: "example.com", Path: "/x", SameSite: "Lax"},
		`{"originalMaxAge":1000,"partitioned":true,"priority":"High","expires":"2021-01-15T09:13:21.123Z","secure":true,"httpOnly":false,"domain":"example.com","path":"/x","sameSite":"Lax"}`},
	{"sameSite true", Cookie{Partitioned: FlagFalse, Priority: "low", HTTPOnly: FlagTrue, Path: "/", SameSite: SameSiteTrue},
		`{"originalMaxAge":null,"partitioned":false,"priority":"low","expires":null,"httpOnly":true,"path":"/","sameSite":true}`},
	{"escapes as JSON.stringify", Cookie{HTTPOnly: FlagTrue, Domain: "a\"b\\c\x01\u2028<>&é", Path: "/", SameSite: SameSiteFalse},
		`{"originalMaxAge":null,"expires":null,"httpOnly":true,"domain":"a\"b\\c\u0001` + "\u2028" + `<>&é","path":"/","sameSite":false}`},
	{"expired", Cookie{OriginalMaxAge: ptr(-5000), Expires: ms(1610702000123 - 5000), Secure: FlagTrue, HTTPOnly: FlagTrue, Path: "/", SameSite: SameSiteNone},
		`{"originalMaxAge":-5000,"expires":"2021-01-15T09:13:15.123Z","secure":true,"httpOnly":true,"path":"/","sameSite":"none"}`},
	{"six-digit year", Cookie{OriginalMaxAge: ptr(251791598799877), Expires: ms(253402300800000), HTTPOnly: FlagTrue, Path: "/"},
		`{"originalMaxAge":251791598799877,"expires":"+010000-01-01T00:00:00.000Z","httpOnly":true,"path":"/"}`},
	{"negative year", Cookie{Expires: ms(-62198755200000)},
		`{"originalMaxAge":null,"expires":"-000001-01-01T00:00:00.000Z"}`},
	{"before the epoch", Cookie{Expires: ms(-1)},
		`{"originalMaxAge":null,"expires":"1969-12-31T23:59:59.999Z"}`},
	{"zero value", Cookie{}, `{"originalMaxAge":null,"expires":null}`},
}

func TestCookieJSONMatchesExpress(t *testing.T) {
	t.Parallel()
	for _, tc := range cookieCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.cookie.appendJSON(nil)
			if err != nil || string(got) != tc.json {
				t.Errorf("appendJSON = %s, %v; want %s", got, err, tc.json)
			}
			back, err := parseCookie([]byte(tc.json))
			if err != nil || !sameCookie(back, tc.cookie) {
				t.Errorf("parseCookie(%s) = %+v, %v; want %+v", tc.json, back, err, tc.cookie)
			}
		})
	}
}

func TestParseCookieReadsWhatExpressReads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		json string
		want Cookie
	}{
		{"empty object", `{}`, Cookie{}},
		{"members in any order", `{"path":"/","httpOnly":true,"expires":"2021-01-15T11:11:02.164Z","originalMaxAge":7200000}`,
			Cookie{OriginalMaxAge: ptr(7200000), Expires: ms(1610709062164), HTTPOnly: FlagTrue, Path: "/"}},
		{"fraction beyond milliseconds truncated", `{"expires":"2021-01-15T11:11:02.1649Z"}`, Cookie{Expires: ms(1610709062164)}},
		{"offset", `{"expires":"2021-01-15T11:11:02.164+01:00"}`, Cookie{Expires: ms(1610705462164)}},
		{"no fraction", `{"expires":"2021-01-15T11:11:02Z"}`, Cookie{Expires: ms(1610709062000)}},
		{"integer in exponent form", `{"originalMaxAge":7.2e6}`, Cookie{OriginalMaxAge: ptr(7200000)}},
		{"null booleans are false", `{"secure":null,"httpOnly":null,"partitioned":null}`, Cookie{Secure: FlagFalse, HTTPOnly: FlagFalse, Partitioned: FlagFalse}},
		{"null strings are unset", `{"domain":null,"path":null,"priority":null,"sameSite":null}`, Cookie{}},
		{"empty sameSite is unset", `{"sameSite":""}`, Cookie{}},
		{"letter case kept", `{"sameSite":"STRICT","priority":"Medium"}`, Cookie{SameSite: "STRICT", Priority: "Medium"}},
		{"unknown members ignored", `{"maxAge":5,"data":{},"extra":[1]}`, Cookie{}},
		{"last duplicate wins", `{"path":"/a","path":"/b"}`, Cookie{Path: "/b"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseCookie([]byte(tc.json))
			if err != nil || !sameCookie(got, tc.want) {
				t.Errorf("parseCookie(%s) = %+v, %v; want %+v", tc.json, got, err, tc.want)
			}
		})
	}
}

func TestParseCookieRejectsWhatExpressCannotUse(t *testing.T) {
	t.Parallel()
	for _, doc := range []string{
		`null`, `[]`, `"x"`, `1`,
		`{"expires":5}`, `{"expires":"soon"}`, `{"expires":""}`, `{"expires":"2021-01-15"}`,
		`{"expires":"+275761-01-01T00:00:00.000Z"}`, `{"expires":"-000000-01-01T00:00:00.000Z"}`,
		`{"originalMaxAge":"1"}`, `{"originalMaxAge":1.5}`, `{"originalMaxAge":1e400}`, `{"originalMaxAge":true}`,
		`{"secure":"yes"}`, `{"httpOnly":1}`, `{"partitioned":"true"}`,
		`{"domain":1}`, `{"path":false}`, `{"priority":"urgent"}`, `{"priority":2}`,
		`{"sameSite":"auto"}`, `{"sameSite":"true"}`, `{"sameSite":"False"}`, `{"sameSite":1}`,
	} {
		if c, err := parseCookie([]byte(doc)); !errors.Is(err, ErrInvalidCookie) {
			t.Errorf("parseCookie(%s) = %+v, %v; want ErrInvalidCookie", doc, c, err)
		}
	}
}

func TestAppendJSONRejectsCookiesExpressCannotWrite(t *testing.T) {
	t.Parallel()
	for _, c := range []Cookie{
		{Priority: "urgent"},
		{SameSite: "auto"},
		{SameSite: "TRUE"},
		{Expires: ms(8.64e15 + 1)},
		{Expires: ms(-8.64e15 - 1)},
	} {
		if got, err := c.appendJSON(nil); !errors.Is(err, ErrInvalidCookie) {
			t.Errorf("appendJSON(%+v) = %s, %v; want ErrInvalidCookie", c, got, err)
		}
	}
	for _, c := range []Cookie{{Expires: ms(8.64e15)}, {Expires: ms(-8.64e15)}} {
		if _, err := c.appendJSON(nil); err != nil {
			t.Errorf("appendJSON(%+v) at the edge of Date's range: %v", c, err)
		}
	}
}

func TestTouchSetsExpiresFromOriginalMaxAge(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   Cookie
		want time.Time
	}{
		{"max age", Cookie{OriginalMaxAge: ptr(1000), Expires: ms(5)}, ms(1610702001123)},
		{"browser session", Cookie{Expires: ms(5)}, time.Time{}},
		{"sub-millisecond clock truncated", Cookie{OriginalMaxAge: ptr(0)}, ms(1610702000123)},
	}
	for _, tc := range tests {
		got := tc.in.Touch(now.Add(999 * time.Microsecond))
		if !got.Expires.Equal(tc.want) || got.Expires.Location() != time.UTC {
			t.Errorf("%s: Touch().Expires = %v; want %v in UTC", tc.name, got.Expires, tc.want)
		}
	}
}

func TestWithDefaultsFillsWhatExpressRestores(t *testing.T) {
	t.Parallel()
	got := Cookie{}.WithDefaults()
	if got.HTTPOnly != FlagTrue || got.Path != "/" {
		t.Errorf("Cookie{}.WithDefaults() = %+v; want HTTPOnly true, Path /", got)
	}
	kept := Cookie{HTTPOnly: FlagFalse, Path: "/x"}.WithDefaults()
	if kept.HTTPOnly != FlagFalse || kept.Path != "/x" {
		t.Errorf("WithDefaults changed set members: %+v", kept)
	}
	if FlagOf(true) != FlagTrue || FlagOf(false) != FlagFalse {
		t.Error("FlagOf maps booleans wrongly")
	}
}
