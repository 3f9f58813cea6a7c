//! Briefing packs as pages of the site: a reader opens `/topics/<id>/pack/` or `/pack/`,
//! sees the whole topic (or briefing) as one document, and prints it from the browser. With
//! `packs.pdf: true` the build also puts the typeset `pack.pdf` beside each pack page.

mod common;

use std::process::Command;

use common::{Fixture, Page, Site};

/// The `pack` fixture with `extra` appended to its site.yaml.
fn pack_site(extra: &str) -> Fixture {
    let site = Fixture::new("pack");
    if !extra.is_empty() {
        let config = site.read("site.yaml");
        site.write("site.yaml", &format!("{config}{extra}"));
    }
    site
}

/// The titles of the articles printed in a pack page, in order.
fn article_titles(page: &Page) -> Vec<String> {
    page.texts("main article.pack-part > header h2")
}

#[test]
fn a_topic_pack_page_has_a_cover_contents_and_every_article_newest_first() {
    let public = pack_site("").build(&[]);
    let ports = public.html("topics/ports/pack/index.html");

    // The cover: site title, pack title, "as of" (the overview's update is the newest), language.
    assert_eq!(ports.texts("header.pack-cover .kicker"), ["Harbour Watch"]);
    assert_eq!(ports.texts("main h1"), ["Ports"]);
    assert_eq!(
        ports.attrs("header.pack-cover time", "datetime"),
        ["2025-03-01"]
    );
    let facts = ports.texts("header.pack-cover dd");
    assert!(facts.contains(&"English".to_string()), "{facts:?}");
    assert!(
        facts.contains(&"3 articles, 4 sources".to_string()),
        "{facts:?}"
    );

    // The contents lead to every part; the articles come newest first.
    let titles = [
        "Dredging begins in the south channel",
        "Cranes ordered for the north harbour",
        "The north harbour opens",
    ];
    assert_eq!(
        ports.texts("nav.pack-contents li li a"),
        titles.map(String::from)
    );
    assert_eq!(article_titles(&ports), titles.map(String::from));
    assert_eq!(
        ports.attrs("nav.pack-contents a", "href"),
        [
            "#topic-ports",
            "#article-dredging-begins",
            "#article-crane-order",
            "#article-harbour-opens",
            "#pack-sources",
            "#pack-names"
        ]
    );

    // The overview first, then each article in its own part, with its metadata and key points.
    let parts = ports.attrs("main > .pack-part", "id");
    assert_eq!(
        parts,
        [
            "topic-ports",
            "article-dredging-begins",
            "article-crane-order",
            "article-harbour-opens",
            "pack-sources",
            "pack-names"
        ]
    );
    assert!(
        ports
            .texts("#topic-ports .prose p")
            .iter()
            .any(|p| p.contains("Both harbours are busy."))
    );
    assert_eq!(
        ports.texts("#article-crane-order .key-points li"),
        ["Four cranes were ordered."]
    );
    assert_eq!(
        ports.attrs("#article-dredging-begins .article-meta time", "datetime"),
        ["2025-02-10", "2025-02-12"]
    );
    // The article's body keeps its headings, one level under the article's title.
    assert_eq!(ports.texts("#article-crane-order .prose h3"), ["The order"]);
}

#[test]
fn a_pack_page_has_no_site_navigation_and_is_laid_out_for_print() {
    let public = pack_site("").build(&[]);
    for rel in ["pack/index.html", "topics/ports/pack/index.html"] {
        let page = public.html(rel);
        for chrome in [".site-header", ".site-nav", ".site-footer", ".site-search"] {
            assert!(page.select(chrome).is_empty(), "{rel} has {chrome}");
        }
        let sheets = page.attrs("link[rel=stylesheet]", "href");
        assert_eq!(
            sheets,
            ["/harbours/style.css", "/harbours/pack.css"],
            "{rel}"
        );
        // It repeats pages the site has: search engines are sent to those.
        assert_eq!(page.attrs("meta[name=robots]", "content"), ["noindex"]);
    }
    assert!(!public.text("sitemap.xml").contains("pack/"));

    // The running header: the pack's title in the page margin.
    let ports = public.html("topics/ports/pack/index.html");
    assert_eq!(
        ports.texts("style"),
        [
            "@page { @top-center { content: \"Ports\"; } } @page :first { @top-center { content: none; } }"
        ]
    );
    let css = public.text("pack.css");
    for rule in [
        "@page",
        "counter(page)",
        "break-before: page",
        "@media print",
    ] {
        assert!(css.contains(rule), "pack.css lacks {rule}");
    }
}

