package kafka

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/kgo"
)

// topicSelection is what the input's topics field asks for: whole topics
// (every partition, balanced across a consumer group) or explicit
// partitions, each with the offset to start from.
type topicSelection struct {
	topics     []string
	partitions map[string]map[int32]kgo.Offset
}

// parseTopics reads the entries of the topics field. An entry may list
// several comma-separated items; an item is `topic`, `topic:partition`,
// `topic:first-last` (a range, inclusive) or `topic:partition:offset`.
// Explicit partitions without an offset start at start. Whole topics and
// explicit partitions cannot be mixed.
func parseTopics(entries []string, start kgo.Offset) (topicSelection, error) {
	var sel topicSelection
	for _, entry := range entries {
		for _, item := range strings.Split(entry, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				return topicSelection{}, fmt.Errorf("entry %q: empty topic", entry)
			}
			topic, rest, explicit := strings.Cut(item, ":")
			if !explicit {
				sel.topics = append(sel.topics, item)
				continue
			}
			if topic == "" {
				return topicSelection{}, fmt.Errorf("item %q: empty topic before the colon", item)
			}
			if err := sel.addPartitions(topic, rest, start); err != nil {
				return topicSelection{}, fmt.Errorf("item %q: %w", item, err)
			}
		}
	}
	if len(sel.topics) > 0 && len(sel.partitions) > 0 {
		return topicSelection{}, errors.New("whole topics and explicit partitions (topic:partition) cannot be mixed")
	}
	if len(sel.topics) == 0 && len(sel.partitions) == 0 {
		return topicSelection{}, errors.New("no topic given")
	}
	return sel, nil
}

// addPartitions reads `partition`, `first-last` or `partition:offset`.
func (s *topicSelection) addPartitions(topic, spec string, start kgo.Offset) error {
	partSpec, offsetSpec, hasOffset := strings.Cut(spec, ":")
	offset := start
	if hasOffset {
		o, err := strconv.ParseInt(offsetSpec, 10, 64)
		if err != nil || o < 0 {
			return fmt.Errorf("offset %q is not a non-negative integer", offsetSpec)
		}
		offset = kgo.NewOffset().At(o)
	}
	first, last, isRange := strings.Cut(partSpec, "-")
	lo, err := parsePartition(first)
	if err != nil {
		return err
	}
	hi := lo
	if isRange {
		if hasOffset {
			return errors.New("an offset applies to one partition, not a range")
		}
		if hi, err = parsePartition(last); err != nil {
			return err
		}
		if hi < lo {
			return fmt.Errorf("partition range %d-%d is empty", lo, hi)
		}
	}
	if s.partitions == nil {
		s.partitions = map[string]map[int32]kgo.Offset{}
	}
	if s.partitions[topic] == nil {
		s.partitions[topic] = map[int32]kgo.Offset{}
	}
	for p := lo; p <= hi; p++ {
		s.partitions[topic][p] = offset
	}
	return nil
}

func parsePartition(s string) (int32, error) {
	p, err := strconv.ParseInt(s, 10, 32)
	if err != nil || p < 0 {
		return 0, fmt.Errorf("partition %q is not a non-negative integer", s)
	}
	return int32(p), nil
}
