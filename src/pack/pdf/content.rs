//! Markdown events to Typst content, element by element.
//!
//! Nothing here writes Typst markup: every piece of a body becomes the element Typst's own
//! markup would have produced (`TextElem`, `HeadingElem`, `LinkElem`, …), built with the
//! compiler's Rust API. A writer's `#panic()`, `$x$` or `<label>` is therefore the text it
//! reads as, and can never run.

use std::collections::{HashMap, HashSet};
use std::num::NonZeroUsize;

use pulldown_cmark::{Alignment as MdAlignment, CodeBlockKind, Event, HeadingLevel, Tag, TagEnd};
use typst::foundations::{Content, Label, NativeElement, Packed, Smart};
use typst::layout::{Alignment, Dir, Em, Sizing, TrackSizings};
use typst::model::{
    DividerElem, EmphElem, EnumElem, EnumItem, FootnoteElem, HeadingElem, LinkElem, LinkTarget,
    ListElem, ListItem, ParElem, ParbreakElem, QuoteElem, StrongElem, TableCell, TableChild,
    TableElem, TableHeader, TableItem, Url,
};
use typst::text::{
    LinebreakElem, RawContent, RawElem, SpaceElem, StrikeElem, TextDir, TextElem, TextSize,
};
use typst::utils::PicoStr;

use crate::pack::Direction;

/// A label from an anchor; `None` for an empty one, which Typst cannot have.
pub(crate) fn label(anchor: &str) -> Option<Label> {
    Label::new(PicoStr::intern(anchor))
}

/// A piece of plain text, laid out in its own direction when that differs from `base`.
pub(crate) fn text(s: &str, base: Direction) -> Content {
    directed(TextElem::packed(s), Direction::of_text(s), base)
}

/// A bullet list of plain texts (key points), laid out in the direction of its first
/// item, as a list in a body is.
pub(crate) fn list(items: &[String], base: Direction) -> Content {
    let dir = items.iter().find_map(|i| Direction::of_text(i));
    let items = items
        .iter()
        .map(|i| Packed::new(ListItem::new(TextElem::packed(i.as_str()))))
        .collect();
    directed(ListElem::new(items).pack(), dir, base)
}

/// `"rtl"` or `"ltr"` when `s` starts in the other direction than `base`, for a layout
/// to set a whole block (a title) that way.
pub(crate) fn block_direction(s: &str, base: Direction) -> Option<&'static str> {
    Direction::of_text(s)
        .filter(|d| *d != base)
        .map(Direction::as_str)
}

/// The content of a body's events. `base` is the pack's direction: a paragraph, heading,
/// list item or cell whose first letter runs the other way is laid out that way.
pub(crate) fn body(events: &[Event], base: Direction) -> Content {
    let no_notes = HashMap::new();
    let mut footnotes = HashMap::new();
    let mut rest = Vec::with_capacity(events.len());
    let mut i = 0;
    // Footnote texts are built first, so a reference can carry its note wherever it is.
    while i < events.len() {
        if let Event::Start(Tag::FootnoteDefinition(name)) = &events[i] {
            let end = events[i..]
                .iter()
                .position(|e| matches!(e, Event::End(TagEnd::FootnoteDefinition)))
                .map_or(events.len(), |p| i + p);
            let mut builder = Builder::new(base, &no_notes);
            // A note sits on its number's line: its paragraphs are runs of text.
            builder.inline_paragraphs = true;
            let note = builder.run(&events[i + 1..end]);
            footnotes.insert(name.to_string(), note);
            i = end + 1;
        } else {
            rest.push(events[i].clone());
            i += 1;
        }
    }
    Builder::new(base, &footnotes).run(&rest)
}

fn directed(content: Content, dir: Option<Direction>, base: Direction) -> Content {
    match dir {
        Some(d) if d != base => content.set(
            TextElem::dir,
            TextDir(Smart::Custom(match d {
                Direction::Ltr => Dir::LTR,
                Direction::Rtl => Dir::RTL,
            })),
        ),
        _ => content,
    }
}