#[test]
fn links_inside_the_pack_stay_inside_and_links_out_are_absolute() {
    let public = pack_site("").build(&[]);
    let ports = public.html("topics/ports/pack/index.html");
    let ids: Vec<String> = ports.attrs("[id]", "id");
    for href in ports.attrs("main a[href^='#']", "href") {
        assert!(ids.contains(&href[1..].to_string()), "{href} leads nowhere");
    }
    // The overview's links to articles in the pack, and a link to a heading of one.
    assert_eq!(
        ports.attrs("#topic-ports .prose a", "href"),
        [
            "#article-dredging-begins",
            "#article-crane-order--the-order"
        ]
    );
    let crane = ports.attrs("#article-crane-order .prose a", "href");
    // In the pack: the opening's heading. Not in the ports pack: the quotas article, at
    // its address on the published site. And an address out, marked as one.
    assert!(crane.contains(&"#article-harbour-opens--berths".to_string()));
    assert!(crane.contains(&"https://example.org/harbours/articles/quota-review/".to_string()));
    assert_eq!(
        ports.attrs("#article-crane-order .prose a.url", "href"),
        ["https://board.example.org/"]
    );
    // A topic the pack does not hold is linked on the site.
    assert_eq!(
        ports.attrs("#article-dredging-begins .kicker a", "href"),
        ["#topic-ports", "/harbours/topics/fisheries/"]
    );
}

#[test]
fn every_source_is_listed_once_with_the_articles_that_cite_it() {
    let public = pack_site("").build(&[]);
    let ports = public.html("topics/ports/pack/index.html");
    let titles = ports.texts("#pack-sources li cite");
    assert_eq!(
        titles,
        [
            "Harbour Board notice",
            "Fisheries Office statement",
            "Channel map",
            "Crane Works press release"
        ]
    );
    // The notice is cited by three articles (once with a trailing slash on its address).
    let notice = ports.texts("#source-1 .pack-cited a");
    assert_eq!(
        notice,
        [
            "Dredging begins in the south channel",
            "Cranes ordered for the north harbour",
            "The north harbour opens"
        ]
    );
    assert_eq!(
        ports.texts("#article-crane-order .pack-cites a"),
        ["[1]", "[4]"]
    );
    // The names, each with the articles that name it.
    assert_eq!(
        ports.texts("#pack-names dt"),
        ["Mara Quay", "Tom Hook", "Crane Works", "Harbour Board"]
    );
}

#[test]
fn the_briefing_pack_holds_every_topic_and_article_and_oldest_first_is_a_setting() {
    let public = pack_site("packs:\n  order: oldest-first\n").build(&[]);
    let all = public.html("pack/index.html");
    assert_eq!(all.texts("main h1"), ["The complete briefing"]);
    assert_eq!(
        all.attrs("main > .pack-overview", "id"),
        ["topic-ports", "topic-fisheries"]
    );
    assert_eq!(
        article_titles(&all),
        [
            "The north harbour opens",
            "Fishing quotas under review",
            "Cranes ordered for the north harbour",
            "Dredging begins in the south channel"
        ]
    );
    // In the briefing's pack the quotas article is inside it.
    assert!(
        all.attrs("#article-crane-order .prose a", "href")
            .contains(&"#article-quota-review".to_string())
    );
}

#[test]
fn the_topic_pages_and_the_home_page_link_to_their_packs_and_back() {
    let public = pack_site("").build(&[]);
    let topic = public.html("topics/ports/index.html");
    assert!(
        topic
            .attrs("main a[href]", "href")
            .contains(&"/harbours/topics/ports/pack/".to_string())
    );
    let home = public.html("index.html");
    assert!(
        home.attrs("main a[href]", "href")
            .contains(&"/harbours/pack/".to_string())
    );
    let ports = public.html("topics/ports/pack/index.html");
    assert_eq!(
        ports.attrs(".pack-toolbar a", "href"),
        ["/harbours/topics/ports/"]
    );
    let (broken, followed) =
        common::broken_internal_links(&public, "https://example.org/harbours/");
    assert!(broken.is_empty(), "{broken:?}");
    assert!(followed > 0);
}

