package docs_test

import (
	"bufio"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"unicode"
)

// mdLine is one line of a Markdown file outside fenced code blocks, with its number.
type mdLine struct {
	n    int
	text string
}

// proseLines returns the lines of md outside fenced code blocks (``` or ~~~).
func proseLines(md string) []mdLine {
	var out []mdLine
	fence := ""
	sc := bufio.NewScanner(strings.NewReader(md))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			continue
		}
		out = append(out, mdLine{n, line})
	}
	return out
}

// codeBlocks returns the contents of md's fenced code blocks whose info string is
// one of langs.
func codeBlocks(md string, langs ...string) []string {
	var blocks []string
	var cur *strings.Builder
	sc := bufio.NewScanner(strings.NewReader(md))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		switch {
		case cur == nil && strings.HasPrefix(trimmed, "```"):
			info := strings.TrimSpace(strings.TrimPrefix(trimmed, "```"))
			for _, l := range langs {
				if info == l {
					cur = &strings.Builder{}
				}
			}
			if cur == nil {
				cur = &strings.Builder{} // a block of another language: read and dropped
				cur.WriteString("\x00")
			}
		case cur != nil && strings.HasPrefix(trimmed, "```"):
			if s := cur.String(); !strings.HasPrefix(s, "\x00") {
				blocks = append(blocks, s)
			}
			cur = nil
		case cur != nil:
			cur.WriteString(line + "\n")
		}
	}
	return blocks
}

var (
	inlineCode = regexp.MustCompile("`[^`]*`")
	mdLink     = regexp.MustCompile(`\[(?:[^\]\\]|\\.)*\]\(([^()\s]*)\)`)
	heading    = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	linkText   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
)

// slug is the anchor GitHub gives a heading: lower case, letters, digits, '-' and
// '_' kept, spaces turned into '-', every other character dropped.
func slug(text string) string {
	text = linkText.ReplaceAllString(text, "$1")
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(text)) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
			b.WriteRune(r)
		case r == ' ':
			b.WriteByte('-')
		}
	}
	return b.String()
}

// anchors returns the anchors of md's headings, numbered as GitHub numbers
// repeated ones ("x", "x-1", …).
func anchors(md string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	for _, l := range proseLines(md) {
		m := heading.FindStringSubmatch(l.text)
		if m == nil {
			continue
		}
		s := slug(m[2])
		if n := seen[s]; n > 0 {
			out[fmt.Sprintf("%s-%d", s, n)] = true
		} else {
			out[s] = true
		}
		seen[s]++
	}
	return out
}

// brokenLinks checks every relative link of the Markdown files named by files
// (paths in fsys): the file or directory it names must exist, and an anchor must
// be a heading of the Markdown file it points into. Links inside code are not
// links. It returns one message per broken link.
func brokenLinks(fsys fs.FS, files []string) []string {
	var broken []string
	cache := map[string]map[string]bool{}
	anchorsOf := func(name string) (map[string]bool, error) {
		if a, ok := cache[name]; ok {
			return a, nil
		}
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		cache[name] = anchors(string(raw))
		return cache[name], nil
	}
	for _, file := range files {
		raw, err := fs.ReadFile(fsys, file)
		if err != nil {
			broken = append(broken, fmt.Sprintf("%s: %v", file, err))
			continue
		}
		for _, l := range proseLines(string(raw)) {
			text := inlineCode.ReplaceAllString(l.text, "")
			for _, m := range mdLink.FindAllStringSubmatch(text, -1) {
				target := m[1]
				if target == "" || strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
					continue
				}
				where := fmt.Sprintf("%s:%d: link %q", file, l.n, target)
				name, anchor, _ := strings.Cut(target, "#")
				if name == "" {
					name = file
				} else {
					name = path.Clean(path.Join(path.Dir(file), name))
				}
				if strings.HasPrefix(name, "../") || name == ".." {
					broken = append(broken, where+": leaves the repository")
					continue
				}
				if _, err := fs.Stat(fsys, name); err != nil {
					broken = append(broken, where+": no such file or directory "+name)
					continue
				}
				if anchor == "" {
					continue
				}
				if !strings.HasSuffix(name, ".md") {
					broken = append(broken, where+": an anchor into a file that is not Markdown")
					continue
				}
				a, err := anchorsOf(name)
				if err != nil {
					broken = append(broken, where+": "+err.Error())
					continue
				}
				if !a[anchor] {
					broken = append(broken, fmt.Sprintf("%s: %s has no heading with anchor #%s", where, name, anchor))
				}
			}
		}
	}
	return broken
}

