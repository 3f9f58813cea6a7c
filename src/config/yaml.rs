//! What attache makes of YAML it reads (site.yaml, front matter, i18n files): where a key
//! is written, how deep brackets nest, and parser messages turned into a writer's words
//! with the line and column they are about.

use crate::error::Location;

/// serde_yaml appends " at line X column Y"; the diagnostic shows the location itself.
pub(crate) fn strip_yaml_location(message: &str) -> String {
    match message.find(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// How deep `[` and `{` may nest in YAML that attache reads. The YAML parser slows down
/// quadratically with nesting depth (100,000 levels take minutes), and nothing a writer
/// means needs more than a few levels.
pub(crate) const MAX_YAML_NESTING: usize = 64;

/// Where flow lists or maps (`[`, `{`) in `yaml` first nest deeper than
/// [`MAX_YAML_NESTING`], as a 1-based (line, column). Quoted strings and comments are
/// skipped, so brackets in a title do not count.
pub(crate) fn too_deep(yaml: &str) -> Option<(usize, usize)> {
    // Nesting deeper than the limit needs more opening brackets than the limit; most front
    // matter has a handful, and counting bytes is far cheaper than the scan below.
    let opening = yaml.bytes().filter(|&b| b == b'[' || b == b'{').count();
    if opening <= MAX_YAML_NESTING {
        return None;
    }
    let mut depth = 0usize;
    let (mut line, mut column) = (1, 0);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    let mut previous = '\n';
    // The last character on this line that is not a space: a quote only opens a string
    // at the start of a value (`it's` in plain text is no string).
    let mut last: Option<char> = None;
    for c in yaml.chars() {
        column += 1;
        if c == '\n' {
            (line, column) = (line + 1, 0);
            comment = false;
            last = None;
        } else if comment {
        } else if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if q == '"' && c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                '"' | '\'' if last.is_none_or(|l| ":-[{,?".contains(l)) => quote = Some(c),
                '#' if previous.is_whitespace() => comment = true,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_YAML_NESTING {
                        return Some((line, column));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        if !c.is_whitespace() {
            last = Some(c);
        }
        previous = c;
    }
    None
}

/// A YAML error in plainer words, located better: a tab in the indentation is named as
/// such, a key written twice points at its second occurrence, and a missing field says it
/// is required. `location` and the result are (line, column), 1-based within `yaml`.
pub(crate) fn explain_yaml(
    message: &str,
    yaml: &str,
    location: Option<(usize, usize)>,
) -> (String, Option<(usize, usize)>) {
    let mut message = strip_yaml_location(message);
    let mut location = location;
    // serde_yaml puts the path of a nested value first: `sources[0]: duplicate field ...`.
    let quoted = |m: &str, marker: &str| {
        let (path, rest) = m.split_once(marker)?;
        let name = rest.split(['`', '"']).next().unwrap_or(rest);
        Some((path.to_string(), name.to_string()))
    };
    let duplicate = quoted(&message, "duplicate field `")
        .or_else(|| quoted(&message, "duplicate entry with key \""));
    if let Some((path, key)) = duplicate {
        // The error points at the start of the mapping; its keys are the lines that start
        // at that column, until a line starts left of it.
        let (first, col) = location.unwrap_or((1, 1));
        let indent = col.saturating_sub(1);
        let mut keys = yaml
            .lines()
            .enumerate()
            .skip(first.saturating_sub(1))
            .filter(|(_, line)| !line.trim().is_empty() && !line.trim_start().starts_with('#'))
            .take_while(|(i, line)| {
                *i + 1 == first || line.len() - line.trim_start_matches(' ').len() >= indent
            })
            .filter(|(i, line)| {
                let at = indent.min(line.len());
                if !line.is_char_boundary(at) {
                    return false;
                }
                let (head, rest) = line.split_at(at);
                let head_ok = head.trim_start_matches(' ').is_empty()
                    || (*i + 1 == first && head.trim().trim_end_matches('-').trim().is_empty());
                head_ok
                    && rest
                        .split_once(':')
                        .is_some_and(|(k, _)| k.trim_end().trim_matches(['"', '\'']) == key)
            });
        if let Some((i, _)) = keys.nth(1) {
            location = Some((i + 1, indent + 1));
        }
        message = format!("{path}`{key}` is written twice: keep one of them");
    } else if message.contains("repetition limit exceeded") {
        message = "YAML aliases (`&name` … `*name`) here repeat each other into too many values: write the values out".to_string();
    } else if let Some((path, field)) = quoted(&message, "missing field `") {
        message = format!("{path}the required field `{field}` is missing: add a `{field}:` line");
    }
    let tabbed = location
        .and_then(|(line, _)| yaml.lines().nth(line.saturating_sub(1)))
        .is_some_and(|l| l.starts_with([' ', '\t']) && l.trim_start_matches(' ').starts_with('\t'));
    if tabbed {
        message.push_str(" (the line is indented with a tab: YAML indents with spaces only)");
    }
    (message, location)
}

/// The location of an indented `key:` (inside a map) in YAML text, at the key.
pub(super) fn find_nested_key(text: &str, key: &str) -> Option<Location> {
    text.lines().enumerate().find_map(|(i, line)| {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix(key)?;
        rest.trim_start()
            .starts_with(':')
            .then(|| Location::new(i + 1, line.len() - trimmed.len() + 1))
    })
}

/// Where the value of the key at `key` (a line's first column) starts.
pub(super) fn value_column(text: &str, key: Location) -> Location {
    let line = text.lines().nth(key.line - 1).unwrap_or_default();
    let column = line.split_once(':').map_or(1, |(k, v)| {
        k.chars().count() + 2 + (v.len() - v.trim_start().len())
    });
    Location::new(key.line, column)
}

/// Where the `nth` (from 1) `code:` under `languages` whose value passes `matches` is, in
/// site.yaml text.
pub(super) fn find_code(
    text: &str,
    matches: impl Fn(&str) -> bool,
    nth: usize,
) -> Option<Location> {
    let start = find_key(text, "languages")?;
    let from = text
        .lines()
        .take(start.line - 1)
        .map(|l| l.len() + 1)
        .sum::<usize>();
    let mut seen = 0;
    for (i, _) in text[from..].match_indices("code") {
        let at = from + i;
        let Some(value) = text[at + 4..].trim_start().strip_prefix(':') else {
            continue;
        };
        let value = value
            .trim_start()
            .split([',', '}', '\n', '#'])
            .next()
            .unwrap_or_default()
            .trim()
            .trim_matches(['"', '\'']);
        if matches(value) {
            seen += 1;
            if seen == nth {
                return Some(Location::of_offset(text, at));
            }
        }
    }
    None
}

/// The location of a top-level `key:` in YAML text.
pub(crate) fn find_key(text: &str, key: &str) -> Option<Location> {
    text.lines().enumerate().find_map(|(i, line)| {
        let rest = line.strip_prefix(key)?;
        rest.trim_start()
            .starts_with(':')
            .then(|| Location::new(i + 1, 1))
    })
}
