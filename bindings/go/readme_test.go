package fastgpt_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every ```go block of the READMEs is a run of lines of an example in example*_test.go (indented
// one level there), so every snippet a reader copies compiles, and most of them run.
func TestReadmeSnippetsCompile(t *testing.T) {
	files, err := filepath.Glob("example*_test.go")
	if err != nil || len(files) == 0 {
		t.Fatal("no example files", err)
	}
	var examples []byte
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		examples = append(examples, b...)
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
				t.Errorf("%s: this snippet is not in an example of example*_test.go:\n%s", name, b[1])
			}
		}
	}
}