#[test]
fn a_site_can_turn_the_pack_pages_off() {
    let public = pack_site("packs:\n  enabled: false\n").build(&[]);
    assert!(!public.files.keys().any(|k| k.contains("pack/")));
    for rel in ["index.html", "topics/ports/index.html"] {
        let links = public.html(rel).attrs("a[href]", "href");
        assert!(
            !links.iter().any(|l| l.contains("pack")),
            "{rel}: {links:?}"
        );
    }
}

#[test]
fn a_topic_with_no_articles_has_a_short_pack_that_says_so() {
    let site = pack_site("");
    site.write(
        "content/topics/shipyards.md",
        "---\ntitle: \"Shipyards\"\nsummary: \"Nothing filed yet.\"\n---\nNo news yet.\n",
    );
    let public = site.build(&[]);
    let page = public.html("topics/shipyards/pack/index.html");
    assert_eq!(page.texts("main h1"), ["Shipyards"]);
    assert!(article_titles(&page).is_empty());
    let said = page.texts(".pack-empty .empty");
    assert_eq!(said.len(), 1);
    assert!(!said[0].is_empty());
    assert_eq!(said, page.texts("nav.pack-contents .empty"));
    assert_eq!(page.select(".pack-empty").len(), 1);
}

#[test]
fn a_title_with_markup_characters_is_printed_as_written_and_cannot_end_the_style() {
    let site = pack_site("");
    let ports = site.read("content/topics/ports.md").replace(
        "title: \"Ports\"",
        "title: \"Ports & <b>Docks</b> \\\"A\\\" </style><script>x()</script>\"",
    );
    site.write("content/topics/ports.md", &ports);
    let public = site.build(&[]);
    let page = public.html("topics/ports/pack/index.html");
    let title = "Ports & <b>Docks</b> \"A\" </style><script>x()</script>";
    assert_eq!(page.texts("main h1"), [title]);
    assert!(page.select("script").is_empty());
    assert!(page.select("main h1 b").is_empty());
    let style = page.texts("style");
    assert_eq!(style.len(), 1);
    assert!(
        style[0].starts_with("@page { @top-center { content: \"Ports \\26 "),
        "{style:?}"
    );
    assert!(
        style[0].ends_with("\"; } } @page :first { @top-center { content: none; } }"),
        "{style:?}"
    );
}