/// What an open Markdown element is building.
enum Kind {
    Root,
    Paragraph,
    Heading(HeadingLevel, Option<String>),
    Quote,
    Code(Option<String>),
    List(Option<u64>),
    Item,
    Emphasis,
    Strong,
    Strike,
    Link(String),
    Image(String),
    Table(Vec<MdAlignment>),
    Head,
    Row,
    Cell,
    Html,
    /// Anything this renderer does not draw on its own; its content is kept.
    Other,
}

struct Frame {
    kind: Kind,
    children: Vec<Content>,
    /// The direction of the first letter inside, for blocks.
    dir: Option<Direction>,
    /// Text, for code blocks, image descriptions and raw HTML.
    text: String,
    /// For lists: whether an item held a paragraph (a loose list).
    loose: bool,
    /// For tables: the header cells, then the body's rows of cells.
    head: Vec<Content>,
    rows: Vec<Vec<Content>>,
}

impl Frame {
    fn new(kind: Kind) -> Frame {
        Frame {
            kind,
            children: Vec::new(),
            dir: None,
            text: String::new(),
            loose: false,
            head: Vec::new(),
            rows: Vec::new(),
        }
    }
}

/// How deeply elements may nest in the content. Markdown nests without limit
/// (`> > > …`, `*****…`), and Typst lays nested content out recursively: deeper
/// elements are flattened into their ancestor at this depth, keeping their text.
const MAX_DEPTH: usize = 12;

struct Builder<'f> {
    base: Direction,
    stack: Vec<Frame>,
    /// Elements opened beyond [`MAX_DEPTH`] and not yet closed.
    flattened: usize,
    footnotes: &'f HashMap<String, Content>,
    noted: HashSet<String>,
    inline_paragraphs: bool,
}

impl<'f> Builder<'f> {
    fn new(base: Direction, footnotes: &'f HashMap<String, Content>) -> Self {
        Builder {
            base,
            stack: vec![Frame::new(Kind::Root)],
            flattened: 0,
            footnotes,
            noted: HashSet::new(),
            inline_paragraphs: false,
        }
    }

    fn run(mut self, events: &[Event]) -> Content {
        for event in events {
            self.event(event);
        }
        // Close anything left open, so unbalanced input still yields its text.
        while self.stack.len() > 1 {
            self.close();
        }
        Content::sequence(self.stack.pop().map(|f| f.children).unwrap_or_default())
    }

    fn top(&mut self) -> &mut Frame {
        // The root frame is never popped (see `close`), so the stack is never empty.
        self.stack.last_mut().expect("the root frame stays")
    }

    fn push(&mut self, content: Content) {
        self.top().children.push(content);
    }

    fn event(&mut self, event: &Event) {
        match event {
            Event::Start(_) if self.stack.len() >= MAX_DEPTH => self.flattened += 1,
            Event::End(end) if self.flattened > 0 => {
                self.flattened -= 1;
                if matches!(end, TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) {
                    self.push(SpaceElem::shared().clone());
                }
            }
            Event::Start(tag) => self.open(tag),
            Event::End(_) => self.close(),
            Event::Text(t) => self.text(t),
            Event::Code(t) => {
                self.note_direction(t);
                self.push(RawElem::new(RawContent::Text(t.as_ref().into())).pack());
            }
            Event::SoftBreak => self.push(SpaceElem::shared().clone()),
            Event::HardBreak => self.push(LinebreakElem::shared().clone()),
            Event::Rule => self.push(DividerElem::new().pack()),
            Event::TaskListMarker(done) => self.push(TextElem::packed(if *done {
                "☑\u{a0}"
            } else {
                "☐\u{a0}"
            })),
            Event::FootnoteReference(name) => self.footnote(name),
            // Raw HTML reaches here only when the site lets it through to its pages;
            // a PDF cannot show it, so it is left out (its text events are kept).
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(t),
        }
    }

