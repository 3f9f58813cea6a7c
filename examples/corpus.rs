//! Generates a synthetic briefing corpus for benchmarking attache against Hugo.
//!
//! ```text
//! cargo run --release --example corpus -- -n 10000 --seed 1 \
//!     --out /tmp/bench/attache-10k --hugo-out /tmp/bench/hugo-10k
//! ```
//!
//! `--out DIR` writes an attache site (site.yaml, a copy of the theme, content/), `--hugo DIR`
//! (alias `--hugo-out`) writes the equivalent Hugo 0.111 site (hugo.toml, layouts/ and static/
//! taken from `bench/hugo/`, the same content). Either or both may be given.
//!
//! Output is deterministic: the same `--seed` and `-n` give byte-identical files. All random
//! choices come from one `Pcg64` stream consumed in a fixed order, and nothing iterates a hash map.
//! Both sites are generated from the same in-memory corpus, so their Markdown bodies only differ
//! in how links to other articles are written (see bench/README.md).

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use clap::Parser;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use rayon::prelude::*;

#[derive(Parser, Debug)]
#[command(about = "Generate a synthetic briefing corpus (attache and/or Hugo) for benchmarks")]
struct Args {
    /// Number of articles.
    #[arg(short = 'n', long = "articles", default_value_t = 1000)]
    n: usize,
    /// Seed of the random stream.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write an attache site into this folder.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Write the equivalent Hugo site into this folder.
    #[arg(long = "hugo", visible_alias = "hugo-out")]
    hugo: Option<PathBuf>,
    /// The theme folder copied into the attache site as themes/briefing.
    #[arg(long, default_value = "themes/briefing")]
    theme: PathBuf,
    /// Replace output folders that already hold a generated site.
    #[arg(long)]
    force: bool,
    /// Give every person and organization of the attache site a profile (a name, a
    /// summary, a line of prose): what a desk that keeps profiles builds. The articles are
    /// the same as without.
    #[arg(long)]
    profiles: bool,
}

// Hugo side: layouts and static files live in bench/hugo/ so they can be read and reviewed as
// plain files; they are compiled in so the generator works from any directory.
const HUGO_FILES: &[(&str, &str)] = &[
    (
        "layouts/_default/baseof.html",
        include_str!("../bench/hugo/layouts/_default/baseof.html"),
    ),
    (
        "layouts/_default/single.html",
        include_str!("../bench/hugo/layouts/_default/single.html"),
    ),
    (
        "layouts/_default/page.html",
        include_str!("../bench/hugo/layouts/_default/page.html"),
    ),
    (
        "layouts/_default/list.html",
        include_str!("../bench/hugo/layouts/_default/list.html"),
    ),
    (
        "layouts/_default/terms.html",
        include_str!("../bench/hugo/layouts/_default/terms.html"),
    ),
    (
        "layouts/_default/term.html",
        include_str!("../bench/hugo/layouts/_default/term.html"),
    ),
    (
        "layouts/_default/search.html",
        include_str!("../bench/hugo/layouts/_default/search.html"),
    ),
    (
        "layouts/_default/rss.xml",
        include_str!("../bench/hugo/layouts/_default/rss.xml"),
    ),
    (
        "layouts/index.json",
        include_str!("../bench/hugo/layouts/index.json"),
    ),
    (
        "layouts/index.html",
        include_str!("../bench/hugo/layouts/index.html"),
    ),
    (
        "layouts/404.html",
        include_str!("../bench/hugo/layouts/404.html"),
    ),
    (
        "layouts/partials/card.html",
        include_str!("../bench/hugo/layouts/partials/card.html"),
    ),
    (
        "layouts/partials/topic-card.html",
        include_str!("../bench/hugo/layouts/partials/topic-card.html"),
    ),
    (
        "static/style.css",
        include_str!("../bench/hugo/static/style.css"),
    ),
];

const HUGO_CONFIG: &str = include_str!("../bench/hugo/hugo.toml");

const SITE_YAML: &str = "title: \"Benchmark briefing\"
description: \"Generated corpus\"
base_url: \"https://example.org/\"
language: en
theme: briefing
";

// ---------------------------------------------------------------------------------------------
// Word lists
// ---------------------------------------------------------------------------------------------

struct Topic {
    id: &'static str,
    title: &'static str,
    summary: &'static str,
    /// Noun phrases about the topic, used in titles, headings and sentences.
    phrases: &'static [&'static str],
    /// Adjectives that fit the topic ("energy", "maritime", ...).
    adjs: &'static [&'static str],
}

