//! ASCII text eight bytes at a time: most of a Latin-script page is short words of ASCII
//! letters and digits, and looking at them one byte at a time was most of the search
//! index's analysis. Each helper works on bytes read sixteen at a time from the text
//! ([`window`]), as ordinary integer arithmetic on the bytes side by side.
//!
//! The helpers are small and marked `#[inline]`: each word calls several, and a build
//! without link-time optimization (the quick profile, the examples) otherwise calls them
//! across codegen units, `splat` alone then taking an eighth of the analysis.
//!
//! The tricks rely on one fact: in an ASCII byte the top bit is clear, so adding less
//! than 0x80 to it never carries into the next byte, and the top bit of the sum tells
//! whether the byte was at least some value.

/// The top bit of each of eight bytes.
const TOP: u64 = 0x8080_8080_8080_8080;

/// Each of eight bytes holding `b`.
#[inline]
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

/// The sixteen bytes of `bytes` from `at`, the first in the lowest bits; past the end of
/// `bytes`, zeros (which are no letter, digit or lead byte).
#[inline]
pub(super) fn window(bytes: &[u8], at: usize) -> u128 {
    match bytes.get(at..at + 16) {
        Some(window) => u128::from_le_bytes(window.try_into().expect("sixteen bytes")),
        None => {
            let rest = &bytes[at.min(bytes.len())..];
            let mut window = [0; 16];
            window[..rest.len()].copy_from_slice(rest);
            u128::from_le_bytes(window)
        }
    }
}

/// The top bit of each byte of `x` that lies in `low..=high` (both below 0x80), for
/// bytes whose own top bit is clear.
#[inline]
fn in_range(x: u64, low: u8, high: u8) -> u64 {
    x.wrapping_add(splat(0x80 - low)) & !x.wrapping_add(splat(0x7F - high)) & TOP
}

/// The top bit of each of the eight bytes of `x` that is an ASCII letter or digit.
#[inline]
fn alphanumeric(x: u64) -> u64 {
    let ascii = !x & TOP;
    let clear = x & !TOP;
    // `| 0x20` makes capitals small letters (and moves no other byte into a..=z).
    let letter = in_range(clear | splat(0x20), b'a', b'z');
    let digit = in_range(clear, b'0', b'9');
    (letter | digit) & ascii
}

/// How many of the sixteen bytes of `window` from its first are ASCII letters or digits
/// (16 when all are).
#[inline]
pub(super) fn alphanumeric_run(window: u128) -> usize {
    let other = |x: u64| !alphanumeric(x) & TOP;
    let low = other(window as u64);
    if low != 0 {
        return low.trailing_zeros() as usize / 8;
    }
    8 + (other((window >> 64) as u64).trailing_zeros() as usize / 8).min(8)
}

/// The sixteen bytes of `window` (ASCII letters and digits) in lower case, and whether
/// any was a capital.
#[inline]
pub(super) fn lower_case(window: u128) -> (u128, bool) {
    let lower = |x: u64| {
        let upper = in_range(x, b'A', b'Z');
        // A capital's top bit, moved to 0x20, is what makes it small.
        (x | upper >> 2, upper != 0)
    };
    let (low, low_upper) = lower(window as u64);
    let (high, high_upper) = lower((window >> 64) as u64);
    (
        u128::from(low) | u128::from(high) << 64,
        low_upper | high_upper,
    )
}

/// The first `len` (at most 15) bytes of `window`, the others zero.
#[inline]
pub(super) fn first_bytes(window: u128, len: usize) -> u128 {
    window & ((1 << (8 * len)) - 1)
}

/// The top bit of each of the eight bytes of `x` that is `0xE0` or more: its top three
/// bits set. Shifting moves a byte's sixth and fifth bits to its top one (what crosses
/// into the next byte lands below that byte's top bit, which the mask drops).
#[inline]
fn long_leads(x: u64) -> u64 {
    x & x << 1 & x << 2 & TOP
}

/// Where in `bytes` the first byte of `0xE0` or more is: the lead byte of a character of
/// three or four bytes. Thirty-two bytes are looked at together, eight to a number.
pub(super) fn first_long_lead(bytes: &[u8]) -> Option<usize> {
    let word = |chunk: &[u8]| u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
    let mut chunks = bytes.chunks_exact(32);
    let mut at = 0;
    for chunk in &mut chunks {
        let any = chunk
            .chunks_exact(8)
            .fold(0, |any, eight| any | long_leads(word(eight)));
        if any != 0 {
            break;
        }
        at += 32;
    }
    bytes[at..].iter().position(|&b| b >= 0xE0).map(|i| at + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_byte_is_classed_as_the_standard_library_classes_it() {
        for b in 0..=255u8 {
            for at in 0..16 {
                let mut bytes = [b'a'; 16];
                bytes[at] = b;
                let w = u128::from_le_bytes(bytes);
                let run = if b.is_ascii_alphanumeric() { 16 } else { at };
                assert_eq!(alphanumeric_run(w), run, "byte {b:#x} at {at}");
                if b.is_ascii_alphanumeric() {
                    let mut lower = bytes;
                    lower.make_ascii_lowercase();
                    let (folded, upper) = lower_case(w);
                    assert_eq!(folded.to_le_bytes(), lower, "byte {b:#x}");
                    assert_eq!(upper, b.is_ascii_uppercase());
                }
            }
        }
    }

    #[test]
    fn a_window_past_the_end_is_zeros() {
        let w = window(b"Gwadar", 0);
        assert_eq!(&w.to_le_bytes()[..7], b"Gwadar\0");
        assert_eq!(alphanumeric_run(w), 6);
        assert_eq!(window(b"ab", 2), 0);
        assert_eq!(first_bytes(window(b"Gwadar port", 0), 6), w);
    }

    #[test]
    fn the_first_long_lead_is_found_in_any_chunk() {
        let text = "a".repeat(40) + "中" + "ملاقات";
        assert_eq!(first_long_lead(text.as_bytes()), Some(40));
        assert_eq!(first_long_lead("ملاقات Russia".as_bytes()), None);
        // Before, in and after each run of thirty-two bytes; two-byte characters (Cyrillic,
        // Arabic) are no long lead wherever they fall.
        for at in 0..100 {
            for long in ["中", "😀"] {
                let text = format!("{}{long}", "x".repeat(at));
                assert_eq!(first_long_lead(text.as_bytes()), Some(at), "{long} at {at}");
            }
            let text = format!("{}жپ", "x".repeat(at));
            assert_eq!(first_long_lead(text.as_bytes()), None, "at {at}");
        }
    }
}
