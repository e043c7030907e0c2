package goroutines

import (
	"strings"
	"testing"
	"time"
)

func TestFindReportsAndThenClearsALeak(t *testing.T) {
	before := Current()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		leakyWorker(stop)
	}()
	err := find(before, 50*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "leakyWorker") {
		t.Fatalf("Find with a goroutine running = %v; want an error naming leakyWorker", err)
	}
	close(stop)
	<-done
	if err := Find(before); err != nil {
		t.Fatalf("Find after the goroutine exited = %v; want nil", err)
	}
}

func leakyWorker(stop <-chan struct{}) { <-stop }

func TestMain(m *testing.M) {
	VerifyTestMain(m)
}
