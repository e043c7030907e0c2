// Command echo is the sessionkit example app on Echo: a view counter, login,
// flash messages and a small key-value API over one session, with an HTML
// page to try it in a browser.
//
//	go run ./examples/echo  # then open http://localhost:8080
//
// The environment variables and the routes are documented in
// examples/internal/app; examples/gin and examples/chi serve the same
// contract.
package main

import "github.com/sessionkit/sessionkit/examples/internal/app"

func main() {
	app.Main(newHandler)
}
