//! `offboard-site init DIR [--language zh-CN]`: a small site, in English or
//! Chinese, that builds as it is and shows every part of the format (roles,
//! phases, steps with metadata, a requirement across pages, an admonition),
//! and the command that previews it, spelled as this program was started.

use std::path::Path;

use anyhow::{Result, bail};

use crate::fs;

const SITE_TOML: &str = r#"title = "Offboarding guide"
language = "en"
# base_url = "https://example.com/offboarding/"   # optional: enables sitemap.xml

[[roles]]
id = "employee"
label = "Leaving employee"
[[roles]]
id = "admin"
label = "Administrator"

[[phases]]
id = "before"
label = "Before leaving"
[[phases]]
id = "after"
label = "After leaving"
"#;

const HOME: &str = r#"+++
title = "Offboarding guide"
description = "What to hand over before you leave, and how the company takes over afterwards."
+++

Follow the sections in order and tick each step as you finish it. Your
progress stays in this browser.
"#;

const BEFORE_INDEX: &str = r#"+++
title = "Before leaving"
weight = 10
+++

Steps for the leaving employee.
"#;

const BEFORE_PAGE: &str = r#"+++
title = "Unbind your contact details"
description = "Remove your personal phone number and e-mail from company accounts."
weight = 10
role = "employee"
phase = "before"

[steps.unbind-phone]
estimate = "5m"
link = "https://example.com/console/account"
+++

## Contact details {#contact}

