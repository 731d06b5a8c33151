//! The shared library's identity as the dynamic linker sees it: it exports exactly the functions
//! that include/fastgpt.h declares (no Rust std or dependency symbol), and its SONAME is
//! `libfastgpt.so.<FASTGPT_ABI_VERSION>`, with that name resolvable next to it in the build tree.
//! (scripts/test-install.sh checks the same on the shipped, `make lib` library.)

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use fastgpt::ffi::status::FASTGPT_ABI_VERSION;

#[path = "common/cc.rs"]
mod cc;

fn library() -> PathBuf {
    cc::built_library()
}

fn run(program: &str, args: &[&str], file: &Path) -> String {
    let out = Command::new(program)
        .args(args)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("{program} (binutils) cannot run: {e}"));
    assert!(out.status.success(), "{program} {args:?} {}: {}", file.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The functions the header declares: lines like `const char *fastgpt_version(void);` or
/// `fastgpt_status fastgpt_client_new(const char *config_json,` (declarations start at column 0;
/// comments, macros and typedefs do not count).
fn declared_functions(header: &str) -> BTreeSet<String> {
    header
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_alphabetic()) && !l.starts_with("typedef"))
        .filter_map(|l| {
            let before_paren = &l[..l.find('(')?];
            let name = before_paren.rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).next()?;
            name.starts_with("fastgpt_").then(|| name.to_string())
        })
        .collect()
}

/// `nm -D --defined-only` of `so`: (kind, name without @version) pairs.
fn exported_symbols(so: &Path) -> Vec<(String, String)> {
    run("nm", &["-D", "--defined-only"], so)
        .lines()
        .filter_map(|l| {
            let mut cols = l.split_whitespace().rev();
            let name = cols.next()?;
            let kind = cols.next()?;
            Some((kind.to_string(), name.split('@').next().unwrap().to_string()))
        })
        .collect()
}

#[test]
fn header_parser_finds_the_declarations() {
    let h = "/* fastgpt_no(void) */\n// fastgpt_nope(\ntypedef int32_t (*fastgpt_event_cb)(void *u);\n\
             #define FASTGPT_X(a) a\nconst char *fastgpt_version(void);\n\
             fastgpt_status fastgpt_client_new(const char *config_json,\n    struct fastgpt_client **c);\n\
             bool fastgpt_cancel_is_triggered(const struct fastgpt_cancel *cancel);\n";
    let want: BTreeSet<String> =
        ["fastgpt_version", "fastgpt_client_new", "fastgpt_cancel_is_triggered"].map(String::from).into();
    assert_eq!(declared_functions(h), want);
}

#[test]
fn exports_are_exactly_the_header_functions() {
    let header = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/fastgpt.h")).unwrap();
    let declared = declared_functions(&header);
    // Every endpoint twice (blocking + async) and the basics: a parser that found little is wrong.
    assert!(declared.len() >= 2 * fastgpt::endpoints::ALL.len() + 10, "declarations found: {declared:?}");
    assert!(declared.contains("fastgpt_version") && declared.contains("fastgpt_request_async"));

    let symbols = exported_symbols(&library());
    // Absolute symbols are symbol-version nodes (FASTGPT_<ABI>), present when a version script
    // named one; everything else must be a function of the header.
    let (nodes, code): (Vec<_>, Vec<_>) = symbols.into_iter().partition(|(kind, _)| kind == "A");
    for (_, node) in &nodes {
        assert_eq!(node, &format!("FASTGPT_{FASTGPT_ABI_VERSION}"), "unexpected absolute symbol");
    }
    let not_functions: Vec<_> = code.iter().filter(|(kind, _)| kind != "T").collect();
    assert!(not_functions.is_empty(), "exported non-functions: {not_functions:?}");
    let exported: BTreeSet<String> = code.into_iter().map(|(_, name)| name).collect();
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(undeclared.is_empty(), "exported but not in include/fastgpt.h: {undeclared:?}");
    assert!(missing.is_empty(), "declared in include/fastgpt.h but not exported: {missing:?}");
}

#[test]
fn soname_carries_the_abi_version_and_resolves_in_the_build_tree() {
    let so = library();
    let soname = format!("libfastgpt.so.{FASTGPT_ABI_VERSION}");
    let dynamic = run("readelf", &["-d"], &so);
    assert!(
        dynamic.lines().any(|l| l.contains("(SONAME)") && l.contains(&format!("[{soname}]"))),
        "readelf -d {} shows SONAME {soname}:\n{dynamic}",
        so.display()
    );
    // Programs linked against it (tests, `make demo`, the Go binding) ask the loader for the SONAME.
    let link = so.with_file_name(&soname);
    let (a, b) = (std::fs::canonicalize(&link), std::fs::canonicalize(&so));
    assert!(
        matches!((&a, &b), (Ok(a), Ok(b)) if a == b),
        "{} resolves to {}: {a:?} vs {b:?}",
        link.display(),
        so.display()
    );
}
