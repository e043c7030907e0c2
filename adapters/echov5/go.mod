module github.com/sessionkit/sessionkit/adapters/echov5

go 1.25.0

require (
	github.com/labstack/echo/v5 v5.3.1
	github.com/sessionkit/sessionkit v0.0.0
)

require golang.org/x/time v0.15.0 // indirect

replace github.com/sessionkit/sessionkit => ../..
