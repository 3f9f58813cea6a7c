//! Ids written in raw HTML (`<a id="x">`, `<h2 id="x">`, `<a name="x">`), which links may
//! point at with `#x` once raw HTML is passed through. The HTML is read with html5ever's
//! tokenizer, as a browser would read it, so quoting and entities are no obstacle.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// Every `id` (and `name` of an `<a>`) in `html`, in document order.
pub(super) fn ids(html: &str) -> Vec<String> {
    let tokenizer = Tokenizer::new(Ids::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.found.take()
}

#[derive(Default)]
struct Ids {
    found: RefCell<Vec<String>>,
}

impl TokenSink for Ids {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        if let Token::TagToken(Tag {
            kind: TagKind::StartTag,
            name,
            attrs,
            ..
        }) = token
        {
            for attr in attrs {
                let local = &*attr.name.local;
                if (local == "id" || (local == "name" && &*name == "a")) && !attr.value.is_empty() {
                    self.found.borrow_mut().push(attr.value.to_string());
                }
            }
        }
        TokenSinkResult::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_anchor_names_are_found() {
        let html = "<a id=\"top\"></a><p>x</p><h2 id='sec&amp;1'>S</h2>\n<a name=old-anchor>o</a><img name=\"no\">";
        assert_eq!(ids(html), ["top", "sec&1", "old-anchor"]);
        assert!(ids("<p>no ids</p> <!-- <a id=\"c\"> -->").is_empty());
    }
}