const TOPICS: &[Topic] = &[
    Topic {
        id: "trade",
        title: "Trade and investment",
        summary: "Bilateral trade, investment, customs and the business community.",
        phrases: &[
            "bilateral trade",
            "investment opportunities",
            "customs procedures",
            "barter trade",
            "export growth",
            "trade financing",
            "joint ventures",
            "market access",
            "business visas",
            "tariff reductions",
        ],
        adjs: &["commercial", "economic", "financial", "industrial"],
    },
    Topic {
        id: "it",
        title: "IT and technology",
        summary: "Information technology, software exports and cooperation in modern technology.",
        phrases: &[
            "software exports",
            "digital payments",
            "technology parks",
            "IT training",
            "data centres",
            "cyber resilience",
            "e-governance",
            "startup incubation",
            "telecom links",
            "research exchanges",
        ],
        adjs: &["digital", "technical", "technological", "online"],
    },
    Topic {
        id: "flights",
        title: "Direct flights",
        summary: "Air links, charter services and the movement of travellers and cargo.",
        phrases: &[
            "direct flights",
            "air connectivity",
            "charter services",
            "landing rights",
            "cargo routes",
            "airport capacity",
            "aviation safety",
            "visa facilitation",
            "passenger traffic",
            "route approvals",
        ],
        adjs: &["aviation", "air", "passenger", "transport"],
    },
    Topic {
        id: "environment",
        title: "Environment",
        summary: "Clean-up drives, tree planting, water and climate adaptation.",
        phrases: &[
            "tree plantation",
            "clean-up drives",
            "air quality",
            "water management",
            "climate adaptation",
            "waste recycling",
            "urban forestry",
            "flood protection",
            "green spaces",
            "emission targets",
        ],
        adjs: &["environmental", "green", "climate", "sustainable"],
    },
    Topic {
        id: "culture",
        title: "Culture and education",
        summary: "Cultural exchange, scholarships, language teaching and public diplomacy.",
        phrases: &[
            "cultural exchange",
            "student scholarships",
            "language courses",
            "film festivals",
            "university partnerships",
            "museum exhibitions",
            "youth delegations",
            "public diplomacy",
            "academic conferences",
            "translation programmes",
        ],
        adjs: &["cultural", "academic", "educational", "artistic"],
    },
    Topic {
        id: "sco",
        title: "Shanghai Cooperation Organization",
        summary: "The SCO, its summits, working groups and public awareness of its work.",
        phrases: &[
            "SCO summits",
            "regional connectivity",
            "SCO working groups",
            "member-state consultations",
            "public awareness of the SCO",
            "observer status",
            "regional security dialogue",
            "SCO business council",
            "ministerial meetings",
            "joint statements",
        ],
        adjs: &[
            "regional",
            "multilateral",
            "intergovernmental",
            "collective",
        ],
    },
    Topic {
        id: "energy",
        title: "Energy",
        summary: "Gas pipelines, power generation, oil supplies and energy security.",
        phrases: &[
            "gas pipelines",
            "power generation",
            "oil supplies",
            "energy security",
            "LNG terminals",
            "grid upgrades",
            "hydropower projects",
            "nuclear cooperation",
            "fuel pricing",
            "refinery investment",
        ],
        adjs: &["energy", "power", "fuel", "industrial"],
    },
    Topic {
        id: "security",
        title: "Security",
        summary: "Counter-terrorism, defence cooperation, border management and joint exercises.",
        phrases: &[
            "counter-terrorism cooperation",
            "joint exercises",
            "border management",
            "defence procurement",
            "maritime security",
            "intelligence sharing",
            "peacekeeping training",
            "arms control",
            "narcotics control",
            "crisis communication",
        ],
        adjs: &["security", "defence", "military", "strategic"],
    },
];

const FIRST_NAMES: &[&str] = &[
    "Ahmed",
    "Aisha",
    "Albert",
    "Alexei",
    "Amina",
    "Anna",
    "Arif",
    "Asma",
    "Bilal",
    "Boris",
    "Dmitry",
    "Ekaterina",
    "Elena",
    "Faisal",
    "Farah",
    "Fatima",
    "Hamza",
    "Hassan",
    "Imran",
    "Irina",
    "Javed",
    "Kamran",
    "Khalid",
    "Lena",
    "Maria",
    "Maxim",
    "Mikhail",
    "Nadia",
    "Natalia",
    "Nikolai",
    "Olga",
    "Omar",
    "Pavel",
    "Rashid",
    "Saima",
    "Sana",
    "Sergei",
    "Shahid",
    "Sofia",
    "Svetlana",
    "Tariq",
    "Tatiana",
    "Usman",
    "Viktor",
    "Yulia",
    "Zafar",
    "Zainab",
    "Zubair",
    "Igor",
    "Kiran",
];

const MIDDLE_NAMES: &[&str] = &[
    "Ali", "Zafar", "Ahmad", "Iqbal", "Hussain", "Rauf", "Nawaz", "Karim",
];

const LAST_NAMES: &[&str] = &[
    "Abbasi",
    "Akhtar",
    "Alekseev",
    "Bakhtawari",
    "Baig",
    "Bhatti",
    "Butt",
    "Chaudhry",
    "Dar",
    "Durrani",
    "Fedorov",
    "Gilani",
    "Hashmi",
    "Ivanov",
    "Jamali",
    "Kazmi",
    "Khan",
    "Khorev",
    "Kuznetsov",
    "Lebedev",
    "Malik",
    "Mirza",
    "Morozov",
    "Naqvi",
    "Novikov",
    "Orlov",
    "Pavlov",
    "Qureshi",
    "Rana",
    "Rizvi",
    "Romanov",
    "Saeed",
    "Sheikh",
    "Siddiqui",
    "Smirnov",
    "Sokolov",
    "Sokolova",
    "Tarar",
    "Volkov",
    "Zaidi",
];

const LOCATIONS: &[&str] = &[
    "Islamabad",
    "Karachi",
    "Lahore",
    "Peshawar",
    "Quetta",
    "Multan",
    "Faisalabad",
    "Gwadar",
    "Rawalpindi",
    "Sialkot",
    "Hyderabad",
    "Moscow",
    "Kazan",
    "Saint Petersburg",
    "Novosibirsk",
    "Astana",
    "Tashkent",
    "Beijing",
    "Shanghai",
    "Dushanbe",
    "Bishkek",
    "Tehran",
    "Sochi",
    "Yekaterinburg",
    "Vladivostok",
    "Almaty",
    "Samarkand",
    "Ufa",
];

const ORG_PLACES: &[&str] = &[
    "Islamabad",
    "Karachi",
    "Lahore",
    "Peshawar",
    "Quetta",
    "Multan",
    "Sialkot",
    "Gwadar",
    "Moscow",
    "Kazan",
    "Saint Petersburg",
    "Tashkent",
    "Astana",
    "Eurasian",
    "Pakistan",
    "Russian",
];

const ORG_FIELDS: &[&str] = &[
    "Trade",
    "Energy",
    "Aviation",
    "Technology",
    "Education",
    "Culture",
    "Security",
    "Investment",
    "Logistics",
    "Textile",
    "Agriculture",
    "Water",
    "Mining",
    "Banking",
    "Shipping",
    "Tourism",
];

const ORG_BODIES: &[&str] = &[
    "Council",
    "Association",
    "Authority",
    "Board",
    "Forum",
    "Institute",
    "Commission",
    "Federation",
    "Alliance",
    "Corporation",
    "Foundation",
    "Agency",
];

