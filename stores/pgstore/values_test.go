package pgstore_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sessionkit/sessionkit/core"
	"github.com/sessionkit/sessionkit/core/storetest"
	"github.com/sessionkit/sessionkit/stores/pgstore"
)

// nastyValues are JSON texts that encoding/json writes or passes through
// from a json.RawMessage or json.Number, and that a jsonb value either
// rejects (U+0000, lone surrogates, bytes that are not UTF-8) or rewrites
// (numbers, escapes, whitespace, key order).
var nastyValues = []string{
	`"a\u0000b"`,
	`{"\u0000":1}`,
	`"\ud800"`,
	`"\udfff"`,
	`"\ud83d\ude00"`,
	`"\u003c\u0026\u2028"`,
	"\"\xff\"",
	`12345678901234567890`,
	`1E400`,
	`1e+21`,
	`-0`,
	`{"b":1,"a":[ 2 ,3]}`,
	` [true, null] `,
	`{}`,
	`[]`,
	`""`,
	`"héllo 日本"`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
}

// TestValuesKeepTheirBytes: pgstore returns every value byte for byte as it
// was saved, through Load, Patch and Range, which is stricter than
// core.Record requires.
func TestValuesKeepTheirBytes(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	s := newStore(t, pool, pgstore.Options{CleanupInterval: -1})
	exp := time.Now().Add(time.Hour)
	for _, v := range nastyValues {
		t.Run("", func(t *testing.T) {
			key := storetest.NewKey(t)
			if err := s.Save(ctxT(t), key, core.Record{Values: map[string][]byte{"saved": []byte(v)}, Expiry: exp}); err != nil {
				t.Fatalf("Save(%.40q) = %v; want nil", v, err)
			}
			if found, err := s.Patch(ctxT(t), key, core.Patch{Set: map[string][]byte{"patched": []byte(v)}, Expiry: exp}); err != nil || !found {
				t.Fatalf("Patch(%.40q) = %v, %v; want true, nil", v, found, err)
			}
			rec, found, err := s.Load(ctxT(t), key)
			if err != nil || !found {
				t.Fatalf("Load = %v, %v; want found, nil", found, err)
			}
			for _, name := range []string{"saved", "patched"} {
				if got := rec.Values[name]; !bytes.Equal(got, []byte(v)) {
					t.Errorf("Load: %s value = %.40q; want %.40q", name, got, v)
				}
			}
			err = s.Range(ctxT(t), func(k string, rec core.Record) bool {
				if k == key && !bytes.Equal(rec.Values["saved"], []byte(v)) {
					t.Errorf("Range: value = %.40q; want %.40q", rec.Values["saved"], v)
				}
				return true
			})
			if err != nil {
				t.Errorf("Range = %v; want nil", err)
			}
		})
	}
}

// TestStoredRow pins the row format the package documentation describes:
// each value's JSON text held in a jsonb string, or its bytes in base64
// when the text is not UTF-8, so that data->>'name' is the value's JSON.
func TestStoredRow(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: -1})
	key := storetest.NewKey(t)
	vals := map[string][]byte{"user": []byte(`"alice"`), "cart": []byte(`[1,2]`), "note": []byte(`"a\u0000b"`), "raw": []byte("\"\xff\"")}
	if err := s.Save(ctxT(t), key, core.Record{Values: vals, Expiry: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	q := `SELECT data->>'user', data->>'cart', data->>'note', data->'raw'->>'base64', jsonb_typeof(data) FROM ` + pgx.Identifier{table}.Sanitize() + ` WHERE key = $1`
	got := make([]string, 5)
	if err := pool.QueryRow(ctxT(t), q, key).Scan(&got[0], &got[1], &got[2], &got[3], &got[4]); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	want := []string{`"alice"`, `[1,2]`, `"a\u0000b"`, "Iv8i", "object"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("column %d of %s = %q; want %q", i+1, q, got[i], want[i])
		}
	}
}

// TestMalformedRowsAreErrors: a row pgstore did not write, such as one in
// the format of earlier development versions, which stored each value as
// jsonb itself, fails to load with ErrBadRecord instead of yielding wrong
// values.
func TestMalformedRowsAreErrors(t *testing.T) {
	t.Parallel()
	pool, _ := newPool(t)
	table := newTable(t, pool)
	s := newStore(t, pool, pgstore.Options{Table: table, CleanupInterval: -1})
	rows := []string{
		`{"views": 42}`,
		`{"user": "alice"}`,
		`{"prefs": {"theme": "dark"}}`,
		`{"a": null}`,
		`{"a": {"base64": "not base64!"}}`,
		`{"a": {"base64": "e30=", "more": 1}}`,
		`{"a": {"base64": "Ww=="}}`,
		`[]`,
	}
	q := `INSERT INTO ` + pgx.Identifier{table}.Sanitize() + ` (key, data, expiry) VALUES ($1, $2::jsonb, $3)`
	for _, data := range rows {
		t.Run(data, func(t *testing.T) {
			key := storetest.NewKey(t)
			if _, err := pool.Exec(ctxT(t), q, key, data, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if rec, found, err := s.Load(ctxT(t), key); !errors.Is(err, core.ErrBadRecord) {
				t.Errorf("Load of a row holding %s = %v, %v, %v; want ErrBadRecord", data, rec.Values, found, err)
			}
		})
	}
}
