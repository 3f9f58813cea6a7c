//! Compiling the theme's templates once, and turning Tera's errors into diagnostics that
//! name the template file with line and column.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{ErrorKind, Tera};

use crate::error::{Diagnostic, Diagnostics, Location, Problem};
use crate::load::TemplateFile;

/// The compiled templates, and where each came from.
pub struct Templates {
    pub tera: Tera,
    files: HashMap<String, (PathBuf, String)>,
}

/// Templates every theme must have, by page kind.
pub const REQUIRED: &[&str] = &[
    "home.html",
    "article.html",
    "topics.html",
    "topic.html",
    "timeline.html",
    "entities.html",
    "entity.html",
    "page.html",
    "404.html",
];

impl Templates {
    pub fn compile(files: &[TemplateFile]) -> Result<Templates, Diagnostics> {
        let by_name: HashMap<String, (PathBuf, String)> = files
            .iter()
            .map(|t| (t.name.clone(), (t.display.clone(), t.text.clone())))
            .collect();
        let mut templates = Templates {
            tera: Tera::new(),
            files: by_name,
        };
        let all = files.iter().map(|t| (t.name.as_str(), t.text.as_str()));
        if let Err(e) = templates.tera.add_raw_templates(all) {
            return Err(Diagnostics::one(templates.diagnose(&e, None)));
        }
        let missing: Vec<Diagnostic> = REQUIRED
            .iter()
            .filter(|name| !templates.tera.contains_template(name))
            .map(|name| {
                Diagnostic::new(
                    PathBuf::from("templates").join(name),
                    Problem::Template(format!(
                        "the theme has no `{name}` template: add it to the theme's templates/ or the site's templates/"
                    )),
                )
            })
            .collect();
        Diagnostics(missing).into_result(templates)
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// A Tera error as a diagnostic on the template file it points at. `rendering` names
    /// the template being rendered, for errors that carry no position of their own.
    pub fn diagnose(&self, error: &tera::Error, rendering: Option<&str>) -> Diagnostic {
        let fallback = rendering.unwrap_or("templates");
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let name = if report.filename().is_empty() {
                    fallback
                } else {
                    report.filename()
                };
                let (display, source) = self.file(name);
                let span = report.span();
                let d = Diagnostic::new(display, Problem::Template(report.message().to_string()));
                match source {
                    Some(src) => d.at(Location::new(span.start_line, span.start_col + 1), src),
                    None => d,
                }
            }
            ErrorKind::CircularInclude { tpl, include_chain } => Diagnostic::new(
                self.file(tpl).0,
                Problem::Template(format!(
                    "the template includes itself: {}",
                    include_chain.join(" → ")
                )),
            ),
            ErrorKind::CircularExtend {
                tpl,
                inheritance_chain,
            } => Diagnostic::new(
                self.file(tpl).0,
                Problem::Template(format!(
                    "the template extends itself: {}",
                    inheritance_chain.join(" → ")
                )),
            ),
            ErrorKind::MissingParent { current, parent } => Diagnostic::new(
                self.file(current).0,
                Problem::Template(format!("it extends `{parent}`, which does not exist")),
            ),
            ErrorKind::TemplateNotFound(name) => Diagnostic::new(
                self.file(fallback).0,
                Problem::Template(format!("the template `{name}` does not exist")),
            ),
            _ => Diagnostic::new(self.file(fallback).0, Problem::Template(error.to_string())),
        }
    }

    fn file(&self, name: &str) -> (PathBuf, Option<&str>) {
        match self.files.get(name) {
            Some((display, text)) => (display.clone(), Some(text.as_str())),
            None => (PathBuf::from("templates").join(name), None),
        }
    }
}
