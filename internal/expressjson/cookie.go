package expressjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Cookie is the session's cookie member as express-session 1.18–1.19
// stores it: the JSON of its Cookie's data getter (session/cookie.js).
// The zero value is a cookie with every member unset, which encodes as
// {"originalMaxAge":null,"expires":null}; a cookie Express creates with
// its default options is
//
//	Cookie{HTTPOnly: FlagTrue, Path: "/"}
//
// and [Cookie.WithDefaults] turns any decoded cookie into what Express
// holds once it has loaded it.
//
// Members Express never writes (maxAge, an app's own) are not kept:
// Express drops them too on its next save. A JSON null in a string member
// reads as unset, and in a boolean member as false, which is what Express
// and its cookie serializer make of them.
type Cookie struct {
	// OriginalMaxAge is the cookie's lifetime in milliseconds, the maxAge
	// it was configured with. Nil is null: a browser-session cookie,
	// without Expires. It may be negative for an expired cookie. Express
	// writes null for a missing member, and so does Encode.
	OriginalMaxAge *int64

	// Partitioned is the Partitioned attribute (CHIPS). Unset, the
	// default, omits the member, as Express does unless the app set it.
	Partitioned Flag

	// Priority is the Priority attribute, "low", "medium" or "high" in
	// any letter case, which is kept. Empty, the default, omits the
	// member.
	Priority string

	// Expires is when the cookie expires, kept to the millisecond
	// (JavaScript's Date) and encoded in UTC as toISOString does:
	// 2021-01-15T11:11:02.164Z. The zero value is null: no Expires, a
	// browser-session cookie. Express always writes the member, null or
	// not, and so does Encode. Decode reads the RFC 3339 forms of the
	// string (and toISOString's six-digit years), not every string
	// JavaScript's Date can parse.
	//
	// A store whose touch only refreshes its own TTL (connect-redis) or
	// expire column (connect-pg-simple) leaves this member as it was at
	// the last full save, so it can lag behind the record's real expiry.
	Expires time.Time

	// Secure is the Secure attribute. Express writes it only when the app
	// configured cookie.secure (true, false or "auto", resolved per
	// request); its default leaves it unset, which omits the member.
	Secure Flag

	// HTTPOnly is the HttpOnly attribute. Express creates cookies with
	// true and, loading a record without the member, restores true.
	// Unset omits the member.
	HTTPOnly Flag

	// Domain is the Domain attribute. Empty, the default, omits the
	// member.
	Domain string

	// Path is the Path attribute. Express creates cookies with "/" and,
	// loading a record without the member, restores "/". Empty omits the
	// member, so an explicitly empty path (no Path attribute) does not
	// survive a decode: Express reads it back as "/".
	Path string

	// SameSite is the SameSite attribute in the forms Express accepts.
	// Unset, the default, omits the member.
	SameSite SameSite
}

// Flag is an optional boolean member of the cookie object: unset (the
// member is omitted), false or true. Its zero value is FlagUnset.
type Flag uint8

// The values of a Flag.
const (
	FlagUnset Flag = iota
	FlagFalse
	FlagTrue
)

// FlagOf returns FlagTrue for true and FlagFalse for false.
func FlagOf(b bool) Flag {
	if b {
		return FlagTrue
	}
	return FlagFalse
}

// SameSite is the cookie's sameSite option as Express stores it: a JSON
// boolean (true means Strict, false no attribute) or one of the strings
// lax, strict and none in any letter case, which is kept as written.
// Express resolves its "auto" setting before it stores the cookie. The
// zero value, SameSiteUnset, omits the member.
type SameSite string

// The sameSite forms. Any other letter case of SameSiteLax, SameSiteStrict
// and SameSiteNone is valid too and encodes as written.
const (
	SameSiteUnset  SameSite = ""
	SameSiteTrue   SameSite = "true"  // the JSON boolean true
	SameSiteFalse  SameSite = "false" // the JSON boolean false
	SameSiteLax    SameSite = "lax"
	SameSiteStrict SameSite = "strict"
	SameSiteNone   SameSite = "none"
)

func (s SameSite) valid() bool {
	switch strings.ToLower(string(s)) {
	case "", "lax", "strict", "none":
		return true
	}
	return s == SameSiteTrue || s == SameSiteFalse
}

func validPriority(p string) bool {
	switch strings.ToLower(p) {
	case "", "low", "medium", "high":
		return true
	}
	return false
}

// JavaScript's Date holds times within 8.64e15 ms of the epoch.
const maxDateMillis = 8.64e15

