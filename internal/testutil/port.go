package testutil

import (
	"net"
	"testing"
)

// FreePort returns a loopback port that was free a moment ago, for a server
// a test starts on a port it must know in advance.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("finding a free loopback port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
