//! Cargo build script: embeds every file of `themes/default/` into the binary,
//! so a site without a `themes/` folder builds with the default theme.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let theme = manifest.join("themes").join("default");
    println!("cargo::rerun-if-changed={}", theme.display());
    let mut code = String::new();
    code.push_str("/// Built-in templates: (name under `templates/`, text).\npub static TEMPLATES: &[(&str, &str)] = &[\n");
    for (name, path) in files_under(&theme.join("templates")) {
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            path.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n/// Built-in static files: (path under `static/`, bytes).\npub static STATIC_FILES: &[(&str, &[u8])] = &[\n");
    for (name, path) in files_under(&theme.join("static")) {
        writeln!(
            code,
            "    ({name:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .expect("write to string");
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
        .join("default_theme.rs");
    std::fs::write(out, code).expect("write embedded theme");
}

/// Every file below `dir` as (relative name with `/`, absolute path), sorted.
fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&current) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            println!("cargo::rerun-if-changed={}", path.display());
            if path.is_dir() {
                stack.push(path);
            } else if !entry.file_name().to_string_lossy().starts_with('.') {
                let name = path
                    .strip_prefix(dir)
                    .expect("below dir")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                found.push((name, path));
            }
        }
    }
    found.sort();
    found
}