const TAG_WORDS: &[&str] = &[
    "trade",
    "investment",
    "energy",
    "gas",
    "oil",
    "pipelines",
    "aviation",
    "flights",
    "visas",
    "customs",
    "banking",
    "payments",
    "textiles",
    "wheat",
    "agriculture",
    "fisheries",
    "ports",
    "railways",
    "roads",
    "logistics",
    "education",
    "scholarships",
    "culture",
    "film",
    "music",
    "sports",
    "tourism",
    "health",
    "pharmaceuticals",
    "water",
    "climate",
    "forestry",
    "recycling",
    "security",
    "defence",
    "border",
    "narcotics",
    "terrorism",
    "diplomacy",
    "parliament",
    "elections",
    "media",
    "technology",
    "software",
    "telecom",
    "startups",
    "research",
    "space",
    "nuclear",
    "hydropower",
    "solar",
    "wind",
    "mining",
    "steel",
    "chemicals",
    "sanctions",
    "barter",
    "tariffs",
    "summits",
    "treaties",
    "consulates",
    "embassies",
    "youth",
    "women",
    "labour",
    "migration",
];

const TAG_QUALIFIERS: &[&str] = &[
    "bilateral",
    "regional",
    "joint",
    "cross-border",
    "business",
    "public",
    "private",
    "state",
    "local",
    "provincial",
    "federal",
    "international",
    "sco",
    "eurasian",
    "green",
    "digital",
];

const PUBLISHERS: &[&str] = &[
    "The Daily Ledger",
    "Capital Observer",
    "Frontier Post Review",
    "Evening Courier",
    "The Business Recorder",
    "Eurasia Wire",
    "Northern Gazette",
    "Policy Monitor",
    "The Morning Herald",
    "Regional Times",
    "Trade Bulletin",
    "The Diplomatic Note",
    "Riverside Chronicle",
    "The Steppe Journal",
    "Metro Dispatch",
    "Continental Digest",
    "The Civic Review",
    "Harbour News",
    "Highland Tribune",
    "The Weekly Brief",
];

const GROUPS: &[&str] = &[
    "officials",
    "the delegation",
    "the ministry",
    "business leaders",
    "the working group",
    "analysts",
    "the joint commission",
    "senior diplomats",
    "the embassy",
    "industry representatives",
    "the provincial government",
    "both sides",
    "the organisers",
    "local traders",
    "the committee",
    "the visiting team",
    "the chamber",
    "regulators",
    "the two governments",
    "participants",
];

const VERBS_PAST: &[&str] = &[
    "discussed",
    "reviewed",
    "proposed",
    "welcomed",
    "outlined",
    "endorsed",
    "examined",
    "highlighted",
    "questioned",
    "announced",
    "criticised",
    "supported",
    "postponed",
    "finalised",
    "assessed",
    "prioritised",
    "revisited",
    "presented",
    "considered",
    "described",
];

const VERBS_BASE: &[&str] = &[
    "review",
    "expand",
    "support",
    "consider",
    "finalise",
    "fund",
    "monitor",
    "extend",
    "simplify",
    "strengthen",
    "accelerate",
    "coordinate",
    "publish",
    "revise",
    "evaluate",
    "launch",
];

const SPEECH: &[&str] = &[
    "said",
    "noted",
    "argued",
    "stressed",
    "suggested",
    "told reporters",
    "confirmed",
    "acknowledged",
    "insisted",
    "explained",
    "pointed out",
    "added",
];

const ADJS: &[&str] = &[
    "bilateral",
    "regional",
    "long-term",
    "preliminary",
    "comprehensive",
    "practical",
    "joint",
    "strategic",
    "modest",
    "ambitious",
    "technical",
    "renewed",
    "sustained",
    "limited",
    "formal",
    "informal",
    "new",
    "existing",
    "broader",
    "detailed",
    "revised",
    "initial",
    "annual",
    "phased",
];

const NOUNS: &[&str] = &[
    "agreement",
    "framework",
    "roadmap",
    "proposal",
    "initiative",
    "memorandum",
    "partnership",
    "programme",
    "mechanism",
    "timeline",
    "budget",
    "investment plan",
    "working group",
    "feasibility study",
    "pilot project",
    "consultation",
    "exchange",
    "review",
    "forum",
    "schedule",
    "target",
    "commitment",
    "dialogue",
    "protocol",
    "action plan",
    "task force",
];

const PREPS: &[&str] = &[
    "in {loc}",
    "with {org}",
    "for the coming year",
    "under the existing framework",
    "ahead of the summit",
    "during the visit",
    "over the next five years",
    "at the ministerial level",
    "before the end of {year}",
    "through {org}",
    "in cooperation with {org}",
    "at a meeting in {loc}",
    "on the sidelines of the forum",
    "as part of {topic}",
    "within the {adj} framework",
    "after talks in {loc}",
];

const CONNECTORS: &[&str] = &[
    "However",
    "In addition",
    "At the same time",
    "Meanwhile",
    "By contrast",
    "As a result",
    "Separately",
    "In practice",
    "For now",
    "Earlier",
    "Later",
    "In response",
    "Even so",
    "On the other hand",
];

const HEADINGS: &[&str] = &[
    "Background",
    "What was agreed",
    "What the report leaves open",
    "Reactions",
    "The wider context",
    "Who took part",
    "Next steps",
    "Figures and timelines",
    "Open questions",
    "The official position",
    "How the talks unfolded",
    "Earlier commitments",
    "Concerns raised",
    "The business view",
];

const INDICATORS: &[&str] = &[
    "Exports (USD m)",
    "Imports (USD m)",
    "Flights per week",
    "Students enrolled",
    "Projects approved",
    "Investment (USD m)",
    "Tonnes shipped",
    "Visas issued",
    "Trees planted (thousands)",
    "Meetings held",
];

// ---------------------------------------------------------------------------------------------
// Corpus model
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy)]
struct Date {
    y: u32,
    m: u32,
    d: u32,
}

