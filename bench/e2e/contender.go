package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"sync/atomic"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/sessionkit/sessionkit/bench"
)

// A contender is one library on one store, served by bench's net/http
// subject over a loopback socket.
type contender struct {
	lib     string
	handler http.Handler
	ops     *bench.OpCounter // store calls, counted by wrapping the store
	rtt     *atomic.Int64    // round trips from the app to its backend
	closeFn func()           // releases the manager, store and client

	srv *http.Server
	url string // http://127.0.0.1:port
}

// scsContender serves store through scs's net/http subject.
func scsContender(store scs.Store, rtt *atomic.Int64, closeStore func()) *contender {
	c := &contender{lib: "scs", rtt: rtt, ops: new(bench.OpCounter), closeFn: closeStore}
	c.handler = bench.SCSHandler(bench.NewSCS(c.ops.SCSStore(store), 0))
	return c
}

// serve starts the contender's HTTP server on a free loopback port.
func (c *contender) serve() error {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	c.srv = &http.Server{Handler: c.handler, ReadHeaderTimeout: 10 * time.Second}
	c.url = "http://" + l.Addr().String()
	go func() {
		if err := c.srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(os.Stderr, "e2e: %s server: %v\n", c.lib, err)
		}
	}()
	return nil
}

// close stops the server, then releases the contender's resources.
func (c *contender) close() {
	if c.srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = c.srv.Shutdown(ctx)
		cancel()
	}
	c.closeFn()
}
