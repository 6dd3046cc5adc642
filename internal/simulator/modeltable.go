package simulator

import (
	"fmt"
	"strconv"
	"strings"
)

// The model tables (videoModelTable, imageModelTable) are text in the shape
// of the gateway's pages: one model a line, cells separated by spaces. These
// helpers read their cells.

// tableRows splits a table into its rows' cells; a row with another number
// of cells is a typo in the table, caught when the package loads.
func tableRows(name, table string, columns int) [][]string {
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		f := strings.Fields(line)
		if len(f) != columns {
			panic(fmt.Sprintf("%s: %d columns in %q", name, len(f), line))
		}
		rows = append(rows, f)
	}
	return rows
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
