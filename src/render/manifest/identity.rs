//! The build identity: a short name for the version of the checklist a
//! reader followed, for the completion record and the printed guide.
//!
//! It is a hash (FNV-1a, 64 bits: stable across Rust versions, unlike
//! `DefaultHasher`) of offboard-site's version, the site's settings and,
//! for every page with steps in reading order, its key, title, address and
//! each step as the manifest describes it (id, text, role, phase,
//! requirements, condition, choice, optional, irreversible). It changes
//! whenever anything a reader ticks or an auditor checks against changes;
//! prose between the steps does not change it, so the identity is made
//! exactly when the manifest is, in `build` and in `serve` alike, and the
//! same sources always give the same identity. The date is the newest
//! commit date of the site's content in git (none outside git).

use std::io::Write;

use serde::Serialize;

use super::{RenderContext, manifest_page, pages_with_steps};

/// The identity of one build of the checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BuildIdentity {
    /// 12 hex digits.
    pub id: String,
    /// `YYYY-MM-DD` of the newest content commit; `None` outside git.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// The identity of the checklist `ctx` renders.
pub fn build_identity(ctx: &RenderContext<'_>) -> BuildIdentity {
    let mut hash = Fnv64::new();
    hash.add(env!("CARGO_PKG_VERSION").as_bytes());
    // Serialising into the hasher cannot fail: `Fnv64::write` never does.
    let _ = serde_json::to_writer(&mut hash, &ctx.site.config);
    for page in pages_with_steps(ctx) {
        let _ = serde_json::to_writer(&mut hash, &manifest_page(ctx, page));
    }
    BuildIdentity {
        id: format!("{:012x}", hash.0 >> 16),
        date: ctx.dates.newest().map(|updated| {
            let (year, month, day) = updated.day;
            format!("{year:04}-{month:02}-{day:02}")
        }),
    }
}

/// FNV-1a, 64 bits, fed through [`Write`] so serialised values need no
/// buffer of their own.
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    fn add(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

impl Write for Fnv64 {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.add(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
