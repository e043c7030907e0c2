package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/sessionkit/sessionkit/core"
)

// apiError is a client error: its status and message are sent as they
// are. Any other error becomes a 500 with internalError.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// errorf returns an *apiError with the status and a formatted message.
func errorf(status int, format string, args ...any) error {
	return &apiError{status: status, msg: fmt.Sprintf(format, args...)}
}

// internalError is the message of every 500, whatever failed: the cause
// is logged, never sent.
const internalError = "internal server error"

// statusMessage is the message of an error that needs no more words than
// its status: "not found", "method not allowed".
func statusMessage(status int) string { return strings.ToLower(http.StatusText(status)) }

// errorResponse returns the status and message to answer err with. An
// *apiError is sent as it is; anything else becomes a 500 with
// internalError, and is logged with slog.Default, except a failed session
// load: the session middleware logs every one once through
// core.Config.Logger, including those a handler takes on with Session.Err.
func errorResponse(r *http.Request, err error) (int, string) {
	var e *apiError
	if errors.As(err, &e) {
		return e.status, e.msg
	}
	if !errors.Is(err, core.ErrLoad) {
		slog.ErrorContext(r.Context(), "request failed", "error", err, "method", r.Method, "path", r.URL.Path)
	}
	return http.StatusInternalServerError, internalError
}

// writeJSON writes v as a JSON response with the status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError writes the JSON error body {"error": msg} with the status.
func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// writeFailure answers a request that failed on the server, once the
// failure has been logged: with the page's error state for a form post
// from the page, and the JSON 500 otherwise.
func writeFailure(w http.ResponseWriter, r *http.Request) {
	if fromPage(r) {
		serveErrorPage(w, http.StatusInternalServerError, internalError)
		return
	}
	writeError(w, http.StatusInternalServerError, internalError)
}

// notFound answers a request no route matches.
func notFound(w http.ResponseWriter, _ *http.Request) {
	writeError(w, http.StatusNotFound, statusMessage(http.StatusNotFound))
}

// methodNotAllowed answers a known path asked with another method, listing
// the path's methods in the Allow header, as RFC 9110 requires.
func methodNotAllowed(w http.ResponseWriter, allow []string) {
	w.Header().Set("Allow", strings.Join(allow, ", "))
	writeError(w, http.StatusMethodNotAllowed, statusMessage(http.StatusMethodNotAllowed))
}

// respond answers an API request, with its session s: a form post from
// the page (see fromPage) with 303 See Other to the page on success, and
// on failure with the page showing the error (or its error state, for a
// 500); any other request with v, or the error, as JSON. url is the
// address the page shows.
func respond(w http.ResponseWriter, r *http.Request, s *core.Session, url string, v any, err error) {
	if err != nil {
		status, msg := errorResponse(r, err)
		switch {
		case status >= http.StatusInternalServerError:
			writeFailure(w, r)
		case fromPage(r):
			servePage(w, r, s, url, status, msg)
		default:
			writeError(w, status, msg)
		}
		return
	}
	if fromPage(r) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// fromPage reports whether r is a form post from the HTML page, to be
// answered with the page rather than JSON: a POST whose Accept header
// lists text/html, as browsers send when submitting a form. API clients
// (curl, fetch, XMLHttpRequest) send */* or application/json by default
// and get JSON. This keeps the forms plain HTML, with no hidden fields or
// scripts, and no client-supplied redirect target.
func fromPage(r *http.Request) bool {
	if r.Method != http.MethodPost {
		return false
	}
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(part)
		if err == nil && mt == "text/html" && params["q"] != "0" {
			return true
		}
	}
	return false
}

// protect refuses cross-origin writes (a POST, PUT or DELETE whose
// Sec-Fetch-Site or Origin header shows another origin) with a JSON 403,
// before h, and so the session, sees them: a defence against cross-site
// request forgery on top of the SameSite=Lax cookie.
func protect(h http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return cop.Handler(h)
}

// readValue reads r's body as a kv value: UTF-8 text of at most
// maxValueBytes. It returns an *apiError (413 or 400) otherwise.
func readValue(r *http.Request) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxValueBytes+1))
	switch {
	case err != nil:
		return "", errorf(http.StatusBadRequest, "cannot read the request body")
	case len(b) > maxValueBytes:
		return "", errorf(http.StatusRequestEntityTooLarge, "value larger than %d bytes", maxValueBytes)
	case !utf8.Valid(b):
		return "", errorf(http.StatusBadRequest, "value is not UTF-8 text")
	}
	return string(b), nil
}

// field returns the form field value with surrounding space trimmed, or a
// 400 *apiError naming the field when it is empty or longer than
// maxFieldBytes.
func field(name, value string) (string, error) {
	value = strings.TrimSpace(value)
	switch {
	case value == "" || len(value) > maxFieldBytes:
		return "", errorf(http.StatusBadRequest, "%s must be 1 to %d bytes", name, maxFieldBytes)
	case !utf8.ValidString(value) || strings.IndexByte(value, 0) >= 0:
		// A user name becomes the session's owner ID, which must be text.
		return "", errorf(http.StatusBadRequest, "%s must be UTF-8 text without NUL", name)
	}
	return value, nil
}

// reserved are the session keys the other routes own: the kv routes store
// strings, so letting them overwrite "views" would break GET /api/views.
var reserved = map[string]bool{viewsKey.Name(): true, userKey.Name(): true, flashKey.Name(): true}

// setValue stores v under key in s, for PUT /api/kv/{key}. A key core
// refuses, one an express-session record cannot hold with
// SESSION_COMPAT=express (core.ErrReservedKey: cookie, id, the Session
// object's methods...), is a 400 *apiError like checkKey's. It answers
// for the session's errors itself (Session.Err), so any other is returned
// as it is: a failed load, or a value past sessionLimits, is a 500.
func setValue(s *core.Session, key, v string) error {
	core.Key[string](key).Set(s, v)
	err := s.Err()
	if errors.Is(err, core.ErrReservedKey) {
		return errorf(http.StatusBadRequest, "key %q is reserved by express-session", key)
	}
	return err
}

// checkKey returns a 400 *apiError for a key the kv routes must not use:
// one the other routes own (views, user, flash), or one that is empty,
// longer than maxFieldBytes, not UTF-8 or holds NUL.
func checkKey(key string) error {
	switch {
	case reserved[key]:
		return errorf(http.StatusBadRequest, "key %q is used by the other routes", key)
	case key == "" || len(key) > maxFieldBytes:
		return errorf(http.StatusBadRequest, "key must be 1 to %d bytes", maxFieldBytes)
	case !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0:
		return errorf(http.StatusBadRequest, "key must be UTF-8 text without NUL")
	}
	return nil
}