impl Date {
    fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.y, self.m, self.d)
    }
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        _ => 28,
    }
}

struct Source {
    title: String,
    publisher: &'static str,
    url: String,
    date: Date,
}

struct Article {
    slug: String,
    date: Date,
    title: String,
    topics: Vec<usize>,
    summary: String,
    key_points: Vec<String>,
    people: Vec<usize>,
    orgs: Vec<usize>,
    tags: Vec<usize>,
    location: &'static str,
    sources: Vec<Source>,
    /// Articles this one links to (indices into the corpus, never itself).
    links: Vec<usize>,
    has_table: bool,
}

struct Pools {
    people: Vec<String>,
    orgs: Vec<String>,
    tags: Vec<String>,
}

struct Gen {
    rng: Pcg64,
}

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }
    fn range(&mut self, lo: usize, hi_inclusive: usize) -> usize {
        self.rng.random_range(lo..=hi_inclusive)
    }
    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
    /// `k` distinct indices below `n`, in the order drawn.
    fn distinct(&mut self, k: usize, n: usize) -> Vec<usize> {
        let k = k.min(n);
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn article_for(word: &str) -> &'static str {
    match word.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'A' | b'E' | b'I' | b'O' | b'U') => "an",
        _ => "a",
    }
}

fn build_pools(g: &mut Gen) -> Pools {
    fn fill(target: usize, mut make: impl FnMut() -> String) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::with_capacity(target);
        while out.len() < target {
            let s = make();
            if seen.insert(s.clone()) {
                out.push(s);
            }
        }
        out
    }
    let people = fill(400, || {
        let first = g.pick(FIRST_NAMES);
        let last = g.pick(LAST_NAMES);
        if g.chance(0.15) {
            format!("{first} {} {last}", g.pick(MIDDLE_NAMES))
        } else {
            format!("{first} {last}")
        }
    });
    let orgs = fill(150, || match g.below(5) {
        0 => format!("{} Chamber of Commerce and Industry", g.pick(ORG_PLACES)),
        1 => format!("Ministry of {}", g.pick(ORG_FIELDS)),
        2 => format!(
            "{} {} {}",
            g.pick(ORG_PLACES),
            g.pick(ORG_FIELDS),
            g.pick(ORG_BODIES)
        ),
        3 => format!("National {} {}", g.pick(ORG_FIELDS), g.pick(ORG_BODIES)),
        _ => format!("{} Development {}", g.pick(ORG_FIELDS), g.pick(ORG_BODIES)),
    });
    let tags = fill(300, || {
        if g.chance(0.2) {
            g.pick(TAG_WORDS).to_string()
        } else if g.chance(0.8) {
            format!("{}-{}", g.pick(TAG_QUALIFIERS), g.pick(TAG_WORDS))
        } else {
            format!("{}-{}", g.pick(TAG_WORDS), g.pick(TAG_WORDS))
        }
    });
    Pools { people, orgs, tags }
}

/// A noun phrase with a determiner, e.g. "a revised energy roadmap".
fn noun_phrase(g: &mut Gen, topic: &Topic) -> String {
    let noun = if g.chance(0.35) {
        g.pick(topic.phrases)
    } else {
        g.pick(NOUNS)
    };
    let mut words: Vec<&str> = Vec::new();
    if g.chance(0.6) {
        words.push(g.pick(ADJS));
    }
    if g.chance(0.25) {
        words.push(g.pick(topic.adjs));
    }
    words.push(noun);
    let body = words.join(" ");
    match g.below(5) {
        0 | 1 => format!("the {body}"),
        2 => format!("{} {body}", article_for(&body)),
        3 => format!("its {body}"),
        _ => format!("their {body}"),
    }
}

struct Ctx<'a> {
    topic: &'a Topic,
    pools: &'a Pools,
    people: &'a [usize],
    orgs: &'a [usize],
    location: &'static str,
    year: u32,
    /// Plain text only (front matter values): no emphasis, no links.
    plain: bool,
}

impl Ctx<'_> {
    fn person(&self, g: &mut Gen) -> &str {
        &self.pools.people[self.people[g.below(self.people.len())]]
    }
    fn org(&self, g: &mut Gen) -> &str {
        &self.pools.orgs[self.orgs[g.below(self.orgs.len())]]
    }
}

fn prep_phrase(g: &mut Gen, c: &Ctx) -> String {
    let t = g.pick(PREPS);
    let mut s = t.replace("{year}", &(c.year + g.below(3) as u32).to_string());
    if s.contains("{loc}") {
        let loc = if g.chance(0.6) {
            c.location
        } else {
            g.pick(LOCATIONS)
        };
        s = s.replace("{loc}", loc);
    }
    if s.contains("{org}") {
        s = s.replace("{org}", &format!("the {}", c.org(g)));
    }
    if s.contains("{topic}") {
        s = s.replace("{topic}", &format!("work on {}", g.pick(c.topic.phrases)));
    }
    if s.contains("{adj}") {
        s = s.replace("{adj}", g.pick(c.topic.adjs));
    }
    s
}

fn subject(g: &mut Gen, c: &Ctx) -> String {
    match g.below(4) {
        0 => c.person(g).to_string(),
        1 => format!("the {}", c.org(g)),
        _ => g.pick(GROUPS).to_string(),
    }
}

/// A noun phrase that is sometimes emphasised or turned into an external link.
fn decorated_np(g: &mut Gen, c: &Ctx) -> String {
    let np = noun_phrase(g, c.topic);
    let r = g.below(100);
    if c.plain {
        np
    } else if r < 4 {
        format!("*{np}*")
    } else if r < 7 {
        format!("**{np}**")
    } else if r < 9 {
        let id = g.range(1000, 999_999);
        format!("[{np}]({})", external_url(g, id))
    } else {
        np
    }
}

fn external_url(g: &mut Gen, id: usize) -> String {
    match g.below(3) {
        0 => format!("https://example.org/news/{id}"),
        1 => format!("https://www.example.com/reports/{id}.html"),
        _ => format!(
            "https://news.example.net/{}/{id}",
            slug::slugify(g.pick(PUBLISHERS))
        ),
    }
}

