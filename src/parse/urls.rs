//! URLs a writer chooses: `permalink:` (the page's own address), `aliases:` (old
//! addresses that redirect to it) and the site-wide `permalinks` pattern
//! (`/:year/:month/:day/:slug/`). Each is checked here once, so that what reaches the
//! output is always a safe path below the output folder.
//!
//! attache writes pretty URLs: a page is a folder with an `index.html`. An address
//! ending in `.html` (Jekyll's default) is kept as an alias, a redirect to the folder form.

use jiff::civil::Date;

/// The placeholders a `permalinks` pattern may use.
pub const PATTERN_TOKENS: &[&str] = &["year", "month", "day", "slug", "title", "topic"];

/// An old address (`/blog/old/`, `2013/02/24/x.html`) as the output path of its redirect
/// page: a folder (`blog/old/`) or an `.html` file.
pub fn alias_path(raw: &str) -> Result<String, &'static str> {
    let (segments, folder) = segments(raw)?;
    let last = segments.last().map(String::as_str).unwrap_or("");
    let joined = segments.join("/");
    if !folder && is_html(last) {
        return Ok(joined);
    }
    if !folder && has_other_extension(last) {
        return Err(
            "an alias is the address of a page: a folder such as `/old/` or an `.html` page",
        );
    }
    Ok(format!("{joined}/"))
}

/// A page's own address as its URL path (`blog/release/v2/`), and when it was written as
/// an `.html` page, that address as an alias.
pub fn page_path(raw: &str) -> Result<(String, Option<String>), &'static str> {
    let (segments, folder) = segments(raw)?;
    let last = segments.last().map(String::as_str).unwrap_or("");
    let joined = segments.join("/");
    if !folder && is_html(last) {
        let stem = joined
            .rsplit_once('.')
            .map_or(joined.as_str(), |(stem, _)| stem);
        return Ok((format!("{stem}/"), Some(joined.clone())));
    }
    if !folder && has_other_extension(last) {
        return Err("a page's address is a folder such as `/blog/post/` or an `.html` page");
    }
    Ok((format!("{joined}/"), None))
}

/// The segments of a written path, percent-escapes decoded, and whether it ends in `/`.
fn segments(raw: &str) -> Result<(Vec<String>, bool), &'static str> {
    let raw = raw.trim();
    if raw.contains("://") {
        return Err("write the path only, without `https://` and the host");
    }
    if raw.contains(['?', '#']) {
        return Err("it has a `?` or `#`: an address for a page is a path only");
    }
    if raw.contains('\\') {
        return Err("it contains `\\`; paths are written with `/`");
    }
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| "its percent-escapes are not UTF-8 text")?;
    if decoded.contains(|c: char| c.is_control()) {
        return Err("it contains a control character");
    }
    let folder = decoded.ends_with('/');
    let mut out = Vec::new();
    for segment in decoded.split('/') {
        match segment {
            "" => {}
            "." | ".." => return Err("it contains `.` or `..` segments"),
            s if s.trim() != s => return Err("a segment starts or ends with a space"),
            s => out.push(s.to_string()),
        }
    }
    if out.is_empty() {
        return Err("it is the address of the home page");
    }
    if out[0].as_bytes().get(1) == Some(&b':') {
        return Err("it looks like a drive letter");
    }
    let path = out.join("/");
    if !crate::emit::is_safe_output_path(&format!("{path}/index.html")) {
        return Err("it cannot be a file name on every system");
    }
    Ok((out, folder))
}

fn is_html(segment: &str) -> bool {
    let lower = segment.to_ascii_lowercase();
    (lower.ends_with(".html") || lower.ends_with(".htm")) && lower.len() > 5
}

/// `feed.xml`, `paper.pdf`: a file that is not a page. A dot followed by a few letters
/// (`v1.2.3` has digits, and is taken as a folder).
fn has_other_extension(segment: &str) -> bool {
    segment.rsplit_once('.').is_some_and(|(stem, ext)| {
        !stem.is_empty()
            && (1..=5).contains(&ext.len())
            && ext.chars().all(|c| c.is_ascii_alphabetic())
    })
}