// Touch returns c as express-session's session.touch() leaves it, which
// Express does on every request before it saves or touches the record:
// Expires becomes now plus OriginalMaxAge, at millisecond precision, or
// null when OriginalMaxAge is null.
func (c Cookie) Touch(now time.Time) Cookie {
	if c.OriginalMaxAge == nil {
		c.Expires = time.Time{}
		return c
	}
	c.Expires = time.UnixMilli(now.UnixMilli() + *c.OriginalMaxAge).UTC()
	return c
}

// WithDefaults returns c as Express holds it after loading a record:
// HTTPOnly true if unset, Path "/" if empty, the defaults its Cookie
// constructor sets before it copies the stored members. Use it to decide
// the Set-Cookie attributes; encoding its result gives the cookie member
// Express itself would write back.
func (c Cookie) WithDefaults() Cookie {
	if c.HTTPOnly == FlagUnset {
		c.HTTPOnly = FlagTrue
	}
	if c.Path == "" {
		c.Path = "/"
	}
	return c
}

// appendJSON appends c's JSON in the data getter's member order:
// originalMaxAge, partitioned, priority, expires, secure, httpOnly,
// domain, path, sameSite, leaving out what JSON.stringify leaves out
// (undefined members).
func (c Cookie) appendJSON(b []byte) ([]byte, error) {
	if !validPriority(c.Priority) {
		return nil, fmt.Errorf("%w: priority is not low, medium or high", ErrInvalidCookie)
	}
	if !c.SameSite.valid() {
		return nil, fmt.Errorf("%w: sameSite is not a boolean, lax, strict or none", ErrInvalidCookie)
	}
	if !utf8.ValidString(c.Domain) || !utf8.ValidString(c.Path) {
		return nil, fmt.Errorf("%w: domain or path is not UTF-8", ErrInvalidCookie)
	}
	b = append(b, `{"originalMaxAge":`...)
	if c.OriginalMaxAge == nil {
		b = append(b, "null"...)
	} else {
		b = strconv.AppendInt(b, *c.OriginalMaxAge, 10)
	}
	b = appendFlag(b, "partitioned", c.Partitioned)
	b = appendOptString(b, "priority", c.Priority)
	b = append(b, `,"expires":`...)
	if c.Expires.IsZero() {
		b = append(b, "null"...)
	} else {
		ms := c.Expires.UnixMilli()
		if ms > maxDateMillis || ms < -maxDateMillis {
			return nil, fmt.Errorf("%w: expires is outside JavaScript's Date range", ErrInvalidCookie)
		}
		b = append(append(append(b, '"'), isoString(ms)...), '"')
	}
	b = appendFlag(b, "secure", c.Secure)
	b = appendFlag(b, "httpOnly", c.HTTPOnly)
	b = appendOptString(b, "domain", c.Domain)
	b = appendOptString(b, "path", c.Path)
	switch c.SameSite {
	case SameSiteUnset:
	case SameSiteTrue, SameSiteFalse:
		b = append(append(b, `,"sameSite":`...), c.SameSite...)
	default:
		b = appendOptString(b, "sameSite", string(c.SameSite))
	}
	return append(b, '}'), nil
}

func appendFlag(b []byte, name string, f Flag) []byte {
	switch f {
	case FlagTrue:
		return append(append(append(b, `,"`...), name...), `":true`...)
	case FlagFalse:
		return append(append(append(b, `,"`...), name...), `":false`...)
	}
	return b
}

func appendOptString(b []byte, name, v string) []byte {
	if v == "" {
		return b
	}
	b = append(append(append(b, `,"`...), name...), `":`...)
	return appendString(b, v)
}

// isoString formats ms as Date.prototype.toISOString does: four-digit
// years, and a sign with six digits outside 0000–9999.
func isoString(ms int64) string {
	t := time.UnixMilli(ms).UTC()
	rest := t.Format("-01-02T15:04:05.000Z")
	y := t.Year()
	switch {
	case y < 0:
		return fmt.Sprintf("-%06d%s", -y, rest)
	case y > 9999:
		return fmt.Sprintf("+%06d%s", y, rest)
	}
	return fmt.Sprintf("%04d%s", y, rest)
}