    fn text(&mut self, t: &str) {
        self.note_direction(t);
        match self.top().kind {
            Kind::Code(_) | Kind::Image(_) | Kind::Html => self.top().text.push_str(t),
            _ => self.push(TextElem::packed(t)),
        }
    }

    /// Records the direction of the first strong letter on every open block still
    /// without one.
    fn note_direction(&mut self, t: &str) {
        if self.top().dir.is_some() {
            return;
        }
        let Some(dir) = Direction::of_text(t) else {
            return;
        };
        for frame in self.stack.iter_mut().rev() {
            if frame.dir.is_some() {
                break;
            }
            frame.dir = Some(dir);
        }
    }

    fn footnote(&mut self, name: &str) {
        let Some(note) = self.footnotes.get(name) else {
            self.push(TextElem::packed(format!("[^{name}]")));
            return;
        };
        let Some(label) = label(name) else { return };
        if !self.noted.insert(name.to_string()) {
            self.push(FootnoteElem::with_label(label).pack());
        } else {
            self.push(
                FootnoteElem::with_content(note.clone())
                    .pack()
                    .labelled(label),
            );
        }
    }

    fn open(&mut self, tag: &Tag) {
        let kind = match tag {
            Tag::Paragraph => {
                if let Some(list) = self
                    .stack
                    .iter_mut()
                    .rev()
                    .find(|f| matches!(f.kind, Kind::List(_)))
                {
                    list.loose = true;
                }
                Kind::Paragraph
            }
            Tag::Heading { level, id, .. } => {
                Kind::Heading(*level, id.as_ref().map(|i| i.to_string()))
            }
            Tag::BlockQuote(_) => Kind::Quote,
            Tag::CodeBlock(kind) => Kind::Code(match kind {
                CodeBlockKind::Fenced(info) => info
                    .split_whitespace()
                    .next()
                    .filter(|l| l.chars().all(|c| c.is_ascii_alphanumeric() || c == '+'))
                    .map(str::to_string),
                CodeBlockKind::Indented => None,
            }),
            Tag::HtmlBlock => Kind::Html,
            Tag::List(start) => Kind::List(*start),
            Tag::Item => Kind::Item,
            Tag::Emphasis => Kind::Emphasis,
            Tag::Strong => Kind::Strong,
            Tag::Strikethrough => Kind::Strike,
            Tag::Link { dest_url, .. } => Kind::Link(dest_url.to_string()),
            Tag::Image { dest_url, .. } => Kind::Image(dest_url.to_string()),
            Tag::Table(alignments) => Kind::Table(alignments.clone()),
            Tag::TableHead => Kind::Head,
            Tag::TableRow => Kind::Row,
            Tag::TableCell => Kind::Cell,
            _ => Kind::Other,
        };
        self.stack.push(Frame::new(kind));
    }

