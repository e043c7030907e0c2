package core

import (
	"encoding/json"
	"fmt"
	"time"
)

// wireRecord is the JSON shape EncodeRecord writes. Values stay raw JSON so a
// record round-trips without knowing the application's types.
type wireRecord struct {
	Expiry int64                      `json:"e"`
	Values map[string]json.RawMessage `json:"v"`
}

// EncodeRecord encodes rec as one JSON document, for stores that keep a
// session as a single blob. Every value must already be valid JSON, as the
// manager guarantees.
func EncodeRecord(rec Record) ([]byte, error) {
	w := wireRecord{Values: make(map[string]json.RawMessage, len(rec.Values))}
	if !rec.Expiry.IsZero() {
		w.Expiry = rec.Expiry.UnixMilli()
	}
	for k, v := range rec.Values {
		if !json.Valid(v) {
			return nil, fmt.Errorf("%w: value for key %q is not JSON", ErrBadRecord, k)
		}
		w.Values[k] = v
	}
	return json.Marshal(w)
}

// DecodeRecord decodes bytes written by EncodeRecord. Anything else yields
// an error wrapping ErrBadRecord, never a panic.
func DecodeRecord(b []byte) (Record, error) {
	var w wireRecord
	if err := json.Unmarshal(b, &w); err != nil {
		return Record{}, fmt.Errorf("%w: %v", ErrBadRecord, err)
	}
	rec := Record{Values: make(map[string][]byte, len(w.Values))}
	if w.Expiry != 0 {
		rec.Expiry = time.UnixMilli(w.Expiry)
	}
	for k, v := range w.Values {
		if v == nil {
			return Record{}, fmt.Errorf("%w: key %q has no value", ErrBadRecord, k)
		}
		rec.Values[k] = []byte(v)
	}
	return rec, nil
}
