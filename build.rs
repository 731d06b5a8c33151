//! Generates include/fastgpt.h from the Rust sources with cbindgen, with the version macros taken
//! from Cargo.toml so the header, `fastgpt_version()` and the package can never disagree.

use std::path::Path;

fn main() {
    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo");
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    let [major, minor, patch] =
        ["MAJOR", "MINOR", "PATCH"].map(|p| std::env::var(format!("CARGO_PKG_VERSION_{p}")).expect("set by cargo"));

    let mut config = cbindgen::Config::from_file(Path::new(&crate_dir).join("cbindgen.toml")).expect("cbindgen.toml");
    config.header = Some(format!(
        "/*\n * fastgpt.h: the C API of libfastgpt {version}, a native client for the FastGPT API.\n *\n * Conventions:\n *  - Every fallible function returns fastgpt_status (FASTGPT_OK == 0) and takes an optional last\n *    parameter `fastgpt_error **out_err` (NULL allowed). There is no thread-local \"last error\".\n *  - Outputs are written only on success. Every object has a *_free; *_free(NULL) is a no-op.\n *    Strings handed out are borrowed from their object: never free() them.\n *  - Inputs are NUL-terminated UTF-8, borrowed only for the duration of the call.\n *    NULL, invalid UTF-8 and invalid JSON are rejected with distinct statuses before any I/O.\n *  - No panic crosses the boundary (FASTGPT_ERR_PANIC instead).\n *  - Do not unload the library (dlclose). In a child forked after the library started, every\n *    call returns FASTGPT_ERR_FORKED instead of hanging (the parent is unaffected).\n *  - Threads are bounded: the I/O workers, a few DNS threads and each client's `callback_threads`;\n *    a slow async consumer pauses its operation (FASTGPT_CB_PAUSE) instead of holding a thread.\n *  - The endpoint functions and their docs are generated from one table (src/endpoints.rs).\n */"
    ));
    config.after_includes = Some(format!(
        "\n#define FASTGPT_VERSION \"{version}\"\n#define FASTGPT_VERSION_MAJOR {major}\n#define FASTGPT_VERSION_MINOR {minor}\n#define FASTGPT_VERSION_PATCH {patch}\n/* (MAJOR << 16) | (MINOR << 8) | PATCH, for #if comparisons. */\n#define FASTGPT_VERSION_NUMBER (({major} << 16) | ({minor} << 8) | {patch})"
    ));
    let out = Path::new(&crate_dir).join("include").join("fastgpt.h");
    // Only the C layer is parsed: the core's public Rust items are not part of the C API.
    // The order of the files is the order of the header, from basics to endpoints.
    let mut builder = cbindgen::Builder::new().with_config(config);
    for file in [
        "status",
        "client",
        "log",
        "response",
        "error",
        "cancel",
        "operation",
        "event",
        "endpoints",
        "upload",
        "request",
    ] {
        builder = builder.with_src(Path::new(&crate_dir).join("src/ffi").join(format!("{file}.rs")));
    }
    match builder.generate() {
        Ok(bindings) => {
            bindings.write_to_file(&out);
        }
        Err(e) => panic!("cbindgen failed: {e}"),
    }
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");
    // For tests that compile the C examples with the cc crate outside a build script.
    for key in ["TARGET", "HOST", "OPT_LEVEL"] {
        println!("cargo:rustc-env=FASTGPT_BUILD_{key}={}", std::env::var(key).unwrap_or_default());
    }
    shared_library_identity(Path::new(&crate_dir));
}

/// The cdylib (only: the staticlib and rlib are unaffected) gets the SONAME `libfastgpt.so.<ABI>`,
/// with ABI = `FASTGPT_ABI_VERSION` from src/ffi/status.rs (the one place it is defined), like the
/// shipped library that `make lib` links (packaging/build-lib.sh). Programs linked in the build
/// tree (tests, `make demo`, the Go binding) record that SONAME, so the link
/// `libfastgpt.so.<ABI>` -> `libfastgpt.so` is created next to the library.
/// (rustc already limits the cdylib's exports to the `#[no_mangle]` functions with its own
/// version script; a second one is rejected by GNU ld and ignored by rust-lld, so the versioned
/// script packaging/fastgpt.map is applied where the shipped .so is linked.)
fn shared_library_identity(crate_dir: &Path) {
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() != Ok("linux") {
        return;
    }
    let status = std::fs::read_to_string(crate_dir.join("src/ffi/status.rs")).expect("src/ffi/status.rs");
    let abi: u32 = status
        .lines()
        .find_map(|l| l.strip_prefix("pub const FASTGPT_ABI_VERSION: u32 = "))
        .and_then(|v| v.trim_end_matches(';').trim().parse().ok())
        .expect("src/ffi/status.rs defines `pub const FASTGPT_ABI_VERSION: u32 = N;`");
    let soname = format!("libfastgpt.so.{abi}");
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,{soname}");
    // OUT_DIR is <target>/<profile>/build/fastgpt-<hash>/out; the .so lands in <target>/<profile>.
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    match out_dir.ancestors().nth(3) {
        Some(dir) if out_dir.ancestors().nth(2).and_then(|b| b.file_name()) == Some("build".as_ref()) => {
            let link = dir.join(&soname);
            // An existing link is kept (`make lib` points it at the versioned file); a dangling or
            // missing one is (re)created.
            if std::fs::read_link(&link).is_err() || std::fs::metadata(&link).is_err() {
                let _ = std::fs::remove_file(&link);
                if let Err(e) = std::os::unix::fs::symlink("libfastgpt.so", &link) {
                    println!("cargo:warning=cannot create {}: {e}", link.display());
                }
            }
        }
        _ => println!("cargo:warning=unexpected OUT_DIR layout; no {soname} link next to the library"),
    }
}
