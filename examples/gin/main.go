// Command gin is the sessionkit example app on gin: a view counter, login,
// flash messages and a small key-value API over one session, with an HTML
// page to try it in a browser.
//
//	go run ./examples/gin   # then open http://localhost:8080
//
// The environment variables and the routes are documented in
// examples/internal/app; examples/chi and examples/echo serve the same
// contract.
package main

import "github.com/sessionkit/sessionkit/examples/internal/app"

func main() {
	app.Main(newHandler)
}
