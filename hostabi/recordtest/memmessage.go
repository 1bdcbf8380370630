package recordtest

// MemMessage is a message kept in memory, for testing the Redpanda Connect
// wasm ABI (connectwasm.Message) without Benthos: a payload and metadata
// fields. Writes go straight through.
type MemMessage struct {
	payload []byte
	meta    map[string]string
}

// NewMessage makes a message with payload and metadata (used as is).
func NewMessage(payload string, meta map[string]string) *MemMessage {
	if meta == nil {
		meta = map[string]string{}
	}
	return &MemMessage{payload: []byte(payload), meta: meta}
}

// Parts returns the payload and the metadata, for assertions.
func (m *MemMessage) Parts() (payload string, meta map[string]string) {
	return string(m.payload), m.meta
}

// Payload implements connectwasm.Message.
func (m *MemMessage) Payload() ([]byte, error) { return m.payload, nil }

// SetPayload implements connectwasm.Message.
func (m *MemMessage) SetPayload(b []byte) error {
	m.payload = append([]byte(nil), b...)
	return nil
}

// Meta implements connectwasm.Message.
func (m *MemMessage) Meta(name []byte) ([]byte, bool, error) {
	v, ok := m.meta[string(name)]
	return []byte(v), ok, nil
}

// SetMeta implements connectwasm.Message.
func (m *MemMessage) SetMeta(name, value []byte) error {
	m.meta[string(name)] = string(value)
	return nil
}
