//! The committed header is what the build generates, and its doc comments — the C reference
//! manual — document every endpoint of the table with its method, path and required fields.

use std::path::Path;

fn header() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("include/fastgpt.h")).unwrap()
}

#[test]
fn committed_header_is_up_to_date() {
    // build.rs regenerates include/fastgpt.h on every build; git must see no difference.
    let root = env!("CARGO_MANIFEST_DIR");
    let out = std::process::Command::new("git")
        .args(["diff", "--exit-code", "--", "include/fastgpt.h"])
        .current_dir(root)
        .output();
    match out {
        Ok(out) if out.status.code() == Some(128) => eprintln!("not a git checkout: skipping the diff"),
        Ok(out) => assert!(
            out.status.success(),
            "include/fastgpt.h differs from the committed copy; commit the regenerated header:\n{}",
            String::from_utf8_lossy(&out.stdout)
        ),
        Err(e) => panic!("git: {e}"),
    }
}

#[test]
fn every_endpoint_is_declared_and_documented() {
    let h = header();
    for e in fastgpt::endpoints::ALL {
        for suffix in ["", "_async"] {
            let decl = format!("fastgpt_status fastgpt_{}{}(", e.name, suffix);
            let at = h.find(&decl).unwrap_or_else(|| panic!("{decl} is declared"));
            let docs = &h[h[..at].rfind(";\n").unwrap_or(0)..at];
            assert!(docs.contains(e.path), "{}{suffix}: docs name the path {}", e.name, e.path);
            if suffix.is_empty() {
                assert!(docs.contains(e.method.as_str()), "{}: docs name the method", e.name);
                for r in e.required {
                    assert!(
                        docs.contains(&format!("`{}`", r.name())),
                        "{}: docs name required field {}",
                        e.name,
                        r.name()
                    );
                }
            }
        }
    }
}

#[test]
fn version_macros_match_the_package() {
    let h = header();
    assert!(h.contains(&format!("#define FASTGPT_VERSION \"{}\"", env!("CARGO_PKG_VERSION"))));
    assert!(h.contains(&format!("#define FASTGPT_VERSION_MAJOR {}", env!("CARGO_PKG_VERSION_MAJOR"))));
    assert!(h.contains(&format!("#define FASTGPT_VERSION_MINOR {}", env!("CARGO_PKG_VERSION_MINOR"))));
    assert!(h.contains(&format!("#define FASTGPT_VERSION_PATCH {}", env!("CARGO_PKG_VERSION_PATCH"))));
    let v = unsafe { std::ffi::CStr::from_ptr(fastgpt::ffi::status::fastgpt_version()) };
    assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    assert!(h.contains(&format!("#define FASTGPT_ABI_VERSION {}", fastgpt::ffi::status::fastgpt_abi_version())));
}
