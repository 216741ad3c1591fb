//! Templates: Tera 2, with the default theme compiled into the binary and any
//! template overridable alone by a file of the same name in the site's
//! `themes/<theme>/templates/`. Template errors name the file and line.
//!
//! Tera 2 rather than Tera 1: undefined variables are errors (a typo in a
//! theme fails the build instead of printing nothing), errors carry spans we
//! turn into `file:line:col`, and rendering is faster.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};

use tera::{ErrorKind, Kwargs, State, Tera, Value};
use walkdir::WalkDir;

use crate::diagnostic::{Diagnostic, Diagnostics, display_path};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/default_theme.rs"));
}

/// Where a template's text came from, for error messages.
#[derive(Debug, Clone)]
struct Source {
    path: PathBuf,
    text: String,
}

/// The loaded templates.
pub struct Templates {
    tera: Tera,
    sources: HashMap<String, Source>,
}

/// A static file of the theme, copied to `assets/` in the output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThemeFile {
    /// Built into the binary.
    Embedded(&'static [u8]),
    /// From the site's theme folder.
    OnDisk(PathBuf),
}

impl Templates {
    /// Loads the built-in theme and the site's overrides from
    /// `root/themes/<theme>/templates/`.
    pub fn load(root: &Path, theme: &str) -> Result<Self, Diagnostics> {
        let theme_dir = theme_dir(root, theme)?;
        let mut sources: HashMap<String, Source> = embedded::TEMPLATES
            .iter()
            .map(|(name, text)| {
                let path = PathBuf::from(format!("themes/default/templates/{name} (built in)"));
                (
                    (*name).to_owned(),
                    Source {
                        path,
                        text: (*text).to_owned(),
                    },
                )
            })
            .collect();
        if let Some(dir) = theme_dir
            .as_ref()
            .map(|dir| dir.join("templates"))
            .filter(|dir| dir.is_dir())
        {
            for (name, path) in files_under(&dir) {
                let display = display_path(&path, root);
                let text = crate::content::read_source(
                    &path,
                    &display,
                    "split the template with `{% include %}`",
                )?;
                sources.insert(
                    name,
                    Source {
                        path: display,
                        text,
                    },
                );
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.register_filter("safe", safe);
        let mut ordered: Vec<(&String, &Source)> = sources.iter().collect();
        ordered.sort_by_key(|(name, _)| name.as_str());
        tera.add_raw_templates(
            ordered
                .iter()
                .map(|(name, source)| (name.as_str(), source.text.as_str())),
        )
        .map_err(|error| Diagnostics::from(template_error(&sources, &error)))?;
        Ok(Self { tera, sources })
    }

    /// Whether a template of this name exists.
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    /// Sets a variable every template sees, converted once: values the same
    /// on every page belong here rather than in each page's context.
    pub fn set_global(&mut self, name: &'static str, value: &impl serde::Serialize) {
        self.tera.global_context().insert(name, value);
    }

    /// Renders a template.
    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, Diagnostic> {
        self.render_sized(name, context, SMALL_PAGE_BYTES, &[])
    }

    /// Renders a template into a string of `capacity` bytes to start with.
    /// Text the template writes that is one of the `known` strings (a page's
    /// content, its sidebar) is taken as it is; the rest is checked to be
    /// UTF-8 in runs, where [`Tera::render`] checks all of it at the end.
    pub fn render_sized(
        &self,
        name: &str,
        context: &tera::Context,
        capacity: usize,
        known: &[&str],
    ) -> Result<String, Diagnostic> {
        let mut out = if known.is_empty() {
            TextWriter {
                text: String::new(),
                run: Vec::with_capacity(capacity),
                known,
            }
        } else {
            TextWriter {
                text: String::with_capacity(capacity),
                run: Vec::with_capacity(RUN_CAPACITY.min(capacity)),
                known,
            }
        };
        self.tera
            .render_to(name, context, &mut out)
            .and_then(|()| Ok(out.finish()?))
            .map_err(|error| template_error(&self.sources, &error))
    }
}

/// Where shortcode templates live, under `templates/`.
pub const SHORTCODE_DIR: &str = "shortcodes/";

impl Templates {
    /// The names of the shortcodes (`templates/shortcodes/NAME.html`).
    pub fn shortcode_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self
            .sources
            .keys()
            .filter_map(|name| name.strip_prefix(SHORTCODE_DIR)?.strip_suffix(".html"))
            .collect();
        names.sort_unstable();
        names
    }
}

/// Shortcodes are the templates in `templates/shortcodes/`: the built-in
/// ones and any a site's theme folder adds or overrides.
impl crate::markdown::Shortcodes for Templates {
    fn render(&self, name: &str, args: &[(String, String)]) -> Result<String, (String, String)> {
        let template = format!("{SHORTCODE_DIR}{name}.html");
        let Some(source) = self.sources.get(&template) else {
            return Err((
                format!("unknown shortcode `{name}`"),
                format!(
                    "the shortcodes are {}; add your own as `themes/<theme>/templates/{template}`",
                    self.shortcode_names()
                        .iter()
                        .map(|name| format!("`{name}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        };
        if let Some((arg, _)) = args.iter().find(|(arg, _)| !mentions(&source.text, arg)) {
            return Err((
                format!("the shortcode `{name}` has no argument `{arg}`"),
                format!(
                    "check the spelling; `{}` reads the arguments it takes",
                    source.path.display()
                ),
            ));
        }
        let mut context = tera::Context::new();
        for (arg, value) in args {
            context.insert(arg.clone(), value);
        }
        context.insert("body", crate::markdown::BODY_MARKER);
        self.render(&template, &context).map_err(|problem| {
            let place = problem.location.map_or_else(
                || problem.path.display().to_string(),
                |(line, column)| format!("{}:{line}:{column}", problem.path.display()),
            );
            (
                format!("shortcode `{name}`: {} ({place})", problem.message),
                "give the arguments its template reads, each as `name=\"value\"`".to_owned(),
            )
        })
    }
}

/// Whether the template `text` names `word` (as a whole word).
fn mentions(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        !text[..at].ends_with(is_word) && !text[at + word.len()..].starts_with(is_word)
    })
}

/// Tera's `safe` filter, except that a string already marked safe is passed
/// on as it is instead of copied (the sidebar and page content are large).
fn safe(value: &Value, _: Kwargs, _: &State) -> Value {
    match value.as_str() {
        Some(_) if value.is_safe() => value.clone(),
        Some(text) => Value::safe_string(text),
        None => Value::safe_string(&value.to_string()),
    }
}

/// Where a template renders to: a string, grown from the bytes Tera writes.
struct TextWriter<'k> {
    text: String,
    /// Bytes written since the last known string, not yet checked.
    run: Vec<u8>,
    known: &'k [&'k str],
}

/// Room for a template rendered with [`Templates::render`].
const SMALL_PAGE_BYTES: usize = 8 * 1024;

/// Writes shorter than this are not compared with the known strings.
const KNOWN_MIN_LEN: usize = 64;

/// Room for the bytes between two known strings.
const RUN_CAPACITY: usize = 8 * 1024;

impl<'k> TextWriter<'k> {
    /// The known string that `bytes` is (by address, or else by content:
    /// comparing is much cheaper than decoding).
    fn known_text(&self, bytes: &[u8]) -> Option<&'k str> {
        if bytes.len() < KNOWN_MIN_LEN {
            return None;
        }
        self.known.iter().copied().find(|text| {
            text.len() == bytes.len()
                && (std::ptr::eq(text.as_ptr(), bytes.as_ptr()) || text.as_bytes() == bytes)
        })
    }

    /// Checks that the bytes written since the last known string are UTF-8
    /// and appends them to the text.
    fn end_run(&mut self) -> io::Result<()> {
        let run = std::str::from_utf8(&self.run)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        self.text.push_str(run);
        self.run.clear();
        Ok(())
    }

    /// The whole text, checked.
    fn finish(mut self) -> io::Result<String> {
        if self.text.is_empty() {
            // Nothing known was written: the run is all of it, used as it is.
            return String::from_utf8(self.run)
                .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error));
        }
        self.end_run()?;
        Ok(self.text)
    }
}

