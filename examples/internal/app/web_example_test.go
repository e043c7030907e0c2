package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/sessionkit/sessionkit/examples/internal/app"
)

func ExampleFromPage() {
	browser := httptest.NewRequest(http.MethodPost, "/api/views", nil)
	browser.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	curl := httptest.NewRequest(http.MethodPost, "/api/views", nil)
	curl.Header.Set("Accept", "*/*")

	for _, r := range []*http.Request{browser, curl} {
		w := httptest.NewRecorder()
		app.Reply(w, r, map[string]int{"views": 1}, nil)
		fmt.Printf("%d Location: %q Body: %q\n", w.Code, w.Header().Get("Location"), strings.TrimSpace(w.Body.String()))
	}
	// Output:
	// 303 Location: "/" Body: ""
	// 200 Location: "" Body: "{\"views\":1}"
}
