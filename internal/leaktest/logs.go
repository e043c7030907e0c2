package leaktest

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
)

// Logs captures everything one scenario's app logs: the records of its
// slog loggers (the manager's Config.Logger, a store's logger, a
// framework's slog-based request logger) and the lines frameworks write to
// an io.Writer.
type Logs struct {
	mu      sync.Mutex
	records []Entry
	lines   bytes.Buffer
}

// Entry is one captured slog record, rendered.
type Entry struct {
	Level   slog.Level
	Message string
	Errors  []error // the record's error-valued attributes
	Text    string  // the message and every attribute, groups flattened
}

// Logger returns a logger whose records Logs keeps.
func (l *Logs) Logger() *slog.Logger { return slog.New(&capture{logs: l}) }

// Write keeps framework log lines.
func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lines.Write(p)
}

// Records returns the slog records kept so far.
func (l *Logs) Records() []Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Entry(nil), l.records...)
}

// Lines returns the framework log lines kept so far.
func (l *Logs) Lines() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Split(strings.TrimSpace(l.lines.String()), "\n")
}

// capture is a slog.Handler that keeps every record, with the attributes
// and groups of the logger that made it.
type capture struct {
	logs   *Logs
	attrs  []slog.Attr
	prefix string
}

func (c *capture) Enabled(context.Context, slog.Level) bool { return true }

func (c *capture) Handle(_ context.Context, r slog.Record) error {
	e := Entry{Level: r.Level, Message: r.Message}
	var b strings.Builder
	b.WriteString(r.Message)
	for _, a := range c.attrs { // keys already carry their groups
		render(&b, "", a, &e.Errors)
	}
	r.Attrs(func(a slog.Attr) bool {
		render(&b, c.prefix, a, &e.Errors)
		return true
	})
	e.Text = b.String()
	c.logs.mu.Lock()
	c.logs.records = append(c.logs.records, e)
	c.logs.mu.Unlock()
	return nil
}

func (c *capture) WithAttrs(as []slog.Attr) slog.Handler {
	n := *c
	for _, a := range as {
		a.Key = c.prefix + a.Key
		n.attrs = append(append([]slog.Attr(nil), n.attrs...), a)
	}
	return &n
}

func (c *capture) WithGroup(name string) slog.Handler {
	n := *c
	n.prefix = c.prefix + name + "."
	return &n
}

// render appends " key=value" for a, and for each attribute of a group,
// collecting error values.
func render(b *strings.Builder, prefix string, a slog.Attr, errs *[]error) {
	v := a.Value.Resolve()
	if v.Kind() == slog.KindGroup {
		for _, g := range v.Group() {
			render(b, prefix+a.Key+".", g, errs)
		}
		return
	}
	if err, ok := v.Any().(error); ok && err != nil {
		*errs = append(*errs, err)
		fmt.Fprintf(b, " %s%s=%v (%+v)", prefix, a.Key, err, err)
		return
	}
	fmt.Fprintf(b, " %s%s=%v", prefix, a.Key, v.Any())
}
