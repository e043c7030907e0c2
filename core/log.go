package core

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
)

// The attribute keys of every record the manager logs, listed in the
// package documentation's table. Values never hold a session ID, a token,
// a cookie's value or a secret.
const (
	logKeyEvent      = "event"
	logKeyError      = "error"
	logKeyStore      = "store"
	logKeyOperation  = "operation"
	logKeyMethod     = "method"
	logKeyPath       = "path"
	logKeyHandled    = "handled"
	logKeyCookieName = "cookie_name"
	logKeySecretAt   = "secret_index"
	logKeySecretLen  = "secret_bytes"
)

// The values of the event attribute.
const (
	logEventCommitFailed      = "commit_failed"
	logEventLoadFailed        = "load_failed"
	logEventTouchFailed       = "touch_failed"
	logEventSessionEnded      = "session_ended"
	logEventCookieInvalid     = "cookie_invalid"
	logEventEvictFailed       = "evict_failed"
	logEventWeakSecret        = "weak_secret"
	logEventMigrateFailed     = "express_cleanup_failed"
	logEventExpressListFailed = "express_list_failed"
)

// logSessionError logs one session failure of request r at level Error.
// handled says the handler took the error on and answered for it.
func (m *Manager) logSessionError(ctx context.Context, event string, err error, r *http.Request, handled bool) {
	attrs := make([]slog.Attr, 0, 7)
	attrs = append(attrs, slog.String(logKeyEvent, event), slog.Any(logKeyError, err))
	attrs = m.appendStore(attrs, err)
	attrs = append(attrs, slog.String(logKeyMethod, r.Method), slog.String(logKeyPath, r.URL.Path))
	if handled {
		attrs = append(attrs, slog.Bool(logKeyHandled, true))
	}
	m.cfg.Logger.LogAttrs(ctx, slog.LevelError, "sessionkit: session error", attrs...)
}

// logWarn logs a store trouble the request survived; err may be nil.
func (m *Manager) logWarn(ctx context.Context, msg, event string, err error) {
	attrs := make([]slog.Attr, 0, 4)
	attrs = append(attrs, slog.String(logKeyEvent, event))
	if err != nil {
		attrs = append(attrs, slog.Any(logKeyError, err))
	}
	attrs = append(attrs, slog.String(logKeyStore, m.store.kind))
	if op := failedOp(err); op != 0 {
		attrs = append(attrs, slog.String(logKeyOperation, op.String()))
	}
	m.cfg.Logger.LogAttrs(ctx, slog.LevelWarn, msg, attrs...)
}

// appendStore adds the store and the failed operation when err came from
// a store call.
func (m *Manager) appendStore(attrs []slog.Attr, err error) []slog.Attr {
	if op := failedOp(err); op != 0 {
		attrs = append(attrs, slog.String(logKeyStore, m.store.kind), slog.String(logKeyOperation, op.String()))
	}
	return attrs
}

// failedOp returns the store operation err came from, or 0.
func failedOp(err error) StoreOp {
	var se *storeError
	if errors.As(err, &se) {
		return se.op
	}
	return 0
}
