//go:build unix

package kafka

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDataDir takes dir's lock file, so that a second broker on the same
// directory fails instead of both writing it. The lock goes with the
// process (flock), so a killed broker leaves nothing stale.
func lockDataDir(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, "kafka-dev.lock")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("data directory %s is in use by another broker (%s is locked)", dir, path)
		}
		return nil, fmt.Errorf("data directory: locking %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}
