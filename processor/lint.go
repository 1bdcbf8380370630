package processor

import "fmt"

// Lint rules that name their field. Benthos's own lint checks structure (a
// list where a string belongs, reported by line) but not the values of
// numbers or durations, which would otherwise surface only at start-up.
// Lint sees numbers in more than one Go type, so whole numbers are checked
// through their text.

// intRule checks a whole number of at least min, and at most max when max > min.
func intRule(field string, min, max int) string {
	bound := fmt.Sprintf(`this.number() < %d`, min)
	want := fmt.Sprintf("%d or more", min)
	if max > min {
		bound = fmt.Sprintf(`this.number() < %d || this.number() > %d`, min, max)
		want = fmt.Sprintf("from %d to %d", min, max)
	}
	return fmt.Sprintf(`root = if !this.string().re_match("^-?[0-9]+$") { [ "%[1]s must be a whole number %[2]s, got %%v".format(this.string()) ] } else if %[3]s { [ "%[1]s must be %[2]s, got %%v".format(this.string()) ] }`,
		field, want, bound)
}

// durationRule checks Go duration syntax, e.g. 500ms, 2s, 1m30s.
func durationRule(field string) string {
	return fmt.Sprintf(`root = if !this.string().re_match("^([0-9]+(\\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$") { [ "%s must be a duration such as 500ms or 2s, got %%v".format(this.string()) ] }`, field)
}