// section returns the part of md from the heading whose text is title to the next
// heading of the same or a higher level; "" when there is no such heading.
func section(md, title string) string {
	lines := strings.Split(md, "\n")
	start, level := -1, 0
	fence := false
	for i, line := range lines {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fence = !fence
			continue
		}
		if fence {
			continue
		}
		m := heading.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if start < 0 {
			if m[2] == title {
				start, level = i, len(m[1])
			}
			continue
		}
		if len(m[1]) <= level {
			return strings.Join(lines[start:i], "\n")
		}
	}
	if start < 0 {
		return ""
	}
	return strings.Join(lines[start:], "\n")
}

// tableRow is one body row of a Markdown table, split into trimmed cells.
type tableRow []string

// tableRows returns the body rows of every table in md (the header and separator
// rows left out).
func tableRows(md string) []tableRow {
	var rows []tableRow
	inTable := false
	for _, l := range proseLines(md) {
		t := strings.TrimSpace(l.text)
		if !strings.HasPrefix(t, "|") {
			inTable = false
			continue
		}
		cells := strings.Split(strings.Trim(t, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		if !inTable { // the header row
			inTable = true
			continue
		}
		if strings.HasPrefix(cells[0], "---") || strings.HasPrefix(cells[0], ":--") {
			continue
		}
		rows = append(rows, cells)
	}
	return rows
}

var (
	codeFlag = regexp.MustCompile("`--([A-Za-z0-9][A-Za-z0-9-]*)[` =]")
	codeEnv  = regexp.MustCompile("`((?:GITSCRUM|SLACK)_[A-Z0-9_]+)[`=]")
)

// configGaps compares a binary's configuration table (the rows of the section, whose
// first cell names the environment variable and second the flag) with what the
// binary accepts. It returns the flags and variables missing from the table, and
// the ones the table names that the binary does not accept.
func configGaps(sectionText string, flags, env []string) (missing, unknown []string) {
	tableFlags, tableEnv := map[string]bool{}, map[string]bool{}
	for _, row := range tableRows(sectionText) {
		if len(row) < 2 {
			continue
		}
		for _, m := range codeEnv.FindAllStringSubmatch(row[0], -1) {
			tableEnv[m[1]] = true
		}
		for _, m := range codeFlag.FindAllStringSubmatch(row[1]+" ", -1) {
			tableFlags[m[1]] = true
		}
	}
	// Flags and variables named in the section's prose count too (e.g. the flags
	// of a subcommand), but only the table's cells are checked against the binary.
	prose := map[string]bool{}
	for _, m := range codeFlag.FindAllStringSubmatch(sectionText, -1) {
		prose["--"+m[1]] = true
	}
	for _, m := range codeEnv.FindAllStringSubmatch(sectionText, -1) {
		prose[m[1]] = true
	}
	accepts := map[string]bool{}
	for _, f := range flags {
		accepts["--"+f] = true
		if !tableFlags[f] && !prose["--"+f] {
			missing = append(missing, "--"+f)
		}
	}
	for _, e := range env {
		accepts[e] = true
		if !tableEnv[e] && !prose[e] {
			missing = append(missing, e)
		}
	}
	for f := range tableFlags {
		if !accepts["--"+f] {
			unknown = append(unknown, "--"+f)
		}
	}
	for e := range tableEnv {
		if !accepts[e] {
			unknown = append(unknown, e)
		}
	}
	return missing, unknown
}
