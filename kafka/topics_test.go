package kafka

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twmb/franz-go/pkg/kgo"
)

func TestParseTopicsWholeTopics(t *testing.T) {
	sel, err := parseTopics([]string{"a", "b, c"}, kgo.NewOffset().AtStart())
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b", "c"}, sel.topics)
	assert.Empty(t, sel.partitions)
}

func TestParseTopicsExplicitPartitions(t *testing.T) {
	start := kgo.NewOffset().AtStart()
	sel, err := parseTopics([]string{"a:0", "a:2-4,b:1:42"}, start)
	require.NoError(t, err)
	assert.Empty(t, sel.topics)
	assert.Equal(t, map[string]map[int32]kgo.Offset{
		"a": {0: start, 2: start, 3: start, 4: start},
		"b": {1: kgo.NewOffset().At(42)},
	}, sel.partitions)
}

func TestParseTopicsErrors(t *testing.T) {
	tests := map[string]struct {
		entries []string
		want    string
	}{
		"nothing":          {nil, "no topic given"},
		"empty item":       {[]string{"a,,b"}, `entry "a,,b": empty topic`},
		"empty topic":      {[]string{":1"}, `item ":1": empty topic before the colon`},
		"bad partition":    {[]string{"a:x"}, `item "a:x": partition "x" is not a non-negative integer`},
		"no partition":     {[]string{"a:"}, `partition "" is not a non-negative integer`},
		"negative":         {[]string{"a:-1"}, `partition "" is not a non-negative integer`},
		"empty range":      {[]string{"a:3-1"}, "partition range 3-1 is empty"},
		"bad offset":       {[]string{"a:1:x"}, `offset "x" is not a non-negative integer`},
		"offset too many":  {[]string{"a:1:2:3"}, `offset "2:3" is not a non-negative integer`},
		"range and offset": {[]string{"a:1-2:5"}, "an offset applies to one partition, not a range"},
		"mixed":            {[]string{"a", "b:1"}, "whole topics and explicit partitions (topic:partition) cannot be mixed"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseTopics(tt.entries, kgo.NewOffset())
			assert.ErrorContains(t, err, tt.want)
		})
	}
}
