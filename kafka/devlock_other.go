//go:build !unix

package kafka

// lockDataDir does nothing where flock is missing: one broker per data
// directory is then up to the user.
func lockDataDir(string) (unlock func(), err error) { return func() {}, nil }
