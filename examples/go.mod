module github.com/sessionkit/sessionkit/examples

go 1.25.0

require (
	github.com/chromedp/cdproto v0.160.4
	github.com/chromedp/chromedp v0.23.1
	github.com/gin-gonic/gin v1.7.7
	github.com/go-chi/chi/v5 v5.0.0
	github.com/jackc/pgx/v5 v5.0.0
	github.com/labstack/echo/v4 v4.9.0
	github.com/redis/go-redis/v9 v9.0.0
	github.com/sessionkit/sessionkit v0.0.0
	github.com/sessionkit/sessionkit/adapters/echo v0.0.0
	github.com/sessionkit/sessionkit/adapters/gin v0.0.0
	github.com/sessionkit/sessionkit/stores/pgstore v0.0.0
	github.com/sessionkit/sessionkit/stores/redisstore v0.0.0
)

require (
	github.com/cespare/xxhash/v2 v2.2.0 // indirect
	github.com/dgryski/go-rendezvous v0.0.0-20200823014737-9f7001d12a5f // indirect
	github.com/gin-contrib/sse v0.1.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/go-playground/locales v0.13.0 // indirect
	github.com/go-playground/universal-translator v0.17.0 // indirect
	github.com/go-playground/validator/v10 v10.4.1 // indirect
	github.com/golang-jwt/jwt v3.2.2+incompatible // indirect
	github.com/golang/protobuf v1.3.3 // indirect
	github.com/jackc/pgpassfile v1.0.0 // indirect
	github.com/jackc/pgservicefile v0.0.0-20200714003250-2b9c44734f2b // indirect
	github.com/jackc/puddle/v2 v2.0.0 // indirect
	github.com/json-iterator/go v1.1.9 // indirect
	github.com/kr/text v0.2.0 // indirect
	github.com/labstack/gommon v0.3.1 // indirect
	github.com/leodido/go-urn v1.2.0 // indirect
	github.com/mattn/go-colorable v0.1.11 // indirect
	github.com/mattn/go-isatty v0.0.14 // indirect
	github.com/modern-go/concurrent v0.0.0-20180228061459-e0a39a4cb421 // indirect
	github.com/modern-go/reflect2 v0.0.0-20180701023420-4b7aa43c6742 // indirect
	github.com/rogpeppe/go-internal v1.16.0 // indirect
	github.com/ugorji/go/codec v1.1.7 // indirect
	github.com/valyala/bytebufferpool v1.0.0 // indirect
	github.com/valyala/fasttemplate v1.2.1 // indirect
	golang.org/x/crypto v0.0.0-20220829220503-c86fa9a7ed90 // indirect
	golang.org/x/net v0.0.0-20211112202133-69e39bad7dc2 // indirect
	golang.org/x/sys v0.26.0 // indirect
	golang.org/x/text v0.3.7 // indirect
	golang.org/x/time v0.0.0-20201208040808-7e3f01d25324 // indirect
	gopkg.in/yaml.v2 v2.2.8 // indirect
)

replace (
	github.com/sessionkit/sessionkit => ..
	github.com/sessionkit/sessionkit/adapters/echo => ../adapters/echo
	github.com/sessionkit/sessionkit/adapters/gin => ../adapters/gin
	github.com/sessionkit/sessionkit/stores/pgstore => ../stores/pgstore
	github.com/sessionkit/sessionkit/stores/redisstore => ../stores/redisstore
)
