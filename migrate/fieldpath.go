package migrate

import (
	"fmt"
	"strings"
)

// fieldPathV2 splits a field path written in Kafka's field syntax V2
// (KIP-821, field.syntax.version=V2) into its steps: dots separate steps; a
// step wrapped in backticks may hold dots; inside one, a backtick is part of
// the name unless it is followed by a dot or ends the path, and \` before a
// dot keeps the backtick in the name. The rules, errors included, follow
// Kafka's SingleFieldPath.
func fieldPathV2(path string) ([]string, error) {
	var steps []string
	i := 0
	for i < len(path) {
		if path[i] != '`' {
			end := strings.IndexByte(path[i:], '.')
			if end < 0 {
				steps = append(steps, path[i:])
				i = len(path)
				break
			}
			steps = append(steps, path[i:i+end])
			i += end + 1
			continue
		}
		open := i
		i++
		start := i
		var name strings.Builder
		for {
			next := strings.IndexByte(path[i:], '`')
			if next < 0 {
				return nil, incompleteBacktick(path, open)
			}
			i += next
			escaped := path[i-1] == '\\'
			if i == len(path)-1 {
				if escaped {
					return nil, incompleteBacktick(path, open)
				}
				name.WriteString(path[start:i])
				steps = append(steps, name.String())
				i++
				break
			}
			if path[i+1] != '.' {
				// Not a closing backtick: part of the name.
				i++
				continue
			}
			if escaped {
				name.WriteString(path[start:i-1] + "`")
				i++
				start = i
				continue
			}
			name.WriteString(path[start:i])
			steps = append(steps, name.String())
			i += 2
			break
		}
	}
	if strings.HasSuffix(path, ".") {
		steps = append(steps, "")
	}
	return steps, nil
}

func incompleteBacktick(path string, at int) error {
	return fmt.Errorf("incomplete backtick pair in path [%s]: the backtick at position %d has no closing one (escape it with a backslash to make it part of the name)", path, at)
}

// nestedField is the Bloblang expression reading a field path from the
// object in from, as Kafka's SingleFieldPath reads a schemaless Map: a
// missing or null step gives null; a step that is neither an object nor
// null fails the record (who names the SMT in the error).
func nestedField(from string, steps []string, who string) string {
	if len(steps) == 0 {
		return fmt.Sprintf("throw(%s)", bloblangString(who+": the field path is empty"))
	}
	expr := from + "." + bloblangString(steps[0])
	for _, s := range steps[1:] {
		expr += fmt.Sprintf(`.(step -> if step == null { null } else if step.type() == "object" { step.%s } else { throw(%s + step.type()) })`,
			bloblangString(s), bloblangString(who+": nested field access needs an object, found "))
	}
	return expr
}
