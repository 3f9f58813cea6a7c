//! How to fix each problem, where attache knows: the `help:` line under a report.

use super::Problem;

impl Problem {
    /// A hint on how to fix the problem, where one is known.
    pub fn help(&self) -> Option<String> {
        match self {
            Problem::UnknownTopic {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            Problem::UnknownTopic { known, .. } if known.is_empty() => {
                Some("no topics exist yet: add one as content/topics/<id>.md".to_string())
            }
            Problem::UnknownTopic { known, .. } => Some(format!(
                "known topics: {}; add content/topics/<id>.md for a new one",
                known.join(", ")
            )),
            Problem::BrokenLink {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `{s}`?")),
            Problem::BrokenAnchor {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `#{s}`?")),
            Problem::UnknownWord {
                suggestion: Some(s),
                ..
            } => Some(format!("did you mean `t.{s}`?")),
            Problem::UnknownLanguage { site, .. } => Some(format!(
                "leave out --lang for the default language, or give one of: {site}"
            )),
            Problem::UnlistedLanguage { code, in_name: true, .. } => Some(format!(
                "add `- {{code: {code}, name: …}}` to `languages` in site.yaml; if `.{code}` in the name is not a language, rename the file (`-{code}` instead of `.{code}`)"
            )),
            Problem::UnlistedLanguage { code, .. } => Some(format!(
                "write the code of one of the site's languages, or add `- {{code: {code}, name: …}}` to `languages` in site.yaml"
            )),
            Problem::TranslationOfTranslation { original, .. } => Some(format!(
                "translate the original: name the file after `{original}`, with one language code"
            )),
            Problem::NoOriginal {
                suggestion: Some(s),
                ..
            } => Some(format!(
                "did you mean `{s}`? A translation is named after its original, with the language code before the extension"
            )),
            Problem::NoOriginal { .. } => Some(
                "add the original, or name this file after an existing page; a page written only in this language is named without a code and says `lang:` in its front matter".to_string(),
            ),
            Problem::LanguageDisagrees { .. } => Some(
                "keep one: leave out `lang:` (the file name says the language), or rename the file".to_string(),
            ),
            Problem::SameLanguage { .. } => Some(
                "a translation is in another language than its original: put the code of its own language in its name".to_string(),
            ),
            Problem::TranslationDiffers { field, .. } => Some(format!(
                "a translation shares its original's `{field}`: leave the `{field}:` line out here, or change it in both files"
            )),
            Problem::PackTooLarge { .. } => Some(
                "make a pack of one topic with --topic, or split the largest page into several articles"
                    .to_string(),
            ),
            Problem::PackOverLimit { .. } => Some(
                "the topic packs may still fit; split the largest page into several articles, or turn the pack pages off with `packs: {enabled: false}` in site.yaml"
                    .to_string(),
            ),
            Problem::NotUtf8 { .. } => Some(
                "save the file as UTF-8 text (in most editors: Save As, then Encoding: UTF-8)"
                    .to_string(),
            ),
            Problem::BadDate { suggestion, .. } => {
                Some(crate::parse::fields_date_help(suggestion.as_deref()))
            }
            Problem::LinkToLeftOut { .. } => Some(
                "remove the link until that page is published, or build with --drafts / --future to review both".to_string(),
            ),
            Problem::FutureDate { date } => Some(format!(
                "to publish it on that day, add `publish_date: {date}`; otherwise correct the date"
            )),
            Problem::NameTaken { .. } => Some(
                "keep each name and alias in one profile: remove it from one of the two files".to_string(),
            ),
            Problem::StaleOverview { .. } => Some(
                "revise the overview and set its `updated:` to the day you did".to_string(),
            ),
            Problem::UnknownKey { suggestion, .. } => Some(format!("did you mean `{suggestion}`?")),
            Problem::BadSlug { slug, .. } if slug.contains('/') => Some(format!(
                "a slug is one part of the URL; to keep a whole path, write `permalink: /{}/`",
                slug.trim_matches('/')
            )),
            Problem::MalformedLink { fix: Some(fix), .. } => Some(format!(
                "did you mean `{fix}`? Write the address once, in one pair of brackets: [text]({fix})"
            )),
            Problem::MalformedLink { .. } => Some(
                "write a web address in full (https://…) and in one pair of brackets".to_string(),
            ),
            Problem::TemplateSyntax { .. } => Some(
                "write it in Markdown instead: a fenced ``` block for code, ![text](image.png) for a figure, a link for a URL".to_string(),
            ),
            Problem::RawHtmlShown { .. } => Some(
                "to pass raw HTML through, set `markdown: {unsafe_html: true}` in site.yaml (only for content you trust: a pasted <script> would then run)".to_string(),
            ),
            Problem::NotRead { reason } if reason.starts_with("attache reads") => Some(
                "rename it to .md if it is Markdown; put pages that are HTML already in static/".to_string(),
            ),
            Problem::NotRead { .. } => Some(
                "put images and downloads in static/: they are published at the same path below the site".to_string(),
            ),
            Problem::UndescribedSource => Some(
                "add `title:` with the item's own title, or for an item without one a plain `description: \"News report (untitled)\"`"
                    .to_string(),
            ),
            Problem::DraftTopic { topic } => Some(format!(
                "publish the topic (remove `draft: true` from content/topics/{topic}.md), make this article a draft too, or file it under another topic"
            )),
            Problem::AliasCollision { .. } => Some(
                "remove the alias from `aliases:`, or give the other page another URL".to_string(),
            ),
            Problem::UrlCollision { .. } => Some(
                "give one of them another `slug:` (or `permalink:`) in its front matter"
                    .to_string(),
            ),
            _ => None,
        }
    }
}
