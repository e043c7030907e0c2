package core

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// wireRecord is the JSON shape EncodeRecord writes. Values stay raw JSON so a
// record round-trips without knowing the application's types.
type wireRecord struct {
	Expiry int64                      `json:"e"`
	Values map[string]json.RawMessage `json:"v"`
	Owner  *wireOwner                 `json:"o,omitempty"`
}

// wireOwner is Owner in a record blob, times in Unix milliseconds.
type wireOwner struct {
	ID        string `json:"id"`
	Created   int64  `json:"c,omitempty"`
	Ends      int64  `json:"n,omitempty"`
	Seen      int64  `json:"s,omitempty"`
	UserAgent string `json:"ua,omitempty"`
	IP        string `json:"ip,omitempty"`
}

func unixMilli(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMilli(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms)
}

func (o *wireOwner) owner() Owner {
	if o == nil {
		return Owner{}
	}
	return Owner{ID: o.ID, Created: fromMilli(o.Created), Ends: fromMilli(o.Ends), Seen: fromMilli(o.Seen), UserAgent: o.UserAgent, IP: o.IP}
}

// EncodeRecord encodes rec as one JSON document, for stores that keep a
// session as a single blob. The Owner goes with it, times to the
// millisecond. Every value must already be valid JSON, as the
// manager guarantees.
func EncodeRecord(rec Record) ([]byte, error) {
	w := wireRecord{Values: make(map[string]json.RawMessage, len(rec.Values)), Expiry: unixMilli(rec.Expiry)}
	if o := rec.Owner; o.Bound() {
		w.Owner = &wireOwner{ID: o.ID, Created: unixMilli(o.Created), Ends: unixMilli(o.Ends), Seen: unixMilli(o.Seen), UserAgent: o.UserAgent, IP: o.IP}
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
// an error wrapping ErrBadRecord, never a panic. Each value is read on its
// own, so a value as deeply nested as encoding/json allows still decodes
// inside the record.
func DecodeRecord(b []byte) (Record, error) {
	rec, err := decodeRecord(json.NewDecoder(bytes.NewReader(b)))
	if err != nil {
		return Record{}, fmt.Errorf("%w: %w", ErrBadRecord, err)
	}
	return rec, nil
}

func decodeRecord(dec *json.Decoder) (Record, error) {
	rec := Record{Values: map[string][]byte{}}
	open, err := dec.Token()
	if err != nil || open == nil { // null is the empty record, as for Unmarshal
		return rec, err
	}
	if open != json.Delim('{') {
		return rec, fmt.Errorf("record is %v, not an object", open)
	}
	for dec.More() {
		name, err := dec.Token()
		if err != nil {
			return rec, err
		}
		switch name {
		case "e":
			var ms int64
			if err := dec.Decode(&ms); err != nil {
				return rec, err
			}
			rec.Expiry = fromMilli(ms)
		case "v":
			if rec.Values, err = decodeValues(dec); err != nil {
				return rec, err
			}
		case "o":
			var o *wireOwner
			if err := dec.Decode(&o); err != nil {
				return rec, err
			}
			rec.Owner = o.owner()
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return rec, err
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return rec, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return rec, errors.New("data after the record")
	}
	return rec, nil
}

// decodeValues reads the "v" object, each value as raw JSON.
func decodeValues(dec *json.Decoder) (map[string][]byte, error) {
	vals := map[string][]byte{}
	open, err := dec.Token()
	if err != nil || open == nil {
		return vals, err
	}
	if open != json.Delim('{') {
		return nil, fmt.Errorf("values are %v, not an object", open)
	}
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		vals[k.(string)] = []byte(v)
	}
	_, err = dec.Token()
	return vals, err
}
