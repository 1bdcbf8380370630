package migrate

import (
	"sort"
	"strings"
	"unicode"
)

// runeSet is a set of characters as sorted, disjoint, non-adjacent ranges:
// Java's character classes are computed with it (unions, intersections,
// complements) and written out as one RE2 class.
type runeSet [][2]rune

// normalized sorts and merges the ranges.
func (s runeSet) normalized() runeSet {
	sorted := append(runeSet(nil), s...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i][0] < sorted[j][0] })
	var out runeSet
	for _, r := range sorted {
		if n := len(out); n > 0 && r[0] <= out[n-1][1]+1 {
			if r[1] > out[n-1][1] {
				out[n-1][1] = r[1]
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

func (s runeSet) union(o runeSet) runeSet {
	return append(append(runeSet(nil), s...), o...).normalized()
}

func (s runeSet) complement() runeSet {
	var out runeSet
	next := rune(0)
	for _, r := range s.normalized() {
		if r[0] > next {
			out = append(out, [2]rune{next, r[0] - 1})
		}
		next = r[1] + 1
	}
	if next <= unicode.MaxRune {
		out = append(out, [2]rune{next, unicode.MaxRune})
	}
	return out
}

func (s runeSet) intersect(o runeSet) runeSet {
	return s.complement().union(o.complement()).complement()
}

// size is how many characters the set holds.
func (s runeSet) size() int {
	n := 0
	for _, r := range s {
		n += int(r[1]-r[0]) + 1
	}
	return n
}

// re2 writes the set as an RE2 class: its ranges, or "[^...]" and the
// complement's when that is shorter. The empty set, which RE2's class
// syntax cannot write, is a class nothing matches.
func (s runeSet) re2() string {
	s = s.normalized()
	if len(s) == 0 {
		return `[^\x00-\x{10FFFF}]`
	}
	c := s.complement()
	if len(c) == 0 {
		return `[\x00-\x{10FFFF}]`
	}
	neg := ""
	if len(c) < len(s) || len(c) == len(s) && c.size() < s.size() {
		s, neg = c, "^"
	}
	var b strings.Builder
	b.WriteString("[" + neg)
	for _, r := range s {
		b.WriteString(classChar(r[0]))
		if r[1] > r[0] {
			if r[1] > r[0]+1 {
				b.WriteByte('-')
			}
			b.WriteString(classChar(r[1]))
		}
	}
	b.WriteByte(']')
	return b.String()
}

// classChar is one character inside an RE2 class.
func classChar(r rune) string {
	switch {
	case strings.ContainsRune(`\]^-[`, r):
		return `\` + string(r)
	case r < ' ' || r == 0x7F || !unicode.IsPrint(r):
		return literal(r)
	}
	return string(r)
}

// tableSet is a Unicode table's characters.
func tableSet(t *unicode.RangeTable) runeSet {
	var s runeSet
	for _, r := range t.R16 {
		for lo := rune(r.Lo); lo <= rune(r.Hi); lo += rune(r.Stride) {
			if r.Stride == 1 {
				s = append(s, [2]rune{lo, rune(r.Hi)})
				break
			}
			s = append(s, [2]rune{lo, lo})
		}
	}
	for _, r := range t.R32 {
		for lo := rune(r.Lo); lo <= rune(r.Hi); lo += rune(r.Stride) {
			if r.Stride == 1 {
				s = append(s, [2]rune{lo, rune(r.Hi)})
				break
			}
			s = append(s, [2]rune{lo, lo})
		}
	}
	return s.normalized()
}
