//! Which language a content file is written in: the code in its name (`x.ur.md`), else its
//! `lang:`, else the site's default language; and the file it translates, by name.

use crate::error::{Diagnostic, Problem};
use crate::i18n::{Lang, Language, parse_code};
use crate::load::{ContentFile, markdown_stem};
use crate::parse::{Meta, front_matter};

/// The language a file's name gives (`x.ur.md`), and the content path of the file it
/// translates (`x.md`). A name whose last part before the extension does not look like a
/// language code (`v2`, `final-draft`) names no language.
pub fn named(rel: &str, languages: &[Language]) -> Result<Option<(Lang, String)>, Problem> {
    let Some((lang, base)) = split_code(rel, languages)? else {
        return Ok(None);
    };
    // `x.ur.ur.md`: the translation of a translation.
    if split_code(&base, languages)?.is_some() {
        let original = unnamed(&base, languages);
        return Err(Problem::TranslationOfTranslation {
            translates: file_name(&base).to_string(),
            original: file_name(&original).to_string(),
        });
    }
    Ok(Some((lang, base)))
}

/// `rel` without every language code its name holds (`x.ur.ur.md` → `x.md`).
fn unnamed(rel: &str, languages: &[Language]) -> String {
    let mut rel = rel.to_string();
    while let Ok(Some((_, base))) = split_code(&rel, languages) {
        rel = base;
    }
    rel
}

pub(super) fn file_name(rel: &str) -> &str {
    rel.rsplit('/').next().unwrap_or(rel)
}

/// One language code off the end of a file name: `(language, name without it)`.
fn split_code(rel: &str, languages: &[Language]) -> Result<Option<(Lang, String)>, Problem> {
    let (folder, name) = match rel.rsplit_once('/') {
        Some((folder, name)) => (Some(folder), name),
        None => (None, rel),
    };
    let Some(stem) = markdown_stem(name) else {
        return Ok(None);
    };
    let extension = &name[stem.len()..];
    let Some((before, code)) = stem.rsplit_once('.') else {
        return Ok(None);
    };
    if before.is_empty() || !looks_like_code(code) {
        return Ok(None);
    }
    let Ok(id) = parse_code(code) else {
        return Ok(None);
    };
    let canonical = id.to_string();
    let Some(lang) = languages.iter().position(|l| l.code == canonical) else {
        return Err(Problem::UnlistedLanguage {
            code: code.to_string(),
            languages: codes(languages),
            in_name: true,
        });
    };
    let base_name = format!("{before}{extension}");
    let base = match folder {
        Some(folder) => format!("{folder}/{base_name}"),
        None => base_name,
    };
    Ok(Some((lang, base)))
}

/// `ur`, `pt-BR`, `sr-Latn`, `zh_Hant`: two or three letters, then subtags of letters and
/// digits. What a writer puts between dots for another reason (`v2`, `final`, `draft-3`)
/// does not look like one.
fn looks_like_code(code: &str) -> bool {
    let mut parts = code.split(['-', '_']);
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The site's language codes, for messages: `en, ur, ru`.
fn codes(languages: &[Language]) -> String {
    languages
        .iter()
        .map(|l| l.code.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The site language a `lang:` tag names: the same code (`ur`), else the same language in
/// another region or script (`en-GB` is in the `en` edition).
pub fn edition_of(tag: &str, languages: &[Language]) -> Option<Lang> {
    let id = parse_code(tag).ok()?;
    let code = id.to_string();
    languages
        .iter()
        .position(|l| l.code == code)
        .or_else(|| languages.iter().position(|l| l.id.language == id.language))
}

/// The language of a page: the one its name gives, else the one its `lang:` names, else
/// the default. A `lang:` that disagrees with the name, or that names a language a site
/// of several languages does not list, is an error at the `lang:` line. (On a site of one
/// language, `lang:` is handed to templates and the page stays in the site's language.)
pub(in crate::parse) fn language(
    named: &Option<(Lang, String)>,
    meta: &Meta,
    file: &ContentFile,
    languages: &[Language],
) -> Result<Lang, Diagnostic> {
    let written = meta.common().lang.as_deref();
    let at_lang = |problem| {
        let location = front_matter::locate_key(&file.text, "lang");
        Diagnostic::new(file.display.clone(), problem).maybe_at(location, &file.text)
    };
    match (named, written) {
        (Some((lang, _)), Some(tag)) => {
            if edition_of(tag, languages) == Some(*lang) {
                Ok(*lang)
            } else {
                Err(at_lang(Problem::LanguageDisagrees {
                    named: languages[*lang].code.clone(),
                    written: tag.to_string(),
                }))
            }
        }
        (Some((lang, _)), None) => Ok(*lang),
        (None, Some(tag)) if languages.len() > 1 => edition_of(tag, languages).ok_or_else(|| {
            at_lang(Problem::UnlistedLanguage {
                code: tag.to_string(),
                languages: codes(languages),
                in_name: false,
            })
        }),
        (None, _) => Ok(0),
    }
}
