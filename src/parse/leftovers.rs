//! Template syntax left in a body by the tool a site came from: Liquid tags and output
//! (`{% highlight %}`, `{{ site.url }}`, Jekyll), shortcodes (`{{< figure >}}`,
//! `{{% note %}}`, Hugo; `{{ youtube(id="x") }}`, `{% quote() %}`, Zola). attache never
//! runs templates in content, so these come out as text; finding them lets a writer know.
//!
//! Inside code (fenced, indented or inline) they are left alone: there they are usually
//! shown on purpose, and are shown as written.

use std::ops::Range;

/// What kind of template syntax a piece of text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// `{{< x >}}` or `{{% x %}}`
    HugoShortcode,
    /// `{% x %}`
    Tag,
    /// `{{ x }}`
    Expression,
}

impl Syntax {
    pub fn describe(self) -> &'static str {
        match self {
            Syntax::HugoShortcode => "a Hugo shortcode",
            Syntax::Tag => "a Liquid tag (Jekyll) or a Zola shortcode",
            Syntax::Expression => "a template expression (Liquid, Hugo or Zola)",
        }
    }
}

/// One piece of template syntax in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Leftover {
    pub syntax: Syntax,
    /// Byte offset in the body.
    pub offset: usize,
    /// The syntax as written, cut short if long.
    pub snippet: String,
}

/// The longest snippet quoted in a message.
const SNIPPET: usize = 60;

/// Every piece of template syntax in `body` outside `code` (byte ranges in `body`,
/// sorted by start), that opens and closes on one line.
pub fn find(body: &str, code: &[Range<usize>]) -> Vec<Leftover> {
    let mut found = Vec::new();
    let bytes = body.as_bytes();
    let mut from = 0;
    while let Some(i) = body[from..].find('{').map(|i| from + i) {
        from = i + 1;
        let (syntax, close) = match bytes.get(i + 1) {
            Some(b'{') => match bytes.get(i + 2) {
                Some(b'<') => (Syntax::HugoShortcode, ">}}"),
                Some(b'%') => (Syntax::HugoShortcode, "%}}"),
                _ => (Syntax::Expression, "}}"),
            },
            Some(b'%') => (Syntax::Tag, "%}"),
            _ => continue,
        };
        if inside(code, i) {
            continue;
        }
        let line_end = body[i..].find('\n').map_or(body.len(), |n| i + n);
        let Some(end) = body[i + 2..line_end]
            .find(close)
            .map(|n| i + 2 + n + close.len())
        else {
            continue;
        };
        let written = &body[i..end];
        let snippet = match written.char_indices().nth(SNIPPET) {
            Some((cut, _)) => format!("{}…", &written[..cut]),
            None => written.to_string(),
        };
        found.push(Leftover {
            syntax,
            offset: i,
            snippet,
        });
        from = end;
    }
    found
}

fn inside(code: &[Range<usize>], offset: usize) -> bool {
    let at = code.partition_point(|r| r.start <= offset);
    at > 0 && code[at - 1].contains(&offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(body: &str) -> Vec<(Syntax, String)> {
        find(body, &[])
            .into_iter()
            .map(|l| (l.syntax, l.snippet))
            .collect()
    }

    #[test]
    fn finds_liquid_and_shortcodes_of_every_kind() {
        let body = "{% highlight ruby %}\nx\n{% endhighlight %}\n\
                    See {{ site.url }}/x and {{< figure src=\"a.png\" >}}.\n\
                    {{% note %}}Hi{{% /note %}} {{ youtube(id=\"abc\") }}\n";
        assert_eq!(
            kinds(body),
            vec![
                (Syntax::Tag, "{% highlight ruby %}".to_string()),
                (Syntax::Tag, "{% endhighlight %}".to_string()),
                (Syntax::Expression, "{{ site.url }}".to_string()),
                (
                    Syntax::HugoShortcode,
                    "{{< figure src=\"a.png\" >}}".to_string()
                ),
                (Syntax::HugoShortcode, "{{% note %}}".to_string()),
                (Syntax::HugoShortcode, "{{% /note %}}".to_string()),
                (Syntax::Expression, "{{ youtube(id=\"abc\") }}".to_string()),
            ]
        );
    }

    #[test]
    fn braces_that_close_nowhere_and_code_are_left_alone() {
        assert!(kinds("A set {1, 2} and an open {{ brace\non two lines }}.").is_empty());
        let body = "Text `{{ in code }}` and\n\n```\n{% raw %}\n```\n";
        let code = [5..20, 26..45];
        assert!(find(body, &code).is_empty());
        let long = format!("{{{{ {} }}}}", "x".repeat(100));
        assert!(kinds(&long)[0].1.ends_with('…'));
    }
}
