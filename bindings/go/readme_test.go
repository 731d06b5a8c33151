package fastgpt_test

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// Every ```go block of the READMEs is a run of lines of an example in example_test.go (indented
// one level there), so every snippet a reader copies compiles, and most of them run.
func TestReadmeSnippetsCompile(t *testing.T) {
	examples, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile("(?s)```go\n(.*?)```")
	for _, name := range []string{"README.md", "../../README.md"} {
		readme, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		blocks := block.FindAllStringSubmatch(string(readme), -1)
		if len(blocks) == 0 {
			t.Errorf("%s: no Go snippet", name)
		}
		for _, b := range blocks {
			lines := strings.Split(strings.TrimRight(b[1], "\n"), "\n")
			for i, l := range lines {
				if l != "" {
					lines[i] = "\t" + l
				}
			}
			if !strings.Contains(string(examples), strings.Join(lines, "\n")+"\n") {
				t.Errorf("%s: this snippet is not in an example of example_test.go:\n%s", name, b[1])
			}
		}
	}
}
