package expressjson_test

import (
	"fmt"
	"time"

	"github.com/sessionkit/sessionkit/internal/expressjson"
)

func Example() {
	doc := []byte(`{"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T11:11:02.164Z","secure":false,"httpOnly":true,"path":"/"},"passport":{"user":"106"},"n":12345678901234567890}`)
	values, c, err := expressjson.Decode(doc)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s %s\n", values["passport"], values["n"])

	now := time.Date(2021, 1, 15, 10, 0, 0, 0, time.UTC)
	c = c.Touch(now)
	doc, err = expressjson.Patch(doc, map[string][]byte{"flash": []byte(`"saved"`)}, []string{"passport"}, c)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\n", doc)
	fmt.Println(expressjson.RedisTTL(c, now, 0))
	// Output:
	// {"user":"106"} 12345678901234567890
	// {"cookie":{"originalMaxAge":7200000,"expires":"2021-01-15T12:00:00.000Z","secure":false,"httpOnly":true,"path":"/"},"n":12345678901234567890,"flash":"saved"}
	// 7200 true
}
