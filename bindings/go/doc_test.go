package fastgpt_test

import (
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// packageFiles parses the package's non-test files for the given build tags.
func packageFiles(t *testing.T, tags ...string) (*token.FileSet, []*ast.File) {
	t.Helper()
	ctx := build.Default
	ctx.CgoEnabled = true
	ctx.BuildTags = tags
	pkg, err := ctx.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range append(pkg.GoFiles, pkg.CgoFiles...) {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// go doc reads like a reference: every exported identifier has a comment (each constant its
// own), and no exported constant's value is a C name (go doc would print C.FASTGPT_*).
func TestGoDocComplete(t *testing.T) {
	fset, files := packageFiles(t)
	for _, f := range files {
		for _, decl := range f.Decls {
			switch d := decl.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && d.Doc == nil && (d.Recv == nil || exportedRecv(d.Recv)) {
					t.Errorf("%s: %s has no doc comment", fset.Position(d.Pos()), d.Name)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() && s.Doc == nil && d.Doc == nil {
							t.Errorf("%s: type %s has no doc comment", fset.Position(s.Pos()), s.Name)
						}
					case *ast.ValueSpec:
						for i, n := range s.Names {
							if !n.IsExported() {
								continue
							}
							own := s.Doc != nil || s.Comment != nil
							if (d.Tok == token.CONST && len(d.Specs) > 1 && !own) || (d.Doc == nil && !own) {
								t.Errorf("%s: %s has no doc comment", fset.Position(n.Pos()), n)
							}
							if d.Tok == token.CONST && i < len(s.Values) && strings.Contains(types(s.Values[i]), "C.") {
								t.Errorf("%s: %s = %s shows a C name in go doc", fset.Position(n.Pos()), n, types(s.Values[i]))
							}
						}
					}
				}
			}
		}
	}
}

func exportedRecv(r *ast.FieldList) bool {
	e := r.List[0].Type
	if s, ok := e.(*ast.StarExpr); ok {
		e = s.X
	}
	id, ok := e.(*ast.Ident)
	return ok && id.IsExported()
}

func types(e ast.Expr) string {
	var b strings.Builder
	ast.Inspect(e, func(n ast.Node) bool {
		if s, ok := n.(*ast.SelectorExpr); ok {
			if x, ok := s.X.(*ast.Ident); ok {
				b.WriteString(x.Name + "." + s.Sel.Name)
			}
		}
		return true
	})
	return b.String()
}

// The benchmark's C baseline is test-only: a user's build (any of the linking tags) does not
// compile it.
func TestNoTestOnlyCInUserBuilds(t *testing.T) {
	for _, tags := range [][]string{nil, {"fastgpt_static"}, {"fastgpt_dev"}} {
		_, files := packageFiles(t, tags...)
		for _, f := range files {
			for _, cg := range f.Comments {
				if strings.Contains(cg.Text(), "fgo_bench") {
					t.Errorf("tags %v: package file of %s carries test-only C", tags, f.Name.Name)
				}
			}
		}
	}
	if _, err := os.Stat("bench_direct.go"); err != nil {
		t.Skip("no benchmark C baseline")
	}
}
