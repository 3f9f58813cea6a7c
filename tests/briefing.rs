//! The shipped briefing (`content/` of this repository), built with the library, held to
//! the editorial rules in its methodology page: a source without a headline is described,
//! never cited under a made-up title; the report's date is not passed off as the date of
//! the meeting; an article's location is where something happened, not a dateline.

mod common;

use attache::build::{BuildOptions, Built, build};
use common::{Page, repo};
use scraper::Html;

fn briefing() -> Built {
    build(&repo(), &BuildOptions::default()).unwrap_or_else(|e| panic!("{e}"))
}

fn page(built: &Built, path: &str) -> Page {
    let bytes = built
        .output
        .files
        .get(path)
        .unwrap_or_else(|| panic!("no {path} in the output"));
    Page(Html::parse_document(&String::from_utf8_lossy(bytes)))
}

/// The `sources` of an article's front matter, as written.
fn front_matter_sources(rel: &str) -> Vec<serde_yaml::Value> {
    let text = std::fs::read_to_string(repo().join("content").join(rel)).unwrap();
    let split = attache::parse::front_matter::split(&text).unwrap_or_else(|e| panic!("{e:?}"));
    let yaml: serde_yaml::Value = serde_yaml::from_str(split.yaml).unwrap();
    yaml.get("sources")
        .and_then(|s| s.as_sequence())
        .cloned()
        .unwrap_or_default()
}

fn words(text: impl Iterator<Item = impl AsRef<str>>) -> String {
    let joined: String = text.map(|t| t.as_ref().to_string()).collect();
    joined.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn no_page_presents_the_untitled_report_as_a_title() {
    let built = briefing();
    let mut descriptions = Vec::new();
    for article in &built.site.default_edition().articles {
        let sources = front_matter_sources(&article.rel);
        assert!(!sources.is_empty(), "{} cites nothing", article.rel);
        let shown = page(&built, &format!("{}index.html", article.path));
        let items = shown.select(".sources li");
        assert_eq!(items.len(), sources.len(), "{}", article.rel);
        for (source, item) in sources.iter().zip(&items) {
            // The briefing's one report has no headline, so no article may give it one.
            assert!(
                source.get("title").is_none(),
                "{}: the report has no title",
                article.rel
            );
            let description = source
                .get("description")
                .and_then(|d| d.as_str())
                .unwrap_or_else(|| {
                    panic!("{}: an untitled source needs a description", article.rel)
                });
            let sel = scraper::Selector::parse("cite, i, em, b, strong").unwrap();
            assert_eq!(
                item.select(&sel).count(),
                0,
                "{}: the description is shown as a title: {}",
                article.rel,
                item.html()
            );
            assert!(
                words(item.text()).starts_with(description),
                "{}: the source list shows {:?}",
                article.rel,
                words(item.text())
            );
            descriptions.push(description.to_string());
        }
    }
    // Nowhere else (lists, feeds, search) is a description or an invented headline a title.
    for (path, bytes) in &built.output.files {
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.contains("meets Islamabad business leaders"),
            "{path} carries a headline the report does not have"
        );
        if path.ends_with(".html") {
            let html = Page(Html::parse_document(&text));
            for cited in html.texts("cite") {
                assert!(
                    !descriptions.contains(&cited),
                    "{path} cites the description {cited:?} as a title"
                );
            }
        }
    }
}

/// Each `D Month YYYY` in `text`, with the words just before it.
fn dates_with_context(text: &str) -> Vec<(String, String)> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut found = Vec::new();
    for i in 1..tokens.len().saturating_sub(1) {
        let year = tokens[i + 1].trim_end_matches(|c: char| !c.is_ascii_digit());
        if MONTHS.contains(&tokens[i])
            && tokens[i - 1].chars().all(|c| c.is_ascii_digit())
            && year.len() == 4
        {
            let before = tokens[i.saturating_sub(3)..i - 1].join(" ");
            let date = tokens[i - 1..=i + 1].join(" ");
            found.push((before, date));
        }
    }
    found
}

