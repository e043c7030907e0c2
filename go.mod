module github.com/sessionkit/sessionkit

go 1.25.0

require (
	github.com/alexedwards/scs/v2 v2.5.0
	github.com/go-chi/chi/v5 v5.0.8
)
