package kafkaconnect

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/benthos-wasm/benthos-wasm/hostabi/recordtest"
)

// The host hands every packed result back to the guest's dealloc, with the
// raw length (bit 31 included), whether it carried an error or not.
func TestEveryResultIsHandedBackToDealloc(t *testing.T) {
	wasm, err := os.ReadFile(filepath.Join("..", "..", "testdata", "wasm", "faults.wasm"))
	require.NoError(t, err)
	for _, tt := range []struct {
		function string
		wantErr  string
		wantLen  uint32
	}{
		{"ok_result", "", 3},
		{"error_result", "guest function error_result returned an error: nope!", 5 | errorBit},
	} {
		t.Run(tt.function, func(t *testing.T) {
			m, err := Load(context.Background(), "faults.wasm", wasm, Config{Function: tt.function})
			require.NoError(t, err)
			defer m.Close(context.Background())
			in, err := m.Instantiate(context.Background())
			require.NoError(t, err)
			guest := in.core.Unwrap()
			for i := 1; i <= 2; i++ {
				err = in.Call(context.Background(), recordtest.New(nil, nil, nil, nil))
				if tt.wantErr == "" {
					require.NoError(t, err)
				} else {
					var ge *GuestError
					require.ErrorAs(t, err, &ge)
					assert.Equal(t, tt.wantErr, err.Error())
				}
				assert.False(t, in.Broken(), "a result, even an error, keeps the instance")
				assert.Equal(t, uint64(i), guest.ExportedGlobal("dealloc_calls").Get(), "dealloc runs once per call")
				assert.Equal(t, uint64(2048), guest.ExportedGlobal("dealloc_ptr").Get())
				assert.Equal(t, uint64(tt.wantLen), guest.ExportedGlobal("dealloc_len").Get())
			}
		})
	}
}