/// A `permalinks` pattern's problem: an unknown `:placeholder` (with the closest known
/// one), or a fixed part that cannot be a path.
pub fn check_pattern(pattern: &str) -> Result<(), String> {
    for token in tokens(pattern) {
        if !PATTERN_TOKENS.contains(&token) {
            let hint = crate::error::did_you_mean(token, PATTERN_TOKENS.iter().copied())
                .map(|s| format!("did you mean `:{s}`? "))
                .unwrap_or_default();
            return Err(format!(
                "`:{token}` is not a placeholder attache knows: {hint}use {}",
                PATTERN_TOKENS
                    .iter()
                    .map(|t| format!(":{t}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let sample = Values {
        date: jiff::civil::date(2025, 1, 15),
        slug: "slug",
        title: "title",
        topic: "topic",
    };
    page_path(&expand(pattern, &sample))
        .map(|_| ())
        .map_err(|reason| format!("`{pattern}` cannot be a page's address: {reason}"))
}

/// What a pattern's placeholders stand for, for one article.
pub struct Values<'a> {
    pub date: Date,
    pub slug: &'a str,
    /// The title, already made into a slug.
    pub title: &'a str,
    /// The first topic's id.
    pub topic: &'a str,
}

/// The pattern with its placeholders filled in.
pub fn expand(pattern: &str, values: &Values) -> String {
    let mut out = String::with_capacity(pattern.len() + 32);
    let mut rest = pattern;
    while let Some(at) = rest.find(':') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let len = token_len(after);
        match &after[..len] {
            "year" => out.push_str(&format!("{:04}", values.date.year())),
            "month" => out.push_str(&format!("{:02}", values.date.month())),
            "day" => out.push_str(&format!("{:02}", values.date.day())),
            "slug" => out.push_str(values.slug),
            "title" => out.push_str(values.title),
            "topic" => out.push_str(values.topic),
            _ => {
                out.push(':');
                out.push_str(&after[..len]);
            }
        }
        rest = &after[len..];
    }
    out.push_str(rest);
    out
}

fn tokens(pattern: &str) -> impl Iterator<Item = &str> {
    pattern
        .split(':')
        .skip(1)
        .map(|after| &after[..token_len(after)])
}

fn token_len(after: &str) -> usize {
    after
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(after.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_become_output_paths() {
        assert_eq!(alias_path("/blog/old/").unwrap(), "blog/old/");
        assert_eq!(alias_path("blog/old").unwrap(), "blog/old/");
        assert_eq!(
            alias_path("/2013/02/24/x.html").unwrap(),
            "2013/02/24/x.html"
        );
        assert_eq!(alias_path("/release/v20.0.0").unwrap(), "release/v20.0.0/");
        assert_eq!(alias_path("/caf%C3%A9/").unwrap(), "café/");
        for bad in [
            "/",
            "",
            "/../etc/",
            "https://example.org/x/",
            "/x/?a=1",
            "/feed.xml",
            "C:/x/",
            "/a\\b/",
            "/x\u{0}/",
        ] {
            assert!(alias_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn an_html_permalink_is_served_as_a_folder_and_kept_as_an_alias() {
        assert_eq!(
            page_path("/blog/release/v20.0.0/").unwrap(),
            ("blog/release/v20.0.0/".to_string(), None)
        );
        assert_eq!(
            page_path("/2013/02/24/title.html").unwrap(),
            (
                "2013/02/24/title/".to_string(),
                Some("2013/02/24/title.html".to_string())
            )
        );
    }

    #[test]
    fn patterns_are_checked_and_filled_in() {
        let values = Values {
            date: jiff::civil::date(2013, 2, 4),
            slug: "hello",
            title: "hello-world",
            topic: "trade",
        };
        assert_eq!(
            expand("/:year/:month/:day/:slug/", &values),
            "/2013/02/04/hello/"
        );
        assert_eq!(expand("/:topic/:title/", &values), "/trade/hello-world/");
        assert!(check_pattern("/:year/:month/:day/:slug/").is_ok());
        let e = check_pattern("/:yaer/:slug/").unwrap_err();
        assert!(e.contains("did you mean `:year`"), "{e}");
        assert!(check_pattern("/../:slug/").is_err());
    }
}
