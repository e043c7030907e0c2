package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/sessionkit/sessionkit/core"
)

// Limits on what clients may store.
const (
	// MaxValueBytes bounds the body of PUT /api/kv/{key}: 64 KiB.
	MaxValueBytes = 64 << 10
	// MaxFieldBytes bounds the form fields user and msg, and kv keys.
	MaxFieldBytes = 256
	// MaxSessionKeys bounds the keys of one session, those of the other
	// routes (views, user, flash) included: PUT /api/kv/{key} of one more
	// fails.
	MaxSessionKeys = 32
)

// SessionLimits are the managers' core.Config.Limits: MaxSessionKeys keys
// of at most 1 MiB in all, and a value as large as any body PUT
// /api/kv/{key} accepts can be once JSON-encoded, which writes a byte as up
// to six ("<" is \u003c). Beyond them a Set fails the request with a 500,
// and nothing already stored is lost.
var SessionLimits = core.Limits{ValueBytes: 6*MaxValueBytes + 2, Keys: MaxSessionKeys, SessionBytes: 1 << 20}

const internalError = "internal server error"

// Error is a client error: its Status and Message are sent to the client
// as they are. Any other error becomes a 500 with a generic message.
type Error struct {
	Status  int
	Message string
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the status and a formatted message.
func Errorf(status int, format string, args ...any) error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// ErrorResponse returns the status and JSON body for err. An *Error is
// sent as it is; anything else becomes a 500 whose body says nothing of
// the cause, and is logged with slog.Default, except a failed session
// load: the session middleware logs every store failure once through
// core.Config.Logger, including one the handler took on with Session.Err.
func ErrorResponse(r *http.Request, err error) (int, map[string]string) {
	var e *Error
	if errors.As(err, &e) {
		return e.Status, errorBody(e.Message)
	}
	if !errors.Is(err, core.ErrLoad) {
		slog.ErrorContext(r.Context(), "request failed", "error", err, "method", r.Method, "path", r.URL.Path)
	}
	return http.StatusInternalServerError, errorBody(internalError)
}

func errorBody(msg string) map[string]string { return map[string]string{"error": msg} }

// WriteInternalError answers 500 with the generic JSON error body, for a
// failure that has already been logged.
func WriteInternalError(w http.ResponseWriter) {
	WriteJSON(w, http.StatusInternalServerError, errorBody(internalError))
}

// WriteJSON writes v as a JSON response with the status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// NotFound answers a request no route matches, in JSON like every other
// error, so the three example apps answer unknown paths alike.
func NotFound(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusNotFound, errorBody(http.StatusText(http.StatusNotFound)))
}

// MethodNotAllowed answers a known path asked with the wrong method.
func MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	WriteJSON(w, http.StatusMethodNotAllowed, errorBody(http.StatusText(http.StatusMethodNotAllowed)))
}

// Reply answers an API request on plain net/http: err as ErrorResponse
// says, a form post from the page (see FromPage) with 303 See Other to /,
// and anything else with v as JSON.
func Reply(w http.ResponseWriter, r *http.Request, v any, err error) {
	switch {
	case err != nil:
		status, body := ErrorResponse(r, err)
		WriteJSON(w, status, body)
	case FromPage(r):
		http.Redirect(w, r, "/", http.StatusSeeOther)
	default:
		WriteJSON(w, http.StatusOK, v)
	}
}

// FromPage reports whether r is a form post from the HTML page, to be
// answered with a redirect to the page rather than JSON: a POST whose
// Accept header lists text/html, as browsers send when submitting a form.
// API clients (curl, fetch, XMLHttpRequest) send */* or application/json
// by default and get JSON. This keeps the forms plain HTML, with no hidden
// fields or scripts, and no client-supplied redirect target.
func FromPage(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(part)
		if err == nil && mt == "text/html" && params["q"] != "0" {
			return true
		}
	}
	return false
}

// ReadValue reads r's body as a kv value: UTF-8 text of at most
// MaxValueBytes. It returns an *Error (413 or 400) otherwise.
func ReadValue(r *http.Request) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, MaxValueBytes+1))
	switch {
	case err != nil:
		return "", Errorf(http.StatusBadRequest, "cannot read the request body")
	case len(b) > MaxValueBytes:
		return "", Errorf(http.StatusRequestEntityTooLarge, "value larger than %d bytes", MaxValueBytes)
	case !utf8.Valid(b):
		return "", Errorf(http.StatusBadRequest, "value is not UTF-8 text")
	}
	return string(b), nil
}

// Field returns the form field value with surrounding space trimmed, or a
// 400 *Error naming the field when it is empty or longer than
// MaxFieldBytes.
func Field(name, value string) (string, error) {
	value = strings.TrimSpace(value)
	if value == "" || len(value) > MaxFieldBytes {
		return "", Errorf(http.StatusBadRequest, "%s must be 1 to %d bytes", name, MaxFieldBytes)
	}
	return value, nil
}

// PathParam returns a path parameter's value decoded: routers match on
// the escaped path when the request has one (a key such as "a/b" arrives
// as a%2Fb) and then hand over raw values, so this decodes them the way
// gin does with UseRawPath and UnescapePathValues.
func PathParam(r *http.Request, raw string) string {
	if r.URL.RawPath == "" {
		return raw
	}
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}

// reserved are the session keys the other routes own: the kv routes store
// strings, so letting them overwrite "views" would break GET /api/views.
var reserved = map[string]bool{Views.Name(): true, User.Name(): true, Flash.Name(): true}

// CheckKey returns a 400 *Error for a key the kv routes must not use: one
// of the keys the other routes own (views, user, flash), or one longer than
// MaxFieldBytes.
func CheckKey(key string) error {
	switch {
	case reserved[key]:
		return Errorf(http.StatusBadRequest, "key %q is used by the other routes", key)
	case key == "" || len(key) > MaxFieldBytes:
		return Errorf(http.StatusBadRequest, "key must be 1 to %d bytes", MaxFieldBytes)
	case !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0:
		return Errorf(http.StatusBadRequest, "key must be UTF-8 text without NUL")
	}
	return nil
}
