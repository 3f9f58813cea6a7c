//! Which profile an article's name is filed under, and the name an entity goes by in an
//! edition: by the edition's own profile, or by the `names` of a profile in another
//! language when the edition has no translation of it.

use rustc_hash::FxHashMap;

use super::{Edition, Entity, EntityKind, Site};
use crate::i18n::Lang;
use crate::parse::{Kind, Page};

/// The profiles (positions in an edition's `profiles`, in order) that claim each slug, by
/// kind of profile.
pub(super) type Claimed = FxHashMap<Kind, FxHashMap<String, Vec<usize>>>;

impl Edition {
    /// The profiles of `kind` that claim the name whose slug is `slug`, in file order.
    pub fn profiles_claiming(&self, kind: Kind, slug: &str) -> impl Iterator<Item = &Page> {
        self.claimed
            .get(&kind)
            .and_then(|by_slug| by_slug.get(slug))
            .into_iter()
            .flatten()
            .map(|&p| &self.profiles[p])
    }
}

impl Site {
    /// The name the entity `e` of `kind` in the edition `lang` goes by there (`code` being
    /// that edition's language): its profile's name for the language (`names`), else, when
    /// the edition has no profile of it, the `names` entry a profile in another language
    /// gives, else the name the articles write.
    pub fn entity_name<'a>(
        &'a self,
        lang: Lang,
        kind: EntityKind,
        e: &'a Entity,
        code: &str,
    ) -> &'a str {
        match self.editions[lang].profile_of(e).and_then(Page::profile) {
            Some(m) => m.name_in(code),
            None => self
                .name_elsewhere(lang, kind.profile_kind(), &e.slug, code)
                .map_or(e.name.as_str(), |(_, name)| name),
        }
    }

    /// The profile, in a language other than `lang`, of `kind` that claims the name
    /// `slug` and gives a name in the language `code` (its `names` entry), with that
    /// name: how an edition with no translation of a profile still names the entity as
    /// the profile says to.
    pub fn name_elsewhere(
        &self,
        lang: Lang,
        kind: Kind,
        slug: &str,
        code: &str,
    ) -> Option<(&Page, &str)> {
        self.editions
            .iter()
            .enumerate()
            .filter(|(l, _)| *l != lang)
            .flat_map(|(_, e)| e.profiles_claiming(kind, slug))
            .find_map(|p| Some((p, p.profile()?.names.get(code)?.as_str())))
    }
}

/// Each slug a profile claims (its file name's, its name's, its aliases' and its names'
/// in other languages), by kind, with the profiles claiming it in order.
pub(super) fn claimed_slugs(profiles: &[Page]) -> Claimed {
    let mut claimed = Claimed::default();
    for (i, p) in profiles.iter().enumerate() {
        let Some(meta) = p.profile() else { continue };
        let named = std::iter::once(&meta.name)
            .chain(&meta.aliases)
            .chain(meta.names.values())
            .map(slug::slugify);
        for slug in std::iter::once(p.id.clone()).chain(named) {
            let claimants = claimed.entry(p.kind).or_default().entry(slug).or_default();
            if claimants.last() != Some(&i) {
                claimants.push(i);
            }
        }
    }
    claimed
}