/// The text of a PDF, by `pdftotext` (poppler-utils).
fn pdf_text(path: &std::path::Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-layout".as_ref(), path.as_os_str(), "-".as_ref()])
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn packs_pdf_puts_the_typeset_pack_beside_each_pack_page() {
    let site = pack_site("packs:\n  pdf: true\n");
    let public = site.build(&[]);
    for rel in [
        "pack/pack.pdf",
        "topics/ports/pack/pack.pdf",
        "topics/fisheries/pack/pack.pdf",
    ] {
        assert!(public.files[rel].starts_with(b"%PDF-"), "{rel}");
    }
    let ports = public.html("topics/ports/pack/index.html");
    assert_eq!(
        ports.attrs(".pack-toolbar a[type='application/pdf']", "href"),
        ["/harbours/topics/ports/pack/pack.pdf"]
    );
    // Every article of the topic, in the pack's order.
    let text = pdf_text(&public.dir.join("topics/ports/pack/pack.pdf"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let at: Vec<usize> = [
        "Dredging begins in the south channel",
        "Cranes ordered for the north harbour",
        "The north harbour opens",
    ]
    .iter()
    .map(|t| {
        flat.rfind(t)
            .unwrap_or_else(|| panic!("{t} is not in the PDF"))
    })
    .collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{at:?}");

    // The same PDF as `attache pack` makes of the topic, and the same bytes every build.
    let made = site.attache(&["pack", "--topic", "ports", "-o", "ports.pdf"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert_eq!(
        std::fs::read(site.path("ports.pdf")).unwrap(),
        public.files["topics/ports/pack/pack.pdf"]
    );
    let again = Site::read(&site.path("public"));
    let rebuilt = site.build(&[]);
    assert_eq!(again.files, rebuilt.files);

    // Without the setting there is no PDF and no link to one.
    let plain = pack_site("").build(&[]);
    assert!(!plain.files.keys().any(|k| k.ends_with(".pdf")));
    assert!(
        plain
            .html("topics/ports/pack/index.html")
            .select(".pack-toolbar a[type='application/pdf']")
            .is_empty()
    );
}

#[test]
fn a_bad_packs_setting_is_a_clear_error_on_its_line_and_nothing_is_written() {
    for (extra, at, says) in [
        (
            "packs:\n  pdf: yes-please\n",
            "site.yaml:6:8",
            "expected a boolean",
        ),
        (
            "packs:\n  enabeld: true\n",
            "site.yaml:6:3",
            "unknown field `enabeld`",
        ),
        (
            "packs:\n  order: sideways\n",
            "site.yaml:6:10",
            "`oldest-first`",
        ),
        (
            "packs:\n  enabled: false\n  pdf: true\n",
            "site.yaml:7:3",
            "packs.enabled is false",
        ),
    ] {
        let site = pack_site(extra);
        for command in ["build", "check"] {
            let out = site.attache(&[command]);
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(1), "{extra}: {said}");
            assert!(said.contains(at), "{extra}: should name {at}: {said}");
            assert!(said.contains(says), "{extra}: should say {says}: {said}");
        }
        assert!(!site.path("public").exists());
    }
}

#[test]
fn a_file_of_the_site_where_a_pack_goes_is_refused_by_name() {
    let site = pack_site("packs:\n  pdf: true\n");
    site.write("static/topics/ports/pack/pack.pdf", "%PDF-1.4 not ours\n");
    let out = site.attache(&["build"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("/topics/ports/pack/pack.pdf"), "{said}");
    assert!(!site.path("public").exists());

    let site = pack_site("");
    site.write("static/pack/index.html", "<p>mine</p>\n");
    let out = site.attache(&["build"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("pack/index.html"), "{said}");
    assert!(!site.path("public").exists());
}

#[test]
fn each_language_has_its_own_packs_and_the_urdu_pack_reads_right_to_left() {
    let public = Fixture::new("trilingual").build(&[]);
    // The Urdu edition's trade pack: its own pages only, newest first, right to left.
    let ur = public.html("ur/topics/trade/pack/index.html");
    assert_eq!(ur.attrs("html", "lang"), ["ur"]);
    assert_eq!(ur.attrs("html", "dir"), ["rtl"]);
    assert_eq!(ur.texts("main h1"), ["تجارت"]);
    assert_eq!(
        article_titles(&ur),
        [
            "براہ راست پروازوں کی تجویز",
            "سفیر کی کاروباری رہنماؤں سے ملاقات",
            "ایک پرانی ملاقات"
        ]
    );
    // Topics named in Urdu; links between its articles stay in the pack.
    assert_eq!(ur.texts("#article-flights .kicker a"), ["پروازیں", "تجارت"]);
    assert!(
        ur.attrs("#article-meeting .prose a", "href")
            .contains(&"#article-flights".to_string())
    );
    assert_eq!(
        ur.attrs(".pack-toolbar a", "href"),
        ["/briefing/ur/topics/trade/"]
    );

    // The Russian edition's trade pack holds its two Russian articles.
    let ru = public.html("ru/topics/trade/pack/index.html");
    assert_eq!(ru.attrs("html", "lang"), ["ru"]);
    assert_eq!(ru.attrs("html", "dir"), ["ltr"]);
    assert_eq!(
        article_titles(&ru),
        [
            "Форум в Москве",
            "Посол встретился с представителями бизнеса"
        ]
    );
    // The English one is unchanged by the translations.
    let en = public.html("topics/trade/pack/index.html");
    assert_eq!(
        article_titles(&en),
        [
            "A proposal for direct flights",
            "The ambassador meets business leaders",
            "An older meeting"
        ]
    );

    // Each edition's home and topic pages link to its own packs.
    for (home, pack) in [
        ("index.html", "/briefing/pack/"),
        ("ur/index.html", "/briefing/ur/pack/"),
        ("ru/index.html", "/briefing/ru/pack/"),
    ] {
        assert!(
            public
                .html(home)
                .attrs("main a", "href")
                .contains(&pack.to_string()),
            "{home}"
        );
        assert!(public.has(&format!("{}index.html", &pack["/briefing/".len()..])));
    }
    assert!(
        public
            .html("ur/topics/trade/index.html")
            .attrs("main a", "href")
            .contains(&"/briefing/ur/topics/trade/pack/".to_string())
    );
    assert_eq!(
        public.html("ur/pack/index.html").attrs("html", "dir"),
        ["rtl"]
    );
}

#[test]
fn packs_pdf_typesets_each_language_s_packs_as_attache_pack_lang_does() {
    let site = Fixture::new("trilingual");
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}packs:\n  pdf: true\n"));
    let public = site.build(&[]);
    for rel in [
        "pack/pack.pdf",
        "ur/pack/pack.pdf",
        "ru/topics/trade/pack/pack.pdf",
    ] {
        assert!(public.files[rel].starts_with(b"%PDF-"), "{rel}");
    }
    let text = pdf_text(&public.dir.join("ur/topics/trade/pack/pack.pdf"));
    assert!(!text.contains("An older meeting"), "{text}");
    let made = site.attache(&["pack", "--topic", "trade", "--lang", "ur", "-o", "ur.pdf"]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    assert_eq!(
        std::fs::read(site.path("ur.pdf")).unwrap(),
        public.files["ur/topics/trade/pack/pack.pdf"]
    );
    assert_eq!(
        public
            .html("ur/topics/trade/pack/index.html")
            .attrs(".pack-toolbar a[type='application/pdf']", "href"),
        ["/briefing/ur/topics/trade/pack/pack.pdf"]
    );
}

/// The desk fixture on 1 April 2025 has an article withdrawn in February and one
/// scheduled for June, each naming a person no other article names.
#[test]
fn pages_not_yet_published_or_withdrawn_stay_out_of_the_packs_and_names_show_their_roles() {
    let desk = Fixture::new("desk");
    let public = desk.build(&["--now", "2025-04-01"]);
    for rel in [
        "pack/index.html",
        "topics/trade/pack/index.html",
        "topics/culture/pack/index.html",
    ] {
        let page = public.html(rel);
        let titles = article_titles(&page);
        let names = page.texts(".pack-named dt");
        for gone in ["Withdrawn note", "Embargoed report"] {
            assert!(
                !titles.iter().any(|t| t.contains(gone)),
                "{rel}: {titles:?}"
            );
        }
        for gone in ["Withdrawn Person", "Scheduled Person"] {
            assert!(!names.iter().any(|n| n.contains(gone)), "{rel}: {names:?}");
        }
    }
    // A person with a profile is listed with the role it gives.
    let briefing = public.html("pack/index.html");
    assert!(
        briefing
            .texts(".pack-named dt")
            .contains(&"Albert Khorev, Ambassador of Russia to Pakistan".to_string()),
        "{:?}",
        briefing.texts(".pack-named dt")
    );
    // Reviewing with --future puts the scheduled article in its topic's pack.
    let review = desk.build(&["--now", "2025-04-01", "--future"]);
    let trade = article_titles(&review.html("topics/trade/pack/index.html"));
    assert!(trade.iter().any(|t| t == "Embargoed report"), "{trade:?}");
}

#[test]
fn a_pack_page_is_one_page_however_long_the_lists_are_and_search_leaves_it_out() {
    let paged = pack_site("pagination:\n  per_page: 1\n").build(&[]);
    let whole = pack_site("").build(&[]);
    // The topic's page is cut into pages; its pack still holds every article.
    assert!(paged.has("topics/ports/page/2/index.html"));
    for rel in ["pack/index.html", "topics/ports/pack/index.html"] {
        assert_eq!(
            article_titles(&paged.html(rel)),
            article_titles(&whole.html(rel)),
            "{rel}"
        );
        assert!(article_titles(&paged.html(rel)).len() > 1, "{rel}");
        assert!(paged.html(rel).select("link[rel=next]").is_empty(), "{rel}");
    }
    assert!(!paged.files.keys().any(|k| k.contains("pack/page/")));
    // No file of the search index points at a pack page.
    for (path, bytes) in paged.files.iter().filter(|(k, _)| k.starts_with("search/")) {
        assert!(
            !String::from_utf8_lossy(bytes).contains("pack/"),
            "{path} mentions a pack page"
        );
    }
}