    fn close(&mut self) {
        if self.stack.len() <= 1 {
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        let base = self.base;
        let dir = frame.dir;
        let inline = || Content::sequence(frame.children.iter().cloned());
        let content = match &frame.kind {
            Kind::Root | Kind::Other => inline(),
            Kind::Paragraph if self.inline_paragraphs => {
                Content::sequence([inline(), ParbreakElem::shared().clone()])
            }
            Kind::Paragraph => directed(ParElem::new(inline()).pack(), dir, base),
            Kind::Heading(level, id) => {
                // Level 1 and 2 inside a body sit under the article's own title.
                let depth = (*level as usize + 1).clamp(3, 6);
                let heading = HeadingElem::new(inline())
                    .with_depth(NonZeroUsize::new(depth).unwrap_or(NonZeroUsize::MIN))
                    .with_outlined(false)
                    .with_bookmarked(Smart::Custom(false))
                    .pack();
                let heading = match id.as_deref().and_then(label) {
                    Some(l) => heading.labelled(l),
                    None => heading,
                };
                directed(heading, dir, base)
            }
            Kind::Quote => QuoteElem::new(inline()).with_block(true).pack(),
            Kind::Code(lang) => {
                let text = frame.text.strip_suffix('\n').unwrap_or(&frame.text);
                let mut raw = RawElem::new(RawContent::Text(text.into())).with_block(true);
                if let Some(lang) = lang {
                    raw.lang.set(Some(lang.as_str().into()));
                }
                raw.pack()
            }
            Kind::Html => {
                let lines = frame
                    .text
                    .trim_end()
                    .lines()
                    .enumerate()
                    .flat_map(|(i, l)| {
                        let brk = (i > 0).then(|| LinebreakElem::shared().clone());
                        brk.into_iter().chain([TextElem::packed(l)])
                    });
                directed(ParElem::new(Content::sequence(lines)).pack(), dir, base)
            }
            Kind::List(start) => {
                let items = frame.children.iter().cloned();
                let list = match start {
                    None => ListElem::new(items.map(|c| Packed::new(ListItem::new(c))).collect())
                        .with_tight(!frame.loose)
                        .pack(),
                    Some(n) => {
                        EnumElem::new(items.map(|c| Packed::new(EnumItem::new(c))).collect())
                            .with_tight(!frame.loose)
                            .with_start(Smart::Custom(*n))
                            .pack()
                    }
                };
                // Markers go on the side the list's first item starts from.
                directed(list, dir, base)
            }
            // Items follow their list, so markers stay on one side; bidi orders the
            // words of an item in the other script.
            Kind::Item => inline(),
            Kind::Emphasis => EmphElem::new(inline()).pack(),
            Kind::Strong => StrongElem::new(inline()).pack(),
            Kind::Strike => StrikeElem::new(inline()).pack(),
            Kind::Link(dest) => link(dest, inline()),
            Kind::Image(dest) => {
                let alt = frame.text.trim();
                let described = if alt.is_empty() {
                    "[image]".to_string()
                } else {
                    format!("[image: {alt}]")
                };
                let shown = EmphElem::new(TextElem::packed(described)).pack();
                if dest.is_empty() {
                    shown
                } else {
                    Content::sequence([shown, printed_url(dest)])
                }
            }
            Kind::Cell => directed(inline(), dir, base),
            Kind::Row => {
                if let Some(table) = self.stack.last_mut() {
                    table.rows.push(frame.children);
                }
                return;
            }
            Kind::Head => {
                if let Some(table) = self.stack.last_mut() {
                    table.head = frame.children;
                }
                return;
            }
            Kind::Table(alignments) => table(alignments, frame.head, frame.rows),
        };
        self.push(content);
    }
}

/// A link: inside the pack (`#anchor`) to its label, outside to its URL, printed after
/// the text unless the text is the URL already.
fn link(dest: &str, body: Content) -> Content {
    if let Some(anchor) = dest.strip_prefix('#') {
        return match label(anchor) {
            Some(l) => LinkElem::new(LinkTarget::Label(l), body).pack(),
            None => body,
        };
    }
    let Ok(url) = Url::new(dest) else {
        return body;
    };
    let shows_url = body.plain_text().trim() == dest.trim();
    let linked = LinkElem::new(LinkTarget::Dest(typst::model::Destination::Url(url)), body).pack();
    if shows_url {
        linked
    } else {
        Content::sequence([linked, printed_url(dest)])
    }
}

/// ` (https://…)`, a little smaller than the text, and a link itself.
fn printed_url(dest: &str) -> Content {
    let Ok(url) = Url::new(dest) else {
        return Content::empty();
    };
    let shown = LinkElem::new(
        LinkTarget::Dest(typst::model::Destination::Url(url)),
        TextElem::packed(dest),
    )
    .pack();
    Content::sequence([TextElem::packed(" ("), shown, TextElem::packed(")")])
        .set(TextElem::size, TextSize(Em::new(0.85).into()))
}

fn table(alignments: &[MdAlignment], head: Vec<Content>, rows: Vec<Vec<Content>>) -> Content {
    let columns = alignments
        .len()
        .max(head.len())
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    let cell = |body: Content, column: usize| {
        let mut cell = TableCell::new(body);
        let align = match alignments.get(column) {
            Some(MdAlignment::Center) => Some(Alignment::CENTER),
            Some(MdAlignment::Right) => Some(Alignment::END),
            _ => None,
        };
        if let Some(a) = align {
            cell.align.set(Smart::Custom(a));
        }
        TableItem::Cell(Packed::new(cell))
    };
    let padded = |cells: Vec<Content>, strong: bool| {
        let n = cells.len();
        cells
            .into_iter()
            .chain(std::iter::repeat_n(
                Content::empty(),
                columns.saturating_sub(n),
            ))
            .take(columns)
            .enumerate()
            .map(|(i, c)| cell(if strong { StrongElem::new(c).pack() } else { c }, i))
            .collect::<Vec<_>>()
    };
    let mut children = Vec::with_capacity(1 + rows.len() * columns);
    if !head.is_empty() {
        let header = TableHeader::new(padded(head, true));
        children.push(TableChild::Header(Packed::new(header)));
    }
    for row in rows {
        children.extend(padded(row, false).into_iter().map(TableChild::Item));
    }
    TableElem::new(children)
        .with_columns(TrackSizings(
            std::iter::repeat_n(Sizing::Auto, columns).collect(),
        ))
        .pack()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::markdown::{MarkdownOptions, parser_options};
    use pulldown_cmark::Parser;

    fn count<E: NativeElement>(c: &Content) -> usize {
        let mut n = 0;
        let _ = c.traverse(&mut |e| -> std::ops::ControlFlow<()> {
            n += usize::from(e.to_packed::<E>().is_some());
            std::ops::ControlFlow::Continue(())
        });
        n
    }

    fn content(markdown: &str) -> Content {
        let options = MarkdownOptions {
            smart_punctuation: true,
            unsafe_html: false,
            keep_text: false,
        };
        let events: Vec<Event> = Parser::new_ext(markdown, parser_options(&options)).collect();
        body(&events, Direction::Ltr)
    }

    #[test]
    fn typst_syntax_in_markdown_is_text() {
        let c = content("#panic() $x$ @r #{1} \\#x\n\n= h\n");
        assert_eq!(c.plain_text().trim(), "#panic() $x$ @r #{1} #x= h");
    }

    #[test]
    fn headings_keep_their_ids_as_labels_and_stay_out_of_the_outline() {
        let events = vec![
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id: Some("article-a--figures".into()),
                classes: vec![],
                attrs: vec![],
            }),
            Event::Text("Figures".into()),
            Event::End(TagEnd::Heading(HeadingLevel::H2)),
        ];
        let c = body(&events, Direction::Ltr);
        let heading = c
            .query_first_naive(&HeadingElem::ELEM.select())
            .expect("a heading");
        assert_eq!(heading.label(), label("article-a--figures"));
        let heading = heading.to_packed::<HeadingElem>().unwrap();
        assert_eq!(heading.depth.as_option().map(|d| d.get()), Some(3));
        assert_eq!(heading.outlined.as_option(), &Some(false));
    }

    #[test]
    fn a_paragraph_in_the_other_direction_is_laid_out_that_way() {
        let c = content("English.\n\nپاکستان اور روس\n");
        let rtl = format!("{c:?}");
        assert_eq!(rtl.matches("dir").count(), 1, "{rtl}");
    }

    #[test]
    fn nesting_deeper_than_the_limit_is_flattened_but_keeps_its_text() {
        let c = content(&format!("{}the bottom\n", "> ".repeat(10_000)));
        assert!(c.plain_text().contains("the bottom"));
        let quotes = count::<QuoteElem>(&c);
        assert!(quotes < MAX_DEPTH, "{quotes} quotes");
    }

    #[test]
    fn a_footnote_carries_its_text_and_a_second_reference_points_at_it() {
        let c = content("A[^n] and again[^n].\n\n[^n]: The note.\n");
        assert_eq!(count::<FootnoteElem>(&c), 2);
        assert!(c.plain_text().contains("The note."));
    }
}
