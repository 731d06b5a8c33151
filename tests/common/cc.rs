//! Compiles a C (or C++) program against the built libfastgpt.so with the cc crate, as a user
//! would: `-std=c11 -Wall -Wextra -Werror -Wpedantic` (`.cpp`: `-std=c++17 -Wall -Wextra -Werror`);
//! `FASTGPT_SANITIZE=address` adds AddressSanitizer. Include with `#[path = "common/cc.rs"] mod cc;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// target/<profile>, where libfastgpt.so is built next to the test binaries.
pub fn target_dir() -> PathBuf {
    // target/<profile>/deps/<test binary> -> target/<profile>
    let exe = std::env::current_exe().unwrap();
    exe.parent().unwrap().parent().unwrap().to_path_buf()
}

/// target/<profile>/libfastgpt.so, the library the tests link and inspect.
pub fn built_library() -> PathBuf {
    // `cargo test` alone builds the cdylib in deps/ without copying it up (`cargo build` does):
    // link it where the SONAME link (libfastgpt.so.0 -> libfastgpt.so, made by build.rs) expects it.
    let lib = target_dir().join("libfastgpt.so");
    if !lib.exists() {
        let _ = std::os::unix::fs::symlink("deps/libfastgpt.so", &lib);
    }
    assert!(lib.exists(), "libfastgpt.so is built next to the tests (or in deps/)");
    lib
}

/// Compiles `source` (relative to the repository root) into target/<profile>/c-tests/.
/// `.cpp` sources are compiled as C++17 (into `<stem>_cpp`, so chat.c and chat.cpp do not collide).
pub fn compile_c(source: &str) -> PathBuf {
    compile_c_with(source, &[])
}

/// `compile_c` with extra compiler flags (e.g. `-fno-exceptions`).
pub fn compile_c_with(source: &str, extra_flags: &[&str]) -> PathBuf {
    build(source, extra_flags, std::env::var("FASTGPT_SANITIZE").ok().filter(|s| !s.is_empty()))
}

/// `compile_c` without a sanitizer even when `FASTGPT_SANITIZE` is set: for programs that fork
/// while other threads allocate. GCC 12's AddressSanitizer does not lock its allocator around
/// fork(), so such a child can inherit an allocator lock held and hang in its first malloc (seen
/// in the fork hammer: a child stuck in `SizeClassAllocator64::GetFromAllocator`), which says
/// nothing about the library; glibc's malloc is fork-safe.
pub fn compile_c_unsanitized(source: &str) -> PathBuf {
    build(source, &[], None)
}

fn build(source: &str, extra_flags: &[&str], sanitize: Option<String>) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    built_library();
    let libdir = target_dir();
    let out_dir = libdir.join("c-tests");
    std::fs::create_dir_all(&out_dir).unwrap();
    let stem = Path::new(source).file_stem().unwrap().to_str().unwrap();
    let cpp = source.ends_with(".cpp");
    // Extra flags make another program: its own name (e.g. `-fno-exceptions` -> `_fno_exceptions`).
    let flags: String = extra_flags.iter().map(|f| f.replace(|c: char| !c.is_ascii_alphanumeric(), "_")).collect();
    let exe = out_dir.join(format!(
        "{stem}{}{flags}{}",
        if cpp { "_cpp" } else { "" },
        sanitize.as_ref().map_or(String::new(), |s| format!("-{s}"))
    ));
    let compiler = cc::Build::new()
        .target(env!("FASTGPT_BUILD_TARGET"))
        .host(env!("FASTGPT_BUILD_HOST"))
        .opt_level(1)
        .cpp(cpp)
        .cargo_metadata(false)
        .cargo_warnings(false)
        .get_compiler();
    let mut cmd = compiler.to_command();
    if cpp {
        cmd.args(["-std=c++17", "-Wall", "-Wextra", "-Werror", "-g", "-pthread"]);
    } else {
        cmd.args([
            "-std=c11",
            "-Wall",
            "-Wextra",
            "-Werror",
            "-Wpedantic",
            "-g",
            "-pthread",
            "-D_POSIX_C_SOURCE=200809L",
        ]);
    }
    cmd.args(extra_flags);
    if let Some(s) = &sanitize {
        cmd.arg(format!("-fsanitize={s}")).arg("-fno-omit-frame-pointer");
    }
    cmd.arg("-I").arg(root.join("include"));
    cmd.arg(root.join(source));
    cmd.arg("-L").arg(&libdir).arg("-lfastgpt").arg(format!("-Wl,-rpath,{}", libdir.display()));
    // Written under a temporary name and renamed: tests that compile the same program at once
    // never write a file another one is running ("text file busy").
    let tmp = exe
        .with_extension(format!("tmp{}-{:?}", std::process::id(), std::thread::current().id()).replace(['(', ')'], ""));
    cmd.arg("-o").arg(&tmp);
    let out = cmd.output().expect("the C compiler runs");
    assert!(out.status.success(), "compiling {source} failed:\n{}", String::from_utf8_lossy(&out.stderr));
    std::fs::rename(&tmp, &exe).unwrap();
    exe
}

/// Environment for running a compiled program under the sanitizer settings of c_examples.rs.
pub fn sanitizer_env(cmd: &mut std::process::Command) {
    cmd.env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0:exitcode=86").env(
        "LSAN_OPTIONS",
        format!("suppressions={}", Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/lsan.supp").display()),
    );
}
