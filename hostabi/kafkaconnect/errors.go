package kafkaconnect

import "fmt"

// GuestError is a record failure the guest function reported itself, by
// returning a message with bit 31 of its length set. The instance stays usable.
type GuestError struct {
	Function string
	Message  string
}

func (e *GuestError) Error() string {
	return fmt.Sprintf("guest function %s returned an error: %s", e.Function, e.Message)
}
