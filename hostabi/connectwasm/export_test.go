package connectwasm

// GuestCounter calls an exported () -> i32 function of the instance, for
// tests that read the guest's own allocation counters.
func GuestCounter(in *Instance, name string) int32 {
	f := in.core.Func(name)
	if err := in.core.Call(in.core.Exchange().Context(), f); err != nil {
		panic(err)
	}
	return int32(f.Stack[0])
}