#[test]
fn the_home_page_dates_the_report_and_claims_no_meeting_date() {
    let built = briefing();
    let home = built
        .site
        .default_edition()
        .home
        .as_ref()
        .expect("a home page");
    let shown = page(&built, "index.html");
    let meta_description = shown.attrs("meta[name=description]", "content");
    let mut summaries = vec![home.summary().to_owned()];
    summaries.extend(meta_description);
    for summary in &summaries {
        assert!(!summary.is_empty());
        assert!(
            !summary.contains("2025 meeting"),
            "the report never says when the meeting was: {summary:?}"
        );
        for (before, date) in dates_with_context(summary) {
            assert!(
                ["reported on", "report of", "report dated", "dated"]
                    .iter()
                    .any(|lead| before.ends_with(lead)),
                "{date:?} is given as something other than the report's date: {summary:?}"
            );
        }
    }
}

#[test]
fn no_article_gives_a_dateline_as_the_place_something_happened() {
    let built = briefing();
    for article in &built.site.default_edition().articles {
        let meta = article.article().expect("an article");
        for source in &meta.sources {
            assert!(
                meta.location.is_none() || meta.location != source.dateline,
                "{}: `location` repeats the source's dateline; the report does not say where the meeting was held",
                article.rel
            );
        }
    }
}

/// Each edition names the people and organizations of the meeting in its own script, as
/// its profiles do, whatever spelling the English front matter (which the translations
/// take their `people` from) was written with.
#[test]
fn each_edition_names_the_people_in_its_own_script() {
    let built = briefing();
    let people = |path: &str| page(&built, path).texts(".article-meta a[href*=\"/people/\"]");
    let article = "articles/khorev-meets-pakistani-business-figures/index.html";
    assert_eq!(
        people(article),
        [
            "Albert Khorev",
            "Zafar Bakhtawari",
            "Ahsan Zafar Bakhtawari"
        ]
    );
    assert_eq!(
        people(&format!("ru/{article}")),
        ["Альберт Хорев", "Зафар Бахтавари", "Ахсан Зафар Бахтавари"]
    );
    assert_eq!(
        people(&format!("ur/{article}")),
        ["البرٹ خوریف", "ظفر بختاوری", "احسن ظفر بختاوری"]
    );
    let organizations =
        page(&built, &format!("ur/{article}")).texts(".article-meta a[href*=\"/organizations/\"]");
    assert!(
        organizations.contains(&"یونائیٹڈ بزنس گروپ".to_string()),
        "{organizations:?}"
    );
}

#[test]
fn each_edition_names_the_tags_in_its_own_language() {
    let built = briefing();
    let tags = |path: &str| page(&built, path).texts(".article-meta a[href*=\"/tags/\"]");
    let article = "articles/proposal-for-direct-pakistan-russia-flights/index.html";
    assert_eq!(
        tags(article),
        [
            "Bilateral relations",
            "Direct flights",
            "Trade",
            "Business community"
        ]
    );
    assert_eq!(
        tags(&format!("ur/{article}")),
        [
            "دو طرفہ تعلقات",
            "براہ راست پروازیں",
            "تجارت",
            "کاروباری برادری"
        ]
    );
    assert_eq!(
        tags(&format!("ru/{article}")),
        [
            "Двусторонние отношения",
            "Прямые авиарейсы",
            "Торговля",
            "Деловое сообщество"
        ]
    );
    // Each edition lists them in its own alphabetical order (Urdu's ٹ, پ and ک come after
    // letters that code point order puts them before).
    let index =
        |lang: &str| page(&built, &format!("{lang}tags/index.html")).texts(".entity-list a");
    assert_eq!(
        index("ur/"),
        [
            "انفارمیشن ٹیکنالوجی",
            "ایس سی او",
            "براہ راست پروازیں",
            "تجارت",
            "ثقافتی تبادلہ",
            "دو طرفہ تعلقات",
            "سرمایہ کاری",
            "شجرکاری",
            "کاروباری برادری",
            "ماحولیات"
        ]
    );
    assert_eq!(
        index("ru/")[..4],
        [
            "Двусторонние отношения",
            "Деловое сообщество",
            "Инвестиции",
            "Информационные технологии"
        ]
    );
    // No tag of any edition is shown by its slug.
    for lang in ["", "ur/", "ru/"] {
        let index = page(&built, &format!("{lang}tags/index.html")).texts(".entity-list a");
        assert!(
            index.iter().all(|name| !name.contains('-')),
            "{lang}: {index:?}"
        );
    }
}
