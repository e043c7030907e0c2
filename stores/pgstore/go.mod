module github.com/sessionkit/sessionkit/stores/pgstore

go 1.25.0

require (
	github.com/jackc/pgx/v5 v5.1.0
	github.com/sessionkit/sessionkit v0.0.0
)

require (
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20200714003250-2b9c44734f2b // indirect
	github.com/jackc/puddle/v2 v2.1.2 // indirect
	go.uber.org/atomic v1.10.0 // indirect
	golang.org/x/crypto v0.0.0-20220829220503-c86fa9a7ed90 // indirect
	golang.org/x/sync v0.0.0-20220923202941-7f9b1623fab7 // indirect
	golang.org/x/text v0.3.8 // indirect
)

replace github.com/sessionkit/sessionkit => ../..
