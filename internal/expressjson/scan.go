package expressjson

import (
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"unicode/utf8"
)

// member is one member of the top-level object, as offsets into the
// document: doc[start:end] is its exact text, from the key's opening
// quote to the value's last byte, and doc[value:end] its value.
type member struct {
	name              string
	start, value, end int
}

// scan splits doc, which must be valid JSON, into the members of its
// top-level object, duplicates included, in document order.
func scan(doc []byte) ([]member, error) {
	if err := validObject(doc); err != nil {
		return nil, err
	}
	i := skipSpace(doc, 0)
	if doc[i] != '{' {
		return nil, ErrNotObject
	}
	i = skipSpace(doc, i+1)
	var ms []member
	for doc[i] != '}' {
		m := member{start: i}
		keyEnd := stringEnd(doc, i)
		m.name = unquote(doc[i:keyEnd])
		m.value = skipSpace(doc, skipSpace(doc, keyEnd)+1) // past the colon
		m.end = valueEnd(doc, m.value)
		ms = append(ms, m)
		i = skipSpace(doc, m.end)
		if doc[i] == ',' {
			i = skipSpace(doc, i+1)
		}
	}
	return ms, nil
}

// validObject reports whether doc is one valid JSON value and, if so,
// whether it is an object. Each member's value is checked on its own, so
// a value as deeply nested as encoding/json allows (as a store accepts it
// from EncodeMembers) is still valid inside the record.
func validObject(doc []byte) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	open, err := dec.Token()
	switch {
	case err != nil:
		return ErrInvalidJSON
	case open != json.Delim('{'):
		if !json.Valid(doc) {
			return ErrInvalidJSON
		}
		return ErrNotObject
	}
	for dec.More() {
		if _, err := dec.Token(); err != nil { // the name
			return ErrInvalidJSON
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return ErrInvalidJSON
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return ErrInvalidJSON
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrInvalidJSON
	}
	return nil
}

func skipSpace(doc []byte, i int) int {
	for i < len(doc) {
		switch doc[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// stringEnd returns the offset just past the string starting at doc[i].
func stringEnd(doc []byte, i int) int {
	for i++; ; i++ {
		switch doc[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
}

// valueEnd returns the offset just past the value starting at doc[i].
func valueEnd(doc []byte, i int) int {
	switch doc[i] {
	case '"':
		return stringEnd(doc, i)
	case '{', '[':
		depth := 0
		for {
			switch doc[i] {
			case '"':
				i = stringEnd(doc, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
	}
	for i < len(doc) {
		switch doc[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// unquote decodes a JSON string known to be valid.
func unquote(q []byte) string {
	inner := q[1 : len(q)-1]
	for _, c := range inner {
		if c == '\\' || c >= utf8.RuneSelf {
			var s string
			_ = json.Unmarshal(q, &s)
			return s
		}
	}
	return string(inner)
}

// appendString appends s as JSON.stringify writes a string: only '"',
// '\\' and control characters escaped, with \b \t \n \f \r or lowercase
// \u00xx, and nothing else (not <, >, &, U+2028 or U+2029, which
// encoding/json escapes). Callers pass valid UTF-8; anything else would
// become U+FFFD.
func appendString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			b = utf8.AppendRune(b, r) // RuneError for invalid bytes
			i += n
			continue
		}
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, '\\', 'b')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\f':
			b = append(b, '\\', 'f')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			if c < 0x20 {
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
		i++
	}
	return append(b, '"')
}

// arrayIndex reports whether name is a JavaScript array index, a
// canonical decimal below 2³²−1, and its value. JavaScript orders such
// keys of an object first, ascending, before every other key, whatever
// order they were added in.
func arrayIndex(name string) (uint64, bool) {
	if name == "" || len(name) > 10 || name[0] == '0' && len(name) > 1 {
		return 0, false
	}
	n, err := strconv.ParseUint(name, 10, 64)
	if err != nil || n > 1<<32-2 {
		return 0, false
	}
	return n, true
}