impl io::Write for TextWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if let Some(text) = self.known_text(bytes) {
            self.end_run()?;
            self.text.push_str(text);
        } else {
            self.run.extend_from_slice(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The theme's static files by path under `static/`: built-in ones, replaced
/// or joined by the site's.
pub fn theme_static_files(
    root: &Path,
    theme: &str,
) -> Result<Vec<(String, ThemeFile)>, Diagnostics> {
    let mut files: HashMap<String, ThemeFile> = embedded::STATIC_FILES
        .iter()
        .map(|(name, bytes)| ((*name).to_owned(), ThemeFile::Embedded(bytes)))
        .collect();
    if let Some(dir) = theme_dir(root, theme)?
        .map(|dir| dir.join("static"))
        .filter(|dir| dir.is_dir())
    {
        for (name, path) in files_under(&dir) {
            files.insert(name, ThemeFile::OnDisk(path));
        }
    }
    let mut files: Vec<_> = files.into_iter().collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

/// The site's folder for `theme`, if it has one. A theme other than
/// `default` must exist.
fn theme_dir(root: &Path, theme: &str) -> Result<Option<PathBuf>, Diagnostics> {
    let dir = root.join("themes").join(theme);
    if dir.is_dir() {
        return Ok(Some(dir));
    }
    if theme == "default" {
        return Ok(None);
    }
    Err(Diagnostic::new(crate::config::CONFIG_FILE, format!("unknown theme `{theme}`: there is no folder `themes/{theme}/`"))
        .hint("create the folder with a `templates/` folder inside, or remove `theme` to use the built-in theme")
        .into())
}

fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        // Hidden folders and editors' leftovers, as everywhere (`crate::ignore`).
        .filter_entry(|entry| entry.depth() == 0 || !crate::ignore::is_ignored(entry.file_name()))
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_file())
        .map(|entry| {
            let name = entry
                .path()
                .strip_prefix(dir)
                .unwrap_or(entry.path())
                .components()
                .map(|part| part.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            (name, entry.into_path())
        })
        .collect()
}

/// A Tera error as a diagnostic at the template file and line.
fn template_error(sources: &HashMap<String, Source>, error: &tera::Error) -> Diagnostic {
    match error.kind() {
        ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
            let span = report.span();
            let (path, text) = sources.get(report.filename()).map_or_else(
                || (PathBuf::from(report.filename()), ""),
                |source| (source.path.clone(), source.text.as_str()),
            );
            let what = if matches!(error.kind(), ErrorKind::SyntaxError(_)) {
                "template syntax error"
            } else {
                "template error"
            };
            Diagnostic::new(path, format!("{what}: {}", report.message()))
                .at(span.start_line, span.start_col + 1)
                .hint("fix the template here; the template language is Tera 2 (Jinja2-like)")
                .with_source(text)
        }
        ErrorKind::TemplateNotFound(name) => Diagnostic::new(
            format!("templates/{name}"),
            format!("unknown template `{name}`"),
        )
        .hint(format!(
            "create `themes/<theme>/templates/{name}` or use one of the built-in templates"
        )),
        ErrorKind::MissingParent { current, parent } => {
            let path = sources
                .get(current)
                .map_or_else(|| PathBuf::from(current), |source| source.path.clone());
            Diagnostic::new(
                path,
                format!("template extends `{parent}`, which does not exist"),
            )
            .hint("check the name in `{% extends \"…\" %}`")
        }
        _ => Diagnostic::new("templates", format!("template error: {error}")),
    }
}

/// The names of the built-in templates.
pub fn builtin_template_names() -> impl Iterator<Item = &'static str> {
    embedded::TEMPLATES.iter().map(|(name, _)| *name)
}

#[cfg(test)]
mod tests {
    use super::{TextWriter, safe};

    #[test]
    fn known_strings_and_the_rest_make_the_text_tera_makes() {
        let source = "<p>{{ a | safe }}</p>{{ b }}{{ n | safe }}{{ c | safe }}·";
        let mut builtin = tera::Tera::default();
        builtin.autoescape_on(vec![".html"]);
        builtin
            .add_raw_template("t.html", source)
            .expect("a valid template");
        let mut tera = builtin.clone();
        tera.register_filter("safe", safe);
        let long = "正文 <b>".repeat(20);
        let mut context = tera::Context::new();
        context.insert("a", &long);
        context.insert("b", "<中>");
        context.insert("n", &7);
        context.insert_value("c", tera::Value::safe_string(&long));
        let expected = builtin.render("t.html", &context).expect("renders");
        let mut out = TextWriter {
            text: String::new(),
            run: Vec::new(),
            known: &[&long],
        };
        tera.render_to("t.html", &context, &mut out)
            .expect("renders");
        assert_eq!(out.finish().expect("UTF-8"), expected);
        assert!(expected.contains("&lt;中&gt;"), "{expected}");
    }
}
