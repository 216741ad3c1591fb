//! `offboard-site init DIR`: a small site that builds as it is and shows
//! every part of the format (roles, phases, steps with metadata, a
//! requirement across pages, an admonition).

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

/// Creates a new site in `dir`, which must not exist or be empty.
pub fn init_site(dir: &Path) -> Result<()> {
    if dir.exists() && !fs::list_dir(dir)?.is_empty() {
        bail!(
            "`{}` already exists and is not empty; choose a new folder name",
            dir.display()
        );
    }
    let files = [
        ("site.toml", SITE_TOML),
        ("content/_index.md", HOME),
        ("content/before/_index.md", BEFORE_INDEX),
        ("content/before/contacts.md", BEFORE_PAGE),
        ("content/after/_index.md", AFTER_INDEX),
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