fn sentence(g: &mut Gen, c: &Ctx) -> String {
    let s = match g.below(10) {
        0 | 1 => {
            let pp = if g.chance(0.7) {
                format!(" {}", prep_phrase(g, c))
            } else {
                String::new()
            };
            format!(
                "{} {} {}{pp}.",
                subject(g, c),
                g.pick(VERBS_PAST),
                decorated_np(g, c)
            )
        }
        2 | 3 => format!(
            "{} {} that {} would {} {} {}.",
            c.person(g),
            g.pick(SPEECH),
            subject(g, c),
            g.pick(VERBS_BASE),
            decorated_np(g, c),
            prep_phrase(g, c)
        ),
        4 => format!(
            "{}, {} {} {}.",
            g.pick(CONNECTORS),
            subject(g, c),
            g.pick(VERBS_PAST),
            decorated_np(g, c)
        ),
        5 => format!(
            "The {} {} was {} {}.",
            g.pick(ADJS),
            g.pick(NOUNS),
            g.pick(VERBS_PAST),
            prep_phrase(g, c)
        ),
        6 => format!(
            "{} {} {} and {} {}.",
            subject(g, c),
            g.pick(VERBS_PAST),
            decorated_np(g, c),
            g.pick(VERBS_PAST),
            noun_phrase(g, c.topic)
        ),
        7 => format!(
            "According to {}, {} {} {} {}.",
            g.pick(PUBLISHERS),
            subject(g, c),
            g.pick(VERBS_PAST),
            decorated_np(g, c),
            prep_phrase(g, c)
        ),
        8 => format!(
            "No figures were given for {}, and {} did not {} {}.",
            g.pick(c.topic.phrases),
            subject(g, c),
            g.pick(VERBS_BASE),
            noun_phrase(g, c.topic)
        ),
        _ if g.chance(0.5) => format!(
            "Figures for {} stood at {} in {}, against {} a year earlier, according to {}.",
            g.pick(c.topic.phrases),
            g.range(12, 980),
            c.year,
            g.range(10, 900),
            c.person(g)
        ),
        _ => format!(
            "{} {} {} {}.",
            subject(g, c),
            g.pick(VERBS_PAST),
            decorated_np(g, c),
            prep_phrase(g, c)
        ),
    };
    capitalize(&s)
}

fn paragraph(g: &mut Gen, c: &Ctx) -> String {
    let k = g.range(3, 6);
    let mut p = String::new();
    for i in 0..k {
        if i > 0 {
            p.push(' ');
        }
        p.push_str(&sentence(g, c));
    }
    p
}

/// Month names as attache writes them in English.
fn english_dates() -> std::sync::Arc<attache::i18n::Dates> {
    attache::i18n::Dates::for_language(&attache::i18n::Language::english())
}

fn words(s: &str) -> usize {
    s.split_whitespace().count()
}

fn title_for(g: &mut Gen, c: &Ctx) -> String {
    let phrase = g.pick(c.topic.phrases);
    let t = match g.below(7) {
        0 => format!("{} meets {} on {phrase}", c.person(g), g.pick(GROUPS)),
        1 => format!(
            "{} proposes {} {phrase} {}",
            c.org(g),
            g.pick(ADJS),
            g.pick(NOUNS)
        ),
        2 => format!("Talks in {} focus on {phrase}", c.location),
        3 => format!(
            "{} {} on {phrase} agreed in {}",
            capitalize(g.pick(ADJS)),
            g.pick(NOUNS),
            c.location
        ),
        4 => format!("Officials review progress on {phrase} in {}", c.location),
        5 => format!(
            "{} and {} sign {} on {phrase}",
            c.org(g),
            g.pick(ORG_PLACES),
            g.pick(NOUNS)
        ),
        _ => format!("{} {} plans for {phrase}", c.person(g), g.pick(VERBS_PAST)),
    };
    capitalize(&t)
}

fn build_articles(g: &mut Gen, n: usize, pools: &Pools) -> Vec<Article> {
    let mut slugs = BTreeSet::new();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let y = g.range(2018, 2025) as u32;
        let m = g.range(1, 12) as u32;
        let d = g.range(1, days_in_month(y, m) as usize) as u32;
        let date = Date { y, m, d };
        let nt = g.range(1, 3);
        let topics = g.distinct(nt, TOPICS.len());
        let np = g.range(2, 5);
        let people = g.distinct(np, pools.people.len());
        let no = g.range(1, 3);
        let orgs = g.distinct(no, pools.orgs.len());
        let ntg = g.range(2, 4);
        let tags = g.distinct(ntg, pools.tags.len());
        let location = g.pick(LOCATIONS);
        let c = Ctx {
            topic: &TOPICS[topics[0]],
            pools,
            people: &people,
            orgs: &orgs,
            location,
            year: y,
            plain: true,
        };
        let title = title_for(g, &c);
        let base = slug::slugify(&title);
        let mut slug = base.clone();
        let mut k = 2;
        while !slugs.insert(slug.clone()) {
            slug = format!("{base}-{k}");
            k += 1;
        }
        let summary = format!("{} {}", sentence(g, &c), sentence(g, &c));
        let nk = g.range(2, 5);
        let key_points = (0..nk).map(|_| sentence(g, &c)).collect();
        let ns = g.range(1, 3);
        let mut sources = Vec::with_capacity(ns);
        for _ in 0..ns {
            let back = g.below(4) as u32;
            let sd = if d > back {
                Date { y, m, d: d - back }
            } else {
                date
            };
            let id = g.range(100, 999_999);
            sources.push(Source {
                title: format!("News report: {}", title_for(g, &c)),
                publisher: g.pick(PUBLISHERS),
                url: format!("https://example.org/news/{id}"),
                date: sd,
            });
        }
        let links = if n > 1 {
            let nl = g.range(1, 2).min(n - 1);
            let mut l = Vec::with_capacity(nl);
            while l.len() < nl {
                let j = g.below(n);
                if j != i && !l.contains(&j) {
                    l.push(j);
                }
            }
            l
        } else {
            Vec::new()
        };
        let has_table = g.chance(0.2);
        out.push(Article {
            slug,
            date,
            title,
            topics,
            summary,
            key_points,
            people,
            orgs,
            tags,
            location,
            sources,
            links,
            has_table,
        });
    }
    out
}

