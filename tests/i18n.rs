//! A briefing in Urdu or Russian: the writer says `language: ur` (or lists `languages:`) and
//! every page comes out right-to-left where it should, in the theme's words of that
//! language, with dates and counts as its readers write them.

mod common;

use common::{Fixture, Page, Site};

/// The text of the first element matching `css`, whitespace collapsed.
fn text(page: &Page, css: &str) -> String {
    page.texts(css)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("nothing matches {css}"))
}

fn failing_build(fixture: &Fixture) -> String {
    let out = fixture.attache(&["build"]);
    assert!(!out.status.success(), "the build should fail");
    assert!(!fixture.path("public").exists(), "nothing may be written");
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn html_lang_dir(site: &Site, file: &str) -> (String, String) {
    let page = site.html(file);
    let html = page.select("html");
    let attr = |name: &str| html[0].value().attr(name).unwrap_or_default().to_string();
    (attr("lang"), attr("dir"))
}

#[test]
fn an_urdu_site_is_right_to_left_on_every_page() {
    let site = Fixture::new("urdu").build(&[]);
    let pages = site.html_files();
    assert!(pages.len() > 20, "{pages:?}");
    for file in &pages {
        assert_eq!(
            html_lang_dir(&site, file),
            ("ur".to_string(), "rtl".to_string()),
            "{file}"
        );
    }
    let feed = site.text("atom.xml");
    assert!(feed.contains(r#"xml:lang="ur""#), "{feed}");
}

#[test]
fn an_urdu_site_speaks_urdu() {
    let site = Fixture::new("urdu").build(&[]);
    let home = site.html("index.html");
    assert_eq!(
        home.texts(".site-nav ul a"),
        ["موضوعات", "ٹائم لائن", "شخصیات", "ادارے", "ٹیگز", "تعارف"]
    );
    assert_eq!(text(&home, ".skip-link"), "مرکزی مواد پر جائیں");
    assert_eq!(text(&home, ".site-search button"), "تلاش کریں");
    assert_eq!(text(&home, "#home-latest-title"), "تازہ ترین مضامین");
    assert_eq!(
        home.attrs(".site-nav", "aria-label"),
        ["مرکزی فہرست"],
        "aria-labels are translated too"
    );

    let article = site.html("articles/khorev-meets-business-leaders/index.html");
    assert_eq!(text(&article, "#key-points-title"), "اہم نکات");
    assert_eq!(text(&article, "#sources-title"), "ذرائع");
    assert_eq!(
        article.texts(".article-meta dt"),
        [
            "تاریخِ اشاعت",
            "مقام",
            "مطالعے کا وقت",
            "موضوعات",
            "شخصیات",
            "ادارے",
            "ٹیگز"
        ]
    );
    assert_eq!(text(&article, ".toc-title"), "فہرست");
    // Dates with Urdu month names, as CLDR writes an Urdu date.
    assert_eq!(text(&article, ".article-meta time"), "15 جنوری، 2025");
    // Names in another script keep their own direction inside Urdu text.
    assert!(
        article
            .texts(".article-meta bdi")
            .contains(&"Ahsan Zafar Bakhtawari".to_string())
    );
    assert_eq!(
        text(&site.html("404.html"), "h1"),
        "صفحہ نہیں ملا",
        "titles attache gives its own pages are in Urdu"
    );

    let timeline = site.html("timeline/index.html");
    assert_eq!(text(&timeline, "h1"), "ٹائم لائن");
    assert_eq!(timeline.texts(".month-index a"), ["جنوری", "مئی"]);
    assert_eq!(text(&timeline, ".page-intro"), "3 مضامین، تازہ ترین پہلے۔");
    let topics = site.html("topics/index.html");
    assert_eq!(
        topics.texts(".topic-card-count"),
        ["2 مضامین", "1 مضمون", "1 مضمون"]
    );
}

#[test]
fn a_russian_site_counts_and_dates_in_russian() {
    let site = Fixture::new("russian").build(&[]);
    assert_eq!(
        html_lang_dir(&site, "index.html"),
        ("ru".to_string(), "ltr".to_string())
    );
    let topics = site.html("topics/index.html");
    assert_eq!(
        topics.texts(".topic-card-count"),
        ["5 статей", "3 статьи", "1 статья"]
    );
    assert_eq!(
        text(&topics, ".page-intro"),
        "3 темы. На странице каждой темы — положение дел и все статьи о ней."
    );
    let timeline = site.html("timeline/index.html");
    // A month name is nominative; a date inside a sentence genitive.
    assert_eq!(
        timeline.texts(".month-index a"),
        ["Январь", "Ноябрь", "Май", "Август", "Март"]
    );
    let year = site.html("timeline/2024/index.html");
    assert_eq!(year.texts(".month-group h2"), ["Ноябрь", "Май"]);
    let dates = year.texts(".card-meta time");
    assert_eq!(dates[1], "9 мая 2024 г.");
    // CLDR keeps «г.» on the line of the year with a narrow no-break space.
    assert!(
        site.text("timeline/2025/index.html")
            .contains("15 января 2025\u{202f}г.")
    );
    assert_eq!(text(&timeline, ".page-intro"), "5 статей, сначала новые.");
    let article = site.html("articles/pervaya/index.html");
    assert_eq!(text(&article, "#key-points-title"), "Главное");
    assert_eq!(
        article.texts(".article-meta dt"),
        ["Опубликовано", "Место", "Время чтения", "Темы", "Персоны"]
    );
}

#[test]
fn a_site_replaces_one_theme_word_and_keeps_the_others() {
    let f = Fixture::new("urdu");
    f.write("i18n/ur.yaml", "key_points: خلاصہ\n");
    let site = f.build(&[]);
    let article = site.html("articles/khorev-meets-business-leaders/index.html");
    assert_eq!(text(&article, "#key-points-title"), "خلاصہ");
    assert_eq!(text(&article, "#sources-title"), "ذرائع");
}

#[test]
fn a_word_missing_from_a_language_names_the_file_and_the_key() {
    let f = Fixture::new("basic");
    f.write(
        "site.yaml",
        &f.read("site.yaml").replace("language: en", "language: de"),
    );
    // A German site brings its own words; this file forgot one.
    let english = std::fs::read_to_string(common::repo().join("themes/briefing/i18n/en.yaml"))
        .unwrap()
        .replace("key_points: Key points\n", "")
        .replace("Sources", "Quellen");
    f.write("i18n/de.yaml", &english);
    let stderr = failing_build(&f);
    assert!(
        stderr.contains("i18n/de.yaml") && stderr.contains("`key_points` is missing for de"),
        "{stderr}"
    );
}

#[test]
fn a_template_asking_for_an_unknown_word_names_the_template_and_the_word() {
    let f = Fixture::new("basic");
    f.write(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ t.page_not_fuond }}</h1>\n{% endblock content %}\n",
    );
    let stderr = failing_build(&f);
    assert!(stderr.contains("templates/404.html:3:10"), "{stderr}");
    assert!(stderr.contains("`t.page_not_fuond`"), "{stderr}");
    assert!(
        stderr.contains("did you mean `t.page_not_found`?"),
        "{stderr}"
    );
}

#[test]
fn a_bad_language_code_is_pointed_at_in_site_yaml() {
    let f = Fixture::new("russian");
    f.write(
        "site.yaml",
        &f.read("site.yaml").replace(
            "  - {code: ru, name: Русский}",
            "  - {code: ru, name: Русский}\n  - {code: \"русский\", name: Русский}",
        ),
    );
    let stderr = failing_build(&f);
    assert!(stderr.contains("site.yaml:6:6"), "{stderr}");
    assert!(
        stderr.contains("`русский` is not a language code"),
        "{stderr}"
    );
}

#[test]
fn a_language_listed_twice_is_pointed_at() {
    let f = Fixture::new("russian");
    f.write(
        "site.yaml",
        &f.read("site.yaml").replace(
            "  - {code: ru, name: Русский}",
            "  - {code: ru, name: Русский}\n  - {code: RU, name: Снова}",
        ),
    );
    let stderr = failing_build(&f);
    assert!(stderr.contains("site.yaml:6:6"), "{stderr}");
    assert!(stderr.contains("`ru` is listed twice"), "{stderr}");
}
