package tools

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/gitscrum-bridge/gitscrum-bridge/gitscrum"
	"github.com/gitscrum-bridge/gitscrum-bridge/internal/outcome"
)

// ArgError is an argument of a tool call that has the wrong type, is out of range,
// is missing, or is not an argument of the tool at all. Its message is one plain
// sentence that names the argument, meant for the model that made the call.
type ArgError struct {
	// Tool is the tool called, e.g. "list_clients".
	Tool string
	// Arg is the argument at fault; "" when the arguments as a whole are wrong.
	Arg string
	// Msg says what is wrong and what is expected.
	Msg string
}

// Error returns the sentence for the model.
func (e *ArgError) Error() string { return e.Msg }

// Is makes the error match outcome.ErrInvalid: input refused before any call.
func (e *ArgError) Is(target error) bool { return target == outcome.ErrInvalid }

// args are the arguments of one tool call, checked against the tool's input schema.
type args struct {
	tool string
	m    map[string]any
}

// parseArgs checks that the call's arguments are an object whose keys are all
// properties of the tool's input schema.
func parseArgs(req mcp.CallToolRequest, def mcp.Tool) (args, error) {
	a := args{tool: def.Name}
	switch v := req.Params.Arguments.(type) {
	case nil:
		a.m = map[string]any{}
	case map[string]any:
		a.m = v
	default:
		return a, &ArgError{Tool: def.Name, Msg: fmt.Sprintf(
			"The arguments of %s must be a JSON object of named arguments, like {%q: …}; got %s.",
			def.Name, firstProperty(def), describe(v))}
	}
	var unknown []string
	for k := range a.m {
		if _, ok := def.InputSchema.Properties[k]; !ok {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		slices.Sort(unknown)
		names := propertyNames(def)
		msg := fmt.Sprintf("%q is not an argument of %s", gitscrum.Excerpt(unknown[0]), def.Name)
		if len(unknown) > 1 {
			shown := unknown[:min(len(unknown), maxUnknownShown)]
			for i, k := range shown {
				shown[i] = gitscrum.Excerpt(k)
			}
			more := ""
			if len(unknown) > len(shown) {
				more = fmt.Sprintf(" (and %d more)", len(unknown)-len(shown))
			}
			msg = fmt.Sprintf("%s%s are not arguments of %s", quoteJoin(shown), more, def.Name)
		}
		return a, &ArgError{Tool: def.Name, Arg: gitscrum.Excerpt(unknown[0]), Msg: msg + "; its arguments are " + quoteJoin(names) + "."}
	}
	return a, nil
}

// maxUnknownShown is how many unknown argument names an error lists.
const maxUnknownShown = 5

// str returns a string argument and whether it was given. A JSON null counts as not
// given. Its length and characters are gitscrum's to check: every operation a tool
// calls validates its input before any request.
func (a args) str(name string) (string, bool, error) {
	v, ok := a.m[name]
	if !ok || v == nil {
		return "", false, nil
	}
	s, ok := v.(string)
	if !ok {
		return "", false, a.errf(name, "must be a string (text in quotes); got %s", describe(v))
	}
	return s, true, nil
}

// requiredStr returns a string argument that must be given and not be blank; what
// explains what the argument is, for the error.
func (a args) requiredStr(name, what string) (string, error) {
	s, ok, err := a.str(name)
	if err != nil {
		return "", err
	}
	if !ok || strings.TrimSpace(s) == "" {
		return "", a.errf(name, "is required: give %s", what)
	}
	return s, nil
}

// integer returns an integer argument within [lo, hi], or def when not given.
func (a args) integer(name string, def, lo, hi int) (int, error) {
	v, ok := a.m[name]
	if !ok || v == nil {
		return def, nil
	}
	rangeText := fmt.Sprintf("from %d to %d", lo, hi)
	if hi >= math.MaxInt32 {
		rangeText = fmt.Sprintf("of %d or more", lo)
	}
	f, isNum := number(v)
	if !isNum {
		return 0, a.errf(name, "must be a whole number %s; got %s", rangeText, describe(v))
	}
	if f != math.Trunc(f) {
		return 0, a.errf(name, "must be a whole number %s; got %s", rangeText, describe(v))
	}
	if f < float64(lo) || f > float64(hi) {
		return 0, a.errf(name, "must be %s; got %s", rangeText, describe(v))
	}
	return int(f), nil
}

// boolean returns a boolean argument, or def when not given.
func (a args) boolean(name string, def bool) (bool, error) {
	v, ok := a.m[name]
	if !ok || v == nil {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, a.errf(name, "must be true or false (without quotes); got %s", describe(v))
	}
	return b, nil
}

// errf returns an *ArgError for argument name: "Argument "name" of tool <msg>."
func (a args) errf(name, format string, v ...any) error {
	return &ArgError{Tool: a.tool, Arg: name, Msg: fmt.Sprintf("Argument %q of %s ", name, a.tool) + fmt.Sprintf(format, v...) + "."}
}

// number returns the value of a JSON number, however the transport decoded it.
func number(v any) (float64, bool) {
	switch n := v.(type) {
	case float64:
		return n, true
	case float32:
		return float64(n), true
	case int:
		return float64(n), true
	case int64:
		return float64(n), true
	case int32:
		return float64(n), true
	case uint64:
		return float64(n), true
	case interface{ Float64() (float64, error) }: // json.Number
		f, err := n.Float64()
		return f, err == nil
	}
	return 0, false
}

// describe names the JSON type and value of v, briefly, for error messages.
func describe(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "the string " + strconv.Quote(gitscrum.Excerpt(x))
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "an object"
	case []any:
		return "an array"
	}
	if f, ok := number(v); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprintf("a value of type %T", v)
}

// propertyNames lists the tool's arguments in schema order.
func propertyNames(def mcp.Tool) []string {
	names := make([]string, 0, len(def.InputSchema.Properties))
	for _, n := range def.InputSchema.PropertyOrder {
		if _, ok := def.InputSchema.Properties[n]; ok {
			names = append(names, n)
		}
	}
	var rest []string
	for n := range def.InputSchema.Properties {
		if !slices.Contains(names, n) {
			rest = append(rest, n)
		}
	}
	slices.Sort(rest)
	return append(names, rest...)
}

// firstProperty is the tool's first argument, for examples.
func firstProperty(def mcp.Tool) string {
	if names := propertyNames(def); len(names) > 0 {
		return names[0]
	}
	return "name"
}

// quoteJoin renders ["a", "b", "c"] as `"a", "b" and "c"`.
func quoteJoin(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) <= 1 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}