// parseISO parses the expires string: RFC 3339 (toISOString's output and
// the offset forms JavaScript's Date also reads), with the six-digit
// signed years toISOString writes outside 0000–9999. Fractions beyond
// milliseconds are truncated, as Date does.
func parseISO(s string) (time.Time, error) {
	year, rest := 0, s
	extended := len(s) > 7 && (s[0] == '+' || s[0] == '-')
	if extended {
		y, err := strconv.Atoi(s[1:7])
		if err != nil || s[1:7] == "000000" && s[0] == '-' {
			return time.Time{}, errBadDate
		}
		year = y
		if s[0] == '-' {
			year = -y
		}
		// Parse the rest under a stand-in year with the same leap rule.
		stand := "2001"
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			stand = "2000"
		}
		rest = stand + s[7:]
	}
	t, err := time.Parse(time.RFC3339Nano, rest)
	if err != nil {
		return time.Time{}, errBadDate
	}
	if extended {
		t = time.Date(year, t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	}
	ms := t.UnixMilli()
	if ms > maxDateMillis || ms < -maxDateMillis {
		return time.Time{}, errBadDate
	}
	return time.UnixMilli(ms).UTC(), nil
}

var errBadDate = fmt.Errorf("%w: expires is not an ISO 8601 date", ErrInvalidCookie)

// parseCookie reads the cookie member's value. raw is valid JSON.
func parseCookie(raw []byte) (Cookie, error) {
	var c Cookie
	if len(raw) == 0 || raw[0] != '{' {
		return c, fmt.Errorf("%w: not an object", ErrInvalidCookie)
	}
	var m map[string]json.RawMessage // last duplicate wins, as in JSON.parse
	if err := json.Unmarshal(raw, &m); err != nil {
		return c, fmt.Errorf("%w: not an object", ErrInvalidCookie)
	}
	var err error
	if c.OriginalMaxAge, err = parseMaxAge(m["originalMaxAge"]); err != nil {
		return c, err
	}
	if c.Expires, err = parseExpires(m["expires"]); err != nil {
		return c, err
	}
	flags := []struct {
		name string
		dst  *Flag
	}{{"partitioned", &c.Partitioned}, {"secure", &c.Secure}, {"httpOnly", &c.HTTPOnly}}
	for _, f := range flags {
		if *f.dst, err = parseFlag(f.name, m[f.name]); err != nil {
			return c, err
		}
	}
	strs := []struct {
		name string
		dst  *string
	}{{"priority", &c.Priority}, {"domain", &c.Domain}, {"path", &c.Path}}
	for _, s := range strs {
		if *s.dst, err = parseOptString(s.name, m[s.name]); err != nil {
			return c, err
		}
	}
	if !validPriority(c.Priority) {
		return c, fmt.Errorf("%w: priority is not low, medium or high", ErrInvalidCookie)
	}
	c.SameSite, err = parseSameSite(m["sameSite"])
	return c, err
}

func isNull(raw json.RawMessage) bool { return raw == nil || string(raw) == "null" }

func parseMaxAge(raw json.RawMessage) (*int64, error) {
	if isNull(raw) {
		return nil, nil
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return &n, nil
	}
	// Another spelling of an integer, such as 7.2e6.
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return nil, fmt.Errorf("%w: originalMaxAge is not an integer", ErrInvalidCookie)
	}
	n := int64(f)
	return &n, nil
}

func parseExpires(raw json.RawMessage) (time.Time, error) {
	if isNull(raw) {
		return time.Time{}, nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return time.Time{}, fmt.Errorf("%w: expires is not a string", ErrInvalidCookie)
	}
	return parseISO(s)
}

func parseFlag(name string, raw json.RawMessage) (Flag, error) {
	switch {
	case raw == nil:
		return FlagUnset, nil
	case string(raw) == "true":
		return FlagTrue, nil
	case string(raw) == "false", string(raw) == "null":
		return FlagFalse, nil
	}
	return FlagUnset, fmt.Errorf("%w: %s is not a boolean", ErrInvalidCookie, name)
}

func parseOptString(name string, raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("%w: %s is not a string", ErrInvalidCookie, name)
	}
	return s, nil
}

func parseSameSite(raw json.RawMessage) (SameSite, error) {
	switch {
	case isNull(raw):
		return SameSiteUnset, nil
	case bytes.Equal(raw, []byte("true")):
		return SameSiteTrue, nil
	case bytes.Equal(raw, []byte("false")):
		return SameSiteFalse, nil
	}
	s, err := parseOptString("sameSite", raw)
	if err == nil && s == "" {
		return SameSiteUnset, nil // falsy: no attribute, as unset
	}
	if err != nil || s == string(SameSiteTrue) || s == string(SameSiteFalse) || !SameSite(s).valid() {
		return SameSiteUnset, fmt.Errorf("%w: sameSite is not a boolean, lax, strict or none", ErrInvalidCookie)
	}
	return SameSite(s), nil
}