- [ ] Unbind your personal phone number {#unbind-phone}
- [ ] Unbind your personal e-mail address {#unbind-email}

> [!NOTE]
> Do this before your last day: afterwards you may no longer be able to sign in.
"#;

const AFTER_INDEX: &str = r#"+++
title = "After leaving"
weight = 20
role = "admin"
phase = "after"

[steps.take-over]
requires = ["../before/contacts.md#unbind-phone"]
materials = ["The company's business licence"]
+++

- [ ] Bind the company's own e-mail address to the account {#take-over}
"#;

/// The Chinese starter site: the same pages, in Chinese.
const ZH_SITE_TOML: &str = r#"title = "离职交接指南"
language = "zh-CN"
# base_url = "https://example.com/offboarding/"   # 可选：设置后生成 sitemap.xml

[[roles]]
id = "employee"
label = "离职员工"
[[roles]]
id = "admin"
label = "管理员"

[[phases]]
id = "before"
label = "离职前"
[[phases]]
id = "after"
label = "离职后"
"#;

const ZH_HOME: &str = r#"+++
title = "离职交接指南"
description = "离职前要交接什么，离职后公司如何接管。"
+++

请按顺序阅读各部分，完成一步就勾选一步。进度只保存在这个浏览器里。
"#;

const ZH_BEFORE_INDEX: &str = r#"+++
title = "离职前"
weight = 10
+++

离职员工需要完成的步骤。
"#;

const ZH_BEFORE_PAGE: &str = r#"+++
title = "解绑个人联系方式"
description = "从公司账号中解绑你的个人手机号和邮箱。"
weight = 10
role = "employee"
phase = "before"

[steps.unbind-phone]
estimate = "5m"
link = "https://example.com/console/account"
+++

## 联系方式 {#contact}

- [ ] 解绑个人手机号 {#unbind-phone}
- [ ] 解绑个人邮箱 {#unbind-email}

> [!NOTE]
> 请在最后工作日之前完成：离职后你可能无法再登录。
"#;

const ZH_AFTER_INDEX: &str = r#"+++
title = "离职后"
weight = 20
role = "admin"
phase = "after"

[steps.take-over]
requires = ["../before/contacts.md#unbind-phone"]
materials = ["公司营业执照"]
+++

- [ ] 为账号绑定公司自己的邮箱 {#take-over}
"#;

/// The languages `init` writes a starter site in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StarterLanguage {
    /// English pages and labels (`language = "en"`).
    English,
    /// Chinese pages and labels, with the tag given (`zh-CN`, `zh`, …).
    Chinese(String),
}

impl StarterLanguage {
    /// Reads `--language`: `en` (or `en-…`) or `zh…`.
    pub fn parse(tag: &str) -> Result<Self, String> {
        let lower = tag.to_ascii_lowercase();
        let plain = !tag.is_empty()
            && tag
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
        if plain && (lower == "zh" || lower.starts_with("zh-")) {
            Ok(Self::Chinese(tag.to_owned()))
        } else if plain && (lower == "en" || lower.starts_with("en-")) {
            Ok(Self::English)
        } else {
            Err("init writes an English (`en`) or a Chinese (`zh-CN`) starter site; give one of them (any other language can be set in `site.toml` afterwards)".to_owned())
        }
    }
}

/// Creates a new site in `dir`, which must not exist or be empty.
pub fn init_site(dir: &Path, language: &StarterLanguage) -> Result<()> {
    if dir.exists() && !fs::list_dir(dir)?.is_empty() {
        bail!(
            "`{}` already exists and is not empty; choose a new folder name",
            dir.display()
        );
    }
    let zh_toml;
    let [site_toml, home, before_index, before_page, after_index] = match language {
        StarterLanguage::English => [SITE_TOML, HOME, BEFORE_INDEX, BEFORE_PAGE, AFTER_INDEX],
        StarterLanguage::Chinese(tag) => {
            zh_toml = ZH_SITE_TOML.replacen("\"zh-CN\"", &format!("\"{tag}\""), 1);
            [
                zh_toml.as_str(),
                ZH_HOME,
                ZH_BEFORE_INDEX,
                ZH_BEFORE_PAGE,
                ZH_AFTER_INDEX,
            ]
        }
    };
    let files = [
        ("site.toml", site_toml),
        ("content/_index.md", home),
        ("content/before/_index.md", before_index),
        ("content/before/contacts.md", before_page),
        ("content/after/_index.md", after_index),
        ("static/.gitkeep", ""),
        (
            ".gitignore",
            "/public/\n/.public.offboard-*\n/.offboard-cache/\n",
        ),
    ];
    for (path, text) in files {
        fs::write(&dir.join(path), text.as_bytes())?;
    }
    Ok(())
}

/// How to run this program again from the same shell: `cargo run --`
/// (with `--release` for a release build) when it was started by `cargo
/// run` (cargo sets `CARGO`, and the binary is under `target/`), otherwise
/// its name, as installed on the `PATH`.
pub fn invocation() -> String {
    let by_cargo = std::env::var_os("CARGO").is_some();
    let exe = std::env::current_exe().unwrap_or_default();
    let folders: Vec<&std::ffi::OsStr> = exe.parent().into_iter().flat_map(Path::iter).collect();
    let under_target = folders
        .iter()
        .rev()
        .nth(1)
        .is_some_and(|name| *name == "target");
    match (by_cargo && under_target, folders.last()) {
        (true, Some(profile)) if *profile == "release" => "cargo run --release --".to_owned(),
        (true, _) => "cargo run --".to_owned(),
        _ => "offboard-site".to_owned(),
    }
}

/// What to run after `init`: preview the new site.
pub fn next_step(dir: &Path) -> String {
    format!(
        "created a new site in {}; preview it with `{} serve --root {}` (or write it to `public/` with `build`)",
        dir.display(),
        invocation(),
        shell_word(&dir.to_string_lossy())
    )
}

/// `text` as one shell word: as it is when it is plain, else in single
/// quotes.
fn shell_word(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || "-_./+,:@".contains(c));
    if plain {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_are_english_or_chinese() {
        assert_eq!(StarterLanguage::parse("en"), Ok(StarterLanguage::English));
        assert_eq!(
            StarterLanguage::parse("en-GB"),
            Ok(StarterLanguage::English)
        );
        assert_eq!(
            StarterLanguage::parse("zh-CN"),
            Ok(StarterLanguage::Chinese("zh-CN".to_owned()))
        );
        for bad in ["fr", "", "zh\"", "zhx", "english"] {
            assert!(StarterLanguage::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn folder_names_are_quoted_for_the_shell() {
        assert_eq!(shell_word("my-guide"), "my-guide");
        assert_eq!(shell_word("指南"), "指南");
        assert_eq!(shell_word("a b"), "'a b'");
        assert_eq!(shell_word("it's"), "'it'\\''s'");
    }
}