/// How a link to another article is written: attache gets a relative path to the Markdown file,
/// Hugo a root-relative URL (Hugo does not resolve `.md` links without a render hook or `ref`).
#[derive(Clone, Copy, PartialEq)]
enum Flavor {
    Attache,
    Hugo,
}

fn article_link(target: &Article, flavor: Flavor) -> String {
    match flavor {
        Flavor::Attache => format!("../{}/{}.md", target.date.y, target.slug),
        Flavor::Hugo => format!("/articles/{}/", target.slug),
    }
}

/// One block of an article body; links to other articles are kept symbolic so that the same
/// body can be written for both generators.
enum Block {
    Text(String),
    /// A paragraph followed by a sentence linking to another article.
    LinkedParagraph {
        text: String,
        before: String,
        target: usize,
        after: String,
    },
}

fn body_blocks(g: &mut Gen, a: &Article, pools: &Pools) -> Vec<Block> {
    let topic = &TOPICS[a.topics[g.below(a.topics.len())]];
    let c = Ctx {
        topic,
        pools,
        people: &a.people,
        orgs: &a.orgs,
        location: a.location,
        year: a.date.y,
        plain: false,
    };
    let target = g.range(560, 920);
    let mut blocks: Vec<Block> = Vec::new();
    let mut count = 0;
    fn push(blocks: &mut Vec<Block>, count: &mut usize, s: String) {
        *count += words(&s);
        blocks.push(Block::Text(s));
    }
    // Intro: where and who.
    let intro = format!(
        "{} The report is datelined {}, {} {} {}.",
        paragraph(g, &c),
        a.location,
        a.date.d,
        english_dates().month(a.date.m as i8),
        a.date.y
    );
    push(&mut blocks, &mut count, intro);
    let mut section = 0;
    let mut table_done = !a.has_table;
    let mut used_headings: Vec<&str> = Vec::new();
    while count < target {
        section += 1;
        let heading = if g.chance(0.5) {
            let mut h = g.pick(HEADINGS);
            while used_headings.contains(&h) && used_headings.len() < HEADINGS.len() {
                h = g.pick(HEADINGS);
            }
            used_headings.push(h);
            h.to_string()
        } else {
            capitalize(g.pick(topic.phrases))
        };
        push(&mut blocks, &mut count, format!("## {heading}"));
        for _ in 0..g.range(1, 2) {
            push(&mut blocks, &mut count, paragraph(g, &c));
        }
        let r = g.below(100);
        if r < 35 {
            let items = g.range(3, 6);
            let mut l = String::new();
            for i in 0..items {
                if i > 0 {
                    l.push('\n');
                }
                if g.chance(0.4) {
                    let np = capitalize(&noun_phrase(g, topic));
                    let _ = write!(l, "- **{np}.** {}", sentence(g, &c));
                } else {
                    let _ = write!(l, "- {}", sentence(g, &c));
                }
            }
            push(&mut blocks, &mut count, l);
        } else if r < 50 {
            let items = g.range(3, 5);
            let mut l = String::new();
            for i in 0..items {
                if i > 0 {
                    l.push('\n');
                }
                let _ = write!(l, "{}. {}", i + 1, sentence(g, &c));
            }
            push(&mut blocks, &mut count, l);
        } else if r < 65 {
            let q = format!(
                "> {} {}\n>\n> — {}",
                sentence(g, &c),
                sentence(g, &c),
                c.person(g)
            );
            push(&mut blocks, &mut count, q);
        }
        if !table_done && (section >= 2 || count >= target) {
            table_done = true;
            let mut t = String::from("| Indicator | ");
            let _ = write!(
                t,
                "{} | {} | Change |\n| --- | ---: | ---: | ---: |",
                a.date.y - 1,
                a.date.y
            );
            for _ in 0..g.range(3, 6) {
                let before = g.range(10, 900);
                let after = g.range(10, 900);
                let pct = (after as f64 - before as f64) / before as f64 * 100.0;
                let _ = write!(
                    t,
                    "\n| {} | {before} | {after} | {pct:+.1}% |",
                    g.pick(INDICATORS)
                );
            }
            push(
                &mut blocks,
                &mut count,
                format!("The figures cited in the report are summarised below.\n\n{t}"),
            );
        }
        if g.chance(0.3) {
            let sub = format!(
                "### {} in {}",
                capitalize(g.pick(topic.phrases)),
                g.pick(LOCATIONS)
            );
            push(&mut blocks, &mut count, sub);
            push(&mut blocks, &mut count, paragraph(g, &c));
        }
    }
    // Closing paragraph with an external link to the (fictional) original statement.
    let id = g.range(1000, 999_999);
    let closing = format!(
        "{} The full statement is available [from the publisher]({}).",
        paragraph(g, &c),
        external_url(g, id)
    );
    push(&mut blocks, &mut count, closing);

    // Links to other articles: appended to distinct plain paragraphs.
    let paras: Vec<usize> = blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b, Block::Text(s) if is_plain_paragraph(s)))
        .map(|(i, _)| i)
        .collect();
    let chosen = g.distinct(a.links.len(), paras.len());
    for (k, &pi) in chosen.iter().enumerate() {
        let idx = paras[pi];
        let text = match std::mem::replace(&mut blocks[idx], Block::Text(String::new())) {
            Block::Text(s) => s,
            Block::LinkedParagraph { .. } => unreachable!(),
        };
        let (before, after) = match g.below(3) {
            0 => (" See also ".to_string(), ".".to_string()),
            1 => (" An earlier briefing covered ".to_string(), ".".to_string()),
            _ => (" For background, see ".to_string(), ".".to_string()),
        };
        blocks[idx] = Block::LinkedParagraph {
            text,
            before,
            target: a.links[k],
            after,
        };
    }
    blocks
}

