// Command echoproc is the baseline process of the MCP start benchmark: a minimal Go
// program that writes back every line it reads on stdin, until stdin ends. Timing
// its start → first echoed answer, and reading its peak RSS, gives the floor that
// any Go process answering over stdio pays (exec, runtime start, pipes), measured on
// the same machine in the same run as gitscrum-mcp.
package main

import (
	"bufio"
	"os"
)

func main() {
	r := bufio.NewReader(os.Stdin)
	w := bufio.NewWriter(os.Stdout)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			_, _ = w.Write(line)
			if w.Flush() != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
