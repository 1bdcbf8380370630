package codec_test

import (
	"bytes"
	"testing"

	"github.com/benthos-wasm/benthos-wasm/codec"
)

// FuzzProtobufShownJSONEncodesBack takes arbitrary bytes as the data of an
// Order record (orderProto: every shape the converter shows). Whatever the
// converter shows a guest it must take back, so a guest that changes
// nothing is never refused; the record it writes must show the same JSON;
// and writing that again must give the same bytes: the encoding is
// canonical. (Bytes that already were canonical come back identical:
// TestProtobufRoundTripGivesTheSameBytes.)
func FuzzProtobufShownJSONEncodesBack(f *testing.F) {
	reg := protoRegistry(f)
	c := newProtobuf(f, reg, "")
	md := orderMessage(f, "shop.Order")
	for _, text := range []string{
		fullOrderProtojson, `{}`,
		`{"card": "", "priority": 0, "ratio": "NaN", "weight": "-Infinity", "noteId": "0"}`,
		`{"status": 7, "attrs": {"a": {"b": [1, "x", null, false]}}, "ttl": "-0.000000001s", "at": "0001-01-01T00:00:00Z"}`,
	} {
		f.Add(produce(f, md, orderID, []int{0}, text)[6:]) // the data after the 6-byte header
	}
	f.Add([]byte{0x10, 0x01, 0x10, 0x02})                         // a field twice: the last one counts
	f.Add([]byte{0x4a, 0x00, 0x50, 0x05})                         // both oneof members: the last one counts
	f.Add([]byte{0x32, 0x02, 0x10, 0x01, 0x32, 0x02, 0x08, 0x01}) // a line, then an unpacked uint32... as a message
	f.Add([]byte{0xf8, 0x07, 0x01})                               // an unknown field

	f.Fuzz(func(t *testing.T, data []byte) {
		record := wire(t, orderID, []int{0}, data)
		guest, err := c.FromBytes(record)
		if err != nil {
			return // not an Order
		}
		stored, err := c.ToHostFor(guest, record)
		if err != nil {
			t.Fatalf("the JSON shown for %x is refused: %v\n%s", data, err, guest)
		}
		again, err := c.FromBytes(stored.Bytes())
		if err != nil {
			t.Fatalf("the record written for %s does not decode: %v", guest, err)
		}
		if !bytes.Equal(again, guest) {
			t.Fatalf("written and read again, %s became %s", guest, again)
		}
		var twice codec.Stored
		if twice, err = c.ToHostFor(again, stored.Bytes()); err != nil || !bytes.Equal(twice.Bytes(), stored.Bytes()) {
			t.Fatalf("written twice, %s gave %x then %x (%v)", guest, stored.Bytes(), twice.Bytes(), err)
		}
	})
}

// FuzzProtobufGuestJSON takes arbitrary bytes as what a guest writes for an
// Order. The converter must refuse them or encode them; what it encodes
// must decode, and show JSON that encodes to the same bytes again.
func FuzzProtobufGuestJSON(f *testing.F) {
	reg := protoRegistry(f)
	c := newProtobuf(f, reg, "")
	original := produce(f, orderMessage(f, "shop.Order"), orderID, []int{0}, `{}`)
	for _, guest := range []string{
		fullOrderGuest, emptyOrderGuest, `{}`, `{"big":"1e3","ubig":1.0e1,"weight":"Infinity"}`,
		`{"by_id":{"-0":{}},"counts":{"":-1}}`, `{"attrs":{"a":[{}]},"ttl":"-1.5s","at":"2024-01-01T00:00:00.5-02:00"}`,
		`{"status":9,"blob":"_-8","tags":["\ud800"]}`, `{"card":null,"voucher":null}`, `null`, `{"lines":[{}],"customer":{}}`,
	} {
		f.Add([]byte(guest))
	}
	f.Fuzz(func(t *testing.T, guest []byte) {
		stored, err := c.ToHostFor(guest, original)
		if err != nil {
			return
		}
		shown, err := c.FromBytes(stored.Bytes())
		if err != nil {
			t.Fatalf("%s was encoded as %x, which does not decode: %v", guest, stored.Bytes(), err)
		}
		again, err := c.ToHostFor(shown, stored.Bytes())
		if err != nil || !bytes.Equal(again.Bytes(), stored.Bytes()) {
			t.Fatalf("%s was encoded as %x, shown as %s, which encodes as %x (%v)", guest, stored.Bytes(), shown, again.Bytes(), err)
		}
	})
}
