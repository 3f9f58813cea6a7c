//! Compiling the theme once — its templates and its words in each language — and turning
//! Tera's errors into diagnostics that name the template file with line and column.

use std::collections::HashMap;
use std::path::PathBuf;

use tera::{ErrorKind, Kwargs, State, Tera, Value};

use crate::error::{Diagnostic, Diagnostics, Location, Problem};
use crate::i18n::{Language, Words, plural};
use crate::load::{I18nFile, TemplateFile};

/// The compiled templates and where each came from, and the theme's words (a template and
/// a word change alike mean every page renders again).
pub struct Templates {
    pub tera: Tera,
    files: HashMap<String, (PathBuf, String)>,
    /// The theme's words in each of the site's languages, with the site's own over them.
    pub words: Words,
}

/// Templates every theme must have, by page kind.
pub const REQUIRED: &[&str] = &[
    "home.html",
    "article.html",
    "topics.html",
    "topic.html",
    "timeline.html",
    "timeline_year.html",
    "entities.html",
    "entity.html",
    "page.html",
    "404.html",
];

impl Templates {
    /// Compiles the templates and the words of `languages`, and checks that every word a
    /// template asks for exists; reports every problem with either.
    pub fn compile(
        files: &[TemplateFile],
        i18n: &[I18nFile],
        languages: &[Language],
    ) -> Result<Templates, Diagnostics> {
        let words = Words::compile(i18n, languages);
        let templates = Templates::compile_templates(files, languages);
        let (mut templates, words) = Diagnostics::both(templates, words)?;
        Diagnostics(words.check_templates(files)).into_result(())?;
        templates.words = words;
        Ok(templates)
    }

    fn compile_templates(
        files: &[TemplateFile],
        languages: &[Language],
    ) -> Result<Templates, Diagnostics> {
        let by_name: HashMap<String, (PathBuf, String)> = files
            .iter()
            .map(|t| (t.name.clone(), (t.display.clone(), t.text.clone())))
            .collect();
        let mut templates = Templates {
            tera: Tera::new(),
            files: by_name,
            words: Words::default(),
        };
        plural::register(&mut templates.tera, languages);
        // `{{ t.search_matches | json }}`: words for the search page's script, in a data
        // attribute. Through serde_json's sorted maps, so the output is the same every build;
        // a counted word's forms only, not the counts it holds written out.
        templates
            .tera
            .register_filter("json", |v: Value, _: Kwargs, _: &State| {
                let mut json =
                    serde_json::to_value(&v).map_err(|e| tera::Error::message(e.to_string()))?;
                if let Some(map) = json.as_object_mut() {
                    map.retain(|k, _| k.parse::<u128>().is_err());
                }
                serde_json::to_string(&json).map_err(|e| tera::Error::message(e.to_string()))
            });
        // `{{ title | css_string }}`: text as a quoted CSS string, for a `<style>` block (the
        // running header of a pack page). Safe there as it is: every character that could
        // end the string, the declaration or the element is written as a CSS escape.
        templates
            .tera
            .register_filter("css_string", |v: Value, _: Kwargs, _: &State| {
                Value::safe_string(&css_string(&v.to_string()))
            });
        let all = files.iter().map(|t| (t.name.as_str(), t.text.as_str()));
        if let Err(e) = templates.tera.add_raw_templates(all) {
            let reported = match e.kind() {
                ErrorKind::Msg(text) => templates.reports(text),
                _ => Vec::new(),
            };
            if !reported.is_empty() {
                return Err(Diagnostics(reported).sorted());
            }
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
            ErrorKind::Msg(text) => match self.reports(text).into_iter().next() {
                Some(d) => d,
                None => Diagnostic::new(self.file(fallback).0, Problem::Template(text.clone())),
            },
            _ => Diagnostic::new(self.file(fallback).0, Problem::Template(error.to_string())),
        }
    }

    /// Tera reports some problems (unknown filters, tests and functions, included templates
    /// that do not exist) as one message holding its own rendered reports, each an
    /// `error: <message>` line followed by `--> <template>:<line>:<column>`.
    fn reports(&self, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut lines = text.lines();
        while let Some(line) = lines.next() {
            let Some(message) = line.strip_prefix("error: ") else {
                continue;
            };
            let Some(locus) = lines
                .next()
                .and_then(|l| l.trim_start().strip_prefix("--> "))
            else {
                continue;
            };
            let mut parts = locus.rsplitn(3, ':');
            let (Some(column), Some(line), Some(name)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let (Ok(line), Ok(column)) = (line.parse::<usize>(), column.parse::<usize>()) else {
                continue;
            };
            let (display, source) = self.file(name);
            let d = Diagnostic::new(display, Problem::Template(message.to_string()));
            out.push(match source {
                Some(src) => d.at(Location::new(line, column), src),
                None => d,
            });
        }
        out
    }

    fn file(&self, name: &str) -> (PathBuf, Option<&str>) {
        match self.files.get(name) {
            Some((display, text)) => (display.clone(), Some(text.as_str())),
            None => (PathBuf::from("templates").join(name), None),
        }
    }
}

/// `text` as a quoted CSS string: quotes, backslashes, `<`, `>`, `&` and control characters
/// escaped as `\HEX `, so it cannot end the string or a `<style>` element.
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '<' | '>' | '&') || c.is_control() {
            out.push_str(&format!("\\{:X} ", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_css_string_cannot_end_itself_or_its_style_element() {
        assert_eq!(
            css_string("Ports \"&\" </style><b>\\\n"),
            "\"Ports \\22 \\26 \\22  \\3C /style\\3E \\3C b\\3E \\5C \\A \""
        );
        assert_eq!(css_string("پاکستان"), "\"پاکستان\"");
    }

    fn file(name: &str, text: &str) -> TemplateFile {
        TemplateFile {
            name: name.to_string(),
            display: PathBuf::from("templates").join(name),
            text: text.to_string(),
        }
    }

    #[test]
    fn unknown_filters_and_missing_includes_name_the_template_line_and_column() {
        let files = [file(
            "page.html",
            "<p>\n{{ title | shout }}\n{% include \"nope.html\" %}\n",
        )];
        let Err(problems) = Templates::compile_templates(&files, &[]) else {
            panic!("the template should be refused");
        };
        let heads: Vec<String> = problems.iter().map(Diagnostic::headline).collect();
        assert!(
            heads
                .iter()
                .any(|h| h.starts_with("templates/page.html:2:12: ") && h.contains("`shout`")),
            "{heads:?}"
        );
        assert!(
            heads
                .iter()
                .any(|h| h.starts_with("templates/page.html:3:12: ") && h.contains("nope.html")),
            "{heads:?}"
        );
    }
}
