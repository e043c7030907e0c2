package core

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// scanAll collects every value cookieScan yields for name.
func scanAll(h http.Header, name string) []string {
	var got []string
	sc := scanCookies(h, name)
	for {
		v, ok := sc.next()
		if !ok {
			return got
		}
		got = append(got, v)
	}
}

// netHTTPValues is what net/http reads for name from the same header.
func netHTTPValues(h http.Header, name string) []string {
	r := &http.Request{Header: h}
	var want []string
	for _, c := range r.CookiesNamed(name) {
		want = append(want, c.Value)
	}
	return want
}

func TestCookieScanReadsAsNetHTTP(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []string
	}{
		{"none", nil, nil},
		{"one", []string{"sid=abc"}, []string{"abc"}},
		{"among others", []string{"a=1; sid=abc; b=2"}, []string{"abc"}},
		{"in order, across lines", []string{"sid=one; x=1", "y=2; sid=two"}, []string{"one", "two"}},
		{"spaces around the part trimmed, not after =", []string{" \tsid = abc ;  sid=def\t"}, []string{" abc", "def"}},
		{"quoted", []string{`sid="abc"`}, []string{"abc"}},
		{"lone quote is invalid", []string{`sid="`}, nil},
		{"invalid byte skipped", []string{`sid=a\b; sid=ok`}, []string{"ok"}},
		{"empty value", []string{"sid=; sid=x"}, []string{"", "x"}},
		{"no equals sign", []string{"sid; sid=x"}, []string{"", "x"}},
		{"prefix of another name", []string{"sidx=1; xsid=2; SID=3"}, nil},
		{"empty parts", []string{";;sid=v;;"}, []string{"v"}},
		{"empty lines", []string{"", "  ", "sid=v"}, []string{"v"}},
		{"non-ASCII value", []string{"sid=caf\u00e9"}, nil},
		{"too many cookies", []string{strings.Repeat("a=1; ", maxRequestCookies) + "sid=v"}, nil},
		{"at the cap", []string{strings.Repeat("a=1; ", maxRequestCookies-1) + "sid=v"}, []string{"v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{"Cookie": tt.lines}
			got := scanAll(h, "sid")
			if !slices.Equal(got, tt.want) {
				t.Errorf("scan = %q; want %q", got, tt.want)
			}
			if want := netHTTPValues(h, "sid"); !slices.Equal(got, want) {
				t.Errorf("scan = %q; net/http reads %q", got, want)
			}
			if has := hasCookie(h, "sid"); has != (len(tt.want) > 0) {
				t.Errorf("hasCookie = %v; want %v", has, len(tt.want) > 0)
			}
		})
	}
}

func TestCookieScanAllocatesNothing(t *testing.T) {
	h := http.Header{"Cookie": {"a=1; sid=abc; b=2", "sid=def"}}
	n := testing.AllocsPerRun(100, func() {
		if len(scanAll(h, "nope")) != 0 {
			t.Fatal("found a cookie that is not there")
		}
		sc := scanCookies(h, "sid")
		if v, ok := sc.next(); !ok || v != "abc" {
			t.Fatalf("next = %q, %v", v, ok)
		}
	})
	if n != 0 {
		t.Errorf("a scan allocates %v times; want 0", n)
	}
}

func FuzzCookieScan(f *testing.F) {
	for _, s := range []string{"sid=abc", `a=1; sid="x"; sid=y`, " sid = v ;;", "sid", `sid=a\b`} {
		f.Add(s, "sid=more")
	}
	f.Fuzz(func(t *testing.T, line1, line2 string) {
		h := http.Header{"Cookie": {line1, line2}}
		if got, want := scanAll(h, "sid"), netHTTPValues(h, "sid"); !slices.Equal(got, want) {
			t.Fatalf("scan of %q = %q; net/http reads %q", h["Cookie"], got, want)
		}
	})
}
