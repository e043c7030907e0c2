package ginsession_test

import (
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/sessionkit/sessionkit/internal/goroutines"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	goroutines.VerifyTestMain(m)
}
