//! Links in Markdown bodies: which lead outside the site, which are dangerous, and how a
//! link to another Markdown file becomes the URL of its page.

use super::markdown::{Links, Reference};

/// A destination inside the site worth checking: a fragment, a Markdown file, or a
/// site path (`/images/x.png`, `../about/`). External URLs are not references.
pub(super) fn reference(
    dest: &str,
    image: bool,
    offset: usize,
    links: &Links,
) -> Option<Reference> {
    if has_scheme(dest) || is_dangerous_url(dest) || dest.is_empty() {
        return None;
    }
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (dest, None),
    };
    let path = path.split('?').next().unwrap_or(path);
    let target = if path.is_empty() {
        Some(links.current.to_string())
    } else if is_markdown_link(path) {
        join_content_path(links.current, path)
    } else {
        None
    };
    Some(Reference {
        image,
        dest: dest.to_string(),
        target,
        fragment,
        offset,
        location: None,
    })
}

/// Whether `dest` starts with a URL scheme (`https:`, `mailto:`, `tel:`, `irc:`), so that it
/// leads outside the site: a letter, then letters, digits, `+`, `-` or `.`, then `:`.
pub fn has_scheme(dest: &str) -> bool {
    let Some((scheme, _)) = dest.split_once(':') else {
        return false;
    };
    scheme.len() > 1
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

pub(super) enum Resolved {
    Unchanged,
    Url(String),
    Broken,
}

/// A URL that content must never carry into a page: one that runs script when followed
/// (`javascript:`, `vbscript:`) or opens inline data or local files. Browsers skip leading
/// spaces and control characters and ignore tabs and newlines in a scheme; so does this.
pub fn is_dangerous_url(url: &str) -> bool {
    let scheme: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:", "file:"]
        .iter()
        .any(|s| scheme.starts_with(s))
}

/// A link to a Markdown file, by its extension (`.md`, `.markdown`, …).
fn is_markdown_link(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    crate::load::markdown_stem(name).is_some()
}

/// A relative link to a `.md` file becomes the URL of the page made from that file. The
/// content path linked to is added to `links_to`, found or not.
pub(super) fn resolve_link(dest: &str, links: &Links, links_to: &mut Vec<String>) -> Resolved {
    if dest.contains("://") || dest.starts_with("mailto:") || dest.starts_with('#') {
        return Resolved::Unchanged;
    }
    let (path, fragment) = match dest.find('#') {
        Some(i) => (&dest[..i], &dest[i..]),
        None => (dest, ""),
    };
    let path = path.split('?').next().unwrap_or(path);
    if !is_markdown_link(path) {
        return Resolved::Unchanged;
    }
    let Some(target) = join_content_path(links.current, path) else {
        return Resolved::Broken;
    };
    // A page's translation into the language of the page linking to it, else the page.
    let translation = links
        .translated
        .get(&target)
        .and_then(|t| t.iter().find(|(lang, _)| *lang == links.lang))
        .map(|(_, url)| url);
    let resolved = match translation.or_else(|| links.urls.get(&target)) {
        Some(url) => Resolved::Url(format!("{url}{fragment}")),
        None => Resolved::Broken,
    };
    links_to.push(target);
    resolved
}

/// Resolves `link` against the folder of `current` (both content paths with `/`).
/// `None` when the link climbs above `content/`.
pub fn join_content_path(current: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = if link.starts_with('/') {
        Vec::new()
    } else {
        let mut p: Vec<&str> = current.split('/').collect();
        p.pop();
        p
    };
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}
