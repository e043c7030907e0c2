package adaptertest

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/sessionkit/sessionkit/core"
)

// The owner routes of the route contract serve per-owner sessions. An
// app registers each route with its framework and calls the function
// below for it, with the session (the adapter's Get) and the route's
// parameter:
//
//	POST /owner/login/{user}      OwnerLogin
//	GET  /owner/me                OwnerMe
//	GET  /owner/sessions          OwnerList
//	POST /owner/revoke/{handle}   OwnerRevoke
//	POST /owner/revoke-others     OwnerRevokeOthers

// OwnerLogin serves POST /owner/login/{user}: Regenerate, then bind the
// session to user; 200 "ok".
func OwnerLogin(w http.ResponseWriter, s *core.Session, user string) {
	s.Regenerate()
	s.SetOwner(user)
	io.WriteString(w, "ok")
}

// OwnerMe serves GET /owner/me: 200 with the session's owner, or 401 for
// a session bound to no one.
func OwnerMe(w http.ResponseWriter, s *core.Session) {
	owner := s.Owner()
	if owner == "" {
		http.Error(w, "not logged in", http.StatusUnauthorized)
		return
	}
	io.WriteString(w, owner)
}

// ListedSession is one entry of GET /owner/sessions.
type ListedSession struct {
	Handle    string `json:"handle"`
	Current   bool   `json:"current"`
	UserAgent string `json:"user_agent"`
}

// OwnerList serves GET /owner/sessions: 200 with a JSON array of
// ListedSession, newest first, or 401 for a session bound to no one.
func OwnerList(w http.ResponseWriter, r *http.Request, s *core.Session) {
	list, err := s.OwnerSessions(r.Context())
	if ownerFailed(w, err) {
		return
	}
	out := make([]ListedSession, 0, len(list))
	for _, o := range list {
		out = append(out, ListedSession{Handle: o.Handle, Current: o.Current, UserAgent: o.UserAgent})
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(out)
}

// OwnerRevoke serves POST /owner/revoke/{handle}: 200 "ok", or 404 for a
// handle that is not one of the owner's sessions.
func OwnerRevoke(w http.ResponseWriter, r *http.Request, s *core.Session, handle string) {
	if !ownerFailed(w, s.RevokeSession(r.Context(), handle)) {
		io.WriteString(w, "ok")
	}
}

// OwnerRevokeOthers serves POST /owner/revoke-others: 200 with the
// number of sessions revoked.
func OwnerRevokeOthers(w http.ResponseWriter, r *http.Request, s *core.Session) {
	n, err := s.RevokeOthers(r.Context())
	if !ownerFailed(w, err) {
		io.WriteString(w, strconv.Itoa(n))
	}
}

// ownerFailed answers err, if any: 401 for no owner, 404 for an unknown
// handle, 500 otherwise, never with the error's text.
func ownerFailed(w http.ResponseWriter, err error) bool {
	switch {
	case err == nil:
		return false
	case errors.Is(err, core.ErrNoOwner):
		http.Error(w, "not logged in", http.StatusUnauthorized)
	case errors.Is(err, core.ErrUnknownSession):
		http.Error(w, "no such session", http.StatusNotFound)
	default:
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
	return true
}