fn is_plain_paragraph(s: &str) -> bool {
    !(s.starts_with('#')
        || s.starts_with("- ")
        || s.starts_with('>')
        || s.starts_with('|')
        || s.starts_with("1. ")
        || s.contains('\n'))
}

fn render_body(blocks: &[Block], articles: &[Article], flavor: Flavor) -> String {
    let mut out = String::with_capacity(8192);
    for (i, b) in blocks.iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        match b {
            Block::Text(s) => out.push_str(s),
            Block::LinkedParagraph {
                text,
                before,
                target,
                after,
            } => {
                let t = &articles[*target];
                let _ = write!(
                    out,
                    "{text}{before}[{}]({}){after}",
                    t.title,
                    article_link(t, flavor)
                );
            }
        }
    }
    out.push('\n');
    out
}

fn yaml_str(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            _ => o.push(ch),
        }
    }
    o.push('"');
    o
}

fn yaml_list<'a>(items: impl Iterator<Item = &'a str>, quoted: bool) -> String {
    let v: Vec<String> = items
        .map(|s| if quoted { yaml_str(s) } else { s.to_string() })
        .collect();
    format!("[{}]", v.join(", "))
}

fn front_matter(a: &Article, pools: &Pools, flavor: Flavor) -> String {
    let mut f = String::with_capacity(2048);
    f.push_str("---\n");
    let _ = writeln!(f, "title: {}", yaml_str(&a.title));
    if flavor == Flavor::Hugo {
        let _ = writeln!(f, "slug: {}", yaml_str(&a.slug));
    }
    let _ = writeln!(f, "date: {}", a.date.iso());
    let _ = writeln!(
        f,
        "topics: {}",
        yaml_list(a.topics.iter().map(|&t| TOPICS[t].id), false)
    );
    let _ = writeln!(f, "summary: {}", yaml_str(&a.summary));
    let _ = writeln!(f, "key_points:");
    for k in &a.key_points {
        let _ = writeln!(f, "  - {}", yaml_str(k));
    }
    let _ = writeln!(
        f,
        "people: {}",
        yaml_list(a.people.iter().map(|&i| pools.people[i].as_str()), true)
    );
    let _ = writeln!(
        f,
        "organizations: {}",
        yaml_list(a.orgs.iter().map(|&i| pools.orgs[i].as_str()), true)
    );
    let _ = writeln!(
        f,
        "tags: {}",
        yaml_list(a.tags.iter().map(|&i| pools.tags[i].as_str()), false)
    );
    // Locations are plain words: written unquoted, as a person would.
    let _ = writeln!(f, "location: {}", a.location);
    let _ = writeln!(f, "sources:");
    for s in &a.sources {
        let _ = writeln!(f, "  - title: {}", yaml_str(&s.title));
        let _ = writeln!(f, "    publisher: {}", yaml_str(s.publisher));
        let _ = writeln!(f, "    url: {}", yaml_str(&s.url));
        let _ = writeln!(f, "    date: {}", s.date.iso());
    }
    f.push_str("---\n\n");
    f
}

// ---------------------------------------------------------------------------------------------
// Non-article pages
// ---------------------------------------------------------------------------------------------

fn home_page(n: usize) -> String {
    format!(
        "---
title: \"Benchmark briefing\"
summary: \"A generated corpus of {n} articles used to benchmark static-site generators.\"
---

This briefing is **generated**: {n} articles on eight topics, written from word lists by a
deterministic generator. It exists to measure how long a static-site generator takes to
turn Markdown with YAML front matter into a complete site.

Nothing in it is true. Names, organisations and figures are invented.
"
    )
}

fn topic_page(g: &mut Gen, t: &Topic, weight: usize, pools: &Pools, flavor: Flavor) -> String {
    let people: Vec<usize> = g.distinct(3, pools.people.len());
    let orgs: Vec<usize> = g.distinct(2, pools.orgs.len());
    let c = Ctx {
        topic: t,
        pools,
        people: &people,
        orgs: &orgs,
        location: "Islamabad",
        year: 2025,
        plain: false,
    };
    let mut s = String::from("---\n");
    let _ = writeln!(s, "title: {}", yaml_str(t.title));
    let _ = writeln!(s, "summary: {}", yaml_str(t.summary));
    let _ = writeln!(s, "weight: {weight}");
    if flavor == Flavor::Hugo {
        // attache publishes a feed per topic; Hugo term pages other than topics get HTML only.
        s.push_str("outputs: [html, rss]\n");
    }
    s.push_str("---\n\n");
    let k = g.range(2, 3);
    for i in 0..k {
        if i > 0 {
            s.push_str("\n\n");
        }
        s.push_str(&paragraph(g, &c));
    }
    s.push('\n');
    s
}

fn about_page(flavor: Flavor) -> String {
    let menu = match flavor {
        Flavor::Attache => "menu: true",
        Flavor::Hugo => "menu: main\nlayout: page",
    };
    format!(
        "---
title: \"About this briefing\"
summary: \"What this generated site is and how it was made.\"
{menu}
---

This site is a synthetic corpus generated for benchmarks. Every article is assembled from word
lists by a seeded random generator, so the same seed always gives the same site.

## What is in it

- articles with front matter: topics, people, organisations, tags, sources;
- topic pages with their own introduction;
- this page.

## Why

To compare build times of static-site generators on the same content, at sizes where the
difference matters.
"
    )
}

// ---------------------------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------------------------

