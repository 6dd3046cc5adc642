package simulator

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// The model tables (videoModelTable, imageModelTable) are text in the shape
// of the gateway's pages: one model a line, cells separated by spaces. These
// helpers read their cells.

// modelTable holds a parsed table: each model's row by id, and the ids in
// the table's order (the order the gateway's messages list them in).
type modelTable[M any] struct {
	byID  map[string]M
	order []string
}

// parseModelTable reads a table whose first cell is the model id, each row
// through parseRow; a row with another number of cells is a typo in the
// table, caught when the package loads.
func parseModelTable[M any](name, table string, columns int, parseRow func(cells []string) M) modelTable[M] {
	t := modelTable[M]{byID: map[string]M{}}
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Fields(line)
		if len(f) != columns {
			panic(fmt.Sprintf("%s: %d columns in %q", name, len(f), line))
		}
		t.byID[f[0]] = parseRow(f)
		t.order = append(t.order, f[0])
	}
	return t
}

// cellList reads "a,b,c"; "-" is none.
func cellList(s string) []string {
	if s == "-" {
		return nil
	}
	return strings.Split(s, ",")
}

// cellSpan reads "lo-hi".
func cellSpan(s string) (lo, hi int) {
	a, b, _ := strings.Cut(s, "-")
	lo, _ = strconv.Atoi(a)
	hi, _ = strconv.Atoi(b)
	return lo, hi
}

// cellYes reads "yes" or "no".
func cellYes(s string) bool { return s == "yes" }

// cellPrompt reads "req:5000": whether a prompt is required, optional (opt)
// or refused (no), and its maximum length.
func cellPrompt(s string) (rule string, maxLen int) {
	rule, n, _ := strings.Cut(s, ":")
	maxLen, _ = strconv.Atoi(n)
	return rule, maxLen
}

// modelFields reads the fields of a unified endpoint's request
// (/videos/create, /images/create) that are checked against the chosen
// model's row, failing the validator with the gateway's "model X: ..."
// messages.
type modelFields struct {
	v  *validator
	id string
}

// lookupModel reads `model` and finds its row; an unknown id fails v,
// naming the known ones in the table's order.
func lookupModel[M any](v *validator, models modelTable[M]) (M, modelFields, bool) {
	id := v.required("model")
	m, ok := models.byID[id]
	if !ok && id != "" {
		v.fail("model must be one of %s", strings.Join(models.order, ", "))
	}
	return m, modelFields{v: v, id: id}, ok
}

// bad fails the request with a message about the model.
func (f modelFields) bad(format string, args ...any) {
	f.v.fail("model %s: "+format, append([]any{f.id}, args...)...)
}

// prompt reads text_prompt under the model's rule: required (req),
// optional (opt) or refused (no), at most maxLen characters.
func (f modelFields) prompt(rule string, maxLen int) string {
	p := f.v.str("text_prompt", 0)
	switch {
	case p != nil && rule == "no":
		f.bad("text_prompt is not supported")
	case p == nil && rule == "req":
		f.bad("text_prompt is required")
	case p != nil && len([]rune(*p)) > maxLen:
		f.bad("text_prompt must be at most %d characters long", maxLen)
	case p != nil:
		return *p
	}
	return ""
}

// choice reads an optional field that must be one of allowed; "" when it
// is absent.
func (f modelFields) choice(name string, allowed []string) string {
	s := f.v.str(name, 0)
	if s == nil {
		return ""
	}
	if !slices.Contains(allowed, *s) {
		f.bad("%s %s is not supported", name, *s)
	}
	return *s
}

// numbered reads the fields fmt.Sprintf(format, 1…n) that are present.
func (f modelFields) numbered(format string, n int) []string {
	var values []string
	for i := 1; i <= n; i++ {
		if a := f.v.str(fmt.Sprintf(format, i), 0); a != nil {
			values = append(values, *a)
		}
	}
	return values
}