fn prepare_dir(dir: &Path, marker: &str, force: bool) -> Result<(), String> {
    if dir.exists() {
        let empty = fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .next()
            .is_none();
        if !empty {
            if !force {
                return Err(format!(
                    "{} exists and is not empty (use --force to replace it)",
                    dir.display()
                ));
            }
            if !dir.join(marker).exists() {
                return Err(format!(
                    "{} does not look like a generated site (no {marker}); refusing to delete it",
                    dir.display()
                ));
            }
            fs::remove_dir_all(dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
        }
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

fn write(path: &Path, contents: &str) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

/// Copies a folder recursively, visiting entries in sorted order.
fn copy_dir(from: &Path, to: &Path) -> Result<usize, String> {
    let mut count = 0;
    fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    let mut entries: Vec<_> = fs::read_dir(from)
        .map_err(|e| format!("{}: {e}", from.display()))?
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{}: {e}", from.display()))?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let ft = e.file_type().map_err(|e| e.to_string())?;
        let dest = to.join(e.file_name());
        if ft.is_dir() {
            count += copy_dir(&e.path(), &dest)?;
        } else {
            fs::copy(e.path(), &dest).map_err(|err| format!("{}: {err}", e.path().display()))?;
            count += 1;
        }
    }
    Ok(count)
}

struct Corpus {
    pools: Pools,
    articles: Vec<Article>,
    bodies: Vec<Vec<Block>>,
    /// Topic pages, generated once per flavor from the same stream position (see `topic_seed`).
    topic_seed: u64,
}

fn write_site(dir: &Path, corpus: &Corpus, flavor: Flavor, args: &Args) -> Result<(), String> {
    let content = dir.join("content");
    match flavor {
        Flavor::Attache => {
            write(&dir.join("site.yaml"), SITE_YAML)?;
            if args.theme.is_dir() {
                copy_dir(&args.theme, &dir.join("themes/briefing"))?;
            } else {
                eprintln!(
                    "corpus: warning: theme folder {} not found; the attache site has no themes/briefing",
                    args.theme.display()
                );
            }
        }
        Flavor::Hugo => {
            write(&dir.join("hugo.toml"), HUGO_CONFIG)?;
            for (rel, text) in HUGO_FILES {
                write(&dir.join(rel), text)?;
            }
        }
    }
    write(
        &content.join("_index.md"),
        &home_page(corpus.articles.len()),
    )?;
    // Topic pages get their own small stream so both flavors get identical text.
    let mut tg = Gen {
        rng: Pcg64::seed_from_u64(corpus.topic_seed),
    };
    for (i, t) in TOPICS.iter().enumerate() {
        let text = topic_page(&mut tg, t, i + 1, &corpus.pools, flavor);
        let path = match flavor {
            Flavor::Attache => content.join("topics").join(format!("{}.md", t.id)),
            Flavor::Hugo => content.join("topics").join(t.id).join("_index.md"),
        };
        write(&path, &text)?;
    }
    let about = match flavor {
        Flavor::Attache => content.join("pages/about.md"),
        Flavor::Hugo => content.join("about.md"),
    };
    write(&about, &about_page(flavor))?;
    if flavor == Flavor::Attache && args.profiles {
        for (folder, names) in [
            ("people", &corpus.pools.people),
            ("organizations", &corpus.pools.orgs),
        ] {
            for name in names {
                let path = content
                    .join(folder)
                    .join(format!("{}.md", slug::slugify(name)));
                let text = format!(
                    "---\nname: \"{name}\"\nsummary: \"A generated profile.\"\n---\nWho {name} is.\n"
                );
                write(&path, &text)?;
            }
        }
    }
    if flavor == Flavor::Hugo {
        // attache makes /search/ by itself; Hugo needs a content file for it.
        write(
            &content.join("search.md"),
            "---\ntitle: \"Search\"\nlayout: search\n---\n",
        )?;
    }
    let mut years = BTreeSet::new();
    for a in &corpus.articles {
        years.insert(a.date.y);
    }
    for y in &years {
        fs::create_dir_all(content.join("articles").join(y.to_string()))
            .map_err(|e| e.to_string())?;
    }
    // Every file's text is fixed before writing starts, so writing in parallel changes nothing
    // in the output.
    corpus
        .articles
        .par_iter()
        .zip(&corpus.bodies)
        .try_for_each(|(a, blocks)| {
            let mut buf = front_matter(a, &corpus.pools, flavor);
            buf.push_str(&render_body(blocks, &corpus.articles, flavor));
            let path = content
                .join("articles")
                .join(a.date.y.to_string())
                .join(format!("{}.md", a.slug));
            fs::write(&path, &buf).map_err(|e| format!("{}: {e}", path.display()))
        })
}

fn main() {
    let args = Args::parse();
    if args.out.is_none() && args.hugo.is_none() {
        eprintln!("corpus: nothing to do: give --out DIR and/or --hugo DIR");
        std::process::exit(2);
    }
    let start = Instant::now();
    let mut g = Gen {
        rng: Pcg64::seed_from_u64(args.seed),
    };
    let pools = build_pools(&mut g);
    let articles = build_articles(&mut g, args.n, &pools);
    let bodies: Vec<Vec<Block>> = articles
        .iter()
        .map(|a| body_blocks(&mut g, a, &pools))
        .collect();
    let topic_seed: u64 = g.rng.random();
    let corpus = Corpus {
        pools,
        articles,
        bodies,
        topic_seed,
    };
    let generated = start.elapsed();

    let mut failed = false;
    for (dir, flavor, marker) in [
        (&args.out, Flavor::Attache, "site.yaml"),
        (&args.hugo, Flavor::Hugo, "hugo.toml"),
    ] {
        let Some(dir) = dir else { continue };
        let t = Instant::now();
        let res = prepare_dir(dir, marker, args.force)
            .and_then(|()| write_site(dir, &corpus, flavor, &args));
        match res {
            Ok(()) => eprintln!(
                "corpus: wrote {} articles to {} in {:.2?}",
                corpus.articles.len(),
                dir.display(),
                t.elapsed()
            ),
            Err(e) => {
                eprintln!("corpus: error: {e}");
                failed = true;
            }
        }
    }
    eprintln!(
        "corpus: generated in {generated:.2?}, total {:.2?}",
        start.elapsed()
    );
    if failed {
        std::process::exit(1);
    }
}
