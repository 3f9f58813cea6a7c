//! The command line: argument definitions and what each command does.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::build::{self, BuildOptions};
use crate::error::Diagnostics;

/// attache turns a folder of Markdown articles with YAML front matter into a fast, plain
/// static briefing site: topic pages, a timeline, people and organization pages, feeds
/// and search, ready for any static host.
#[derive(Debug, Parser)]
#[command(name = "attache", version, about, long_about = None, propagate_version = true)]
#[command(
    after_help = "Run `attache <command> --help` for a command's options.\n\
Start with `attache serve` in a site folder (one with a site.yaml),\nor `attache init DIR` to make a new one."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (public/ by default).
    ///
    /// The site is built in memory and written to a staging folder that replaces the
    /// output folder only when everything succeeded: a failed build leaves the previous
    /// site exactly as it was.
    Build(BuildArgs),
    /// Preview the site on a local address, rebuilt and reloaded as you save.
    ///
    /// The site is built into memory (links point at the local address) and served from
    /// there; the output folder is never touched. Content, the theme, templates, static
    /// files and site.yaml are watched: a change rebuilds only what it affects, and open
    /// pages reload (a stylesheet change is swapped in without a reload). A change that
    /// breaks the build keeps the last good version up and shows the problem on the page.
    Serve(ServeArgs),
    /// Check the whole site without writing anything.
    ///
    /// Runs every stage of a build and more: front matter, topics, dates, duplicate URLs,
    /// links to pages and #anchors that do not exist, images and files that are missing,
    /// templates that fail to render. Reports every problem as `file:line:col: message`,
    /// grouped by file, and exits non-zero if there is any error (or, with
    /// --deny-warnings, any warning).
    Check(CheckArgs),
    /// Make a briefing pack: a topic, or the whole briefing, as one PDF to print.
    ///
    /// The pack has a cover, a contents page, the topic overview(s), every article in date
    /// order (site.yaml `packs.order`), each on a new page with its key points, and one
    /// numbered list of all the sources they cite. The PDF engine is built in: nothing
    /// else needs to be installed.
    Pack(PackArgs),
    /// Start a new article or topic from a complete template.
    #[command(subcommand)]
    New(NewCommand),
    /// Create a new site with one topic and one article, ready to build.
    Init(InitArgs),
    /// Convert a Jekyll, Hugo or Zola site into an attache site, once.
    ///
    /// Posts become articles (front matter mapped, categories made into topics with topic
    /// files, old URLs kept as aliases that redirect), pages become plain pages and static
    /// files are copied. Shortcodes and Liquid are left in place and listed with everything
    /// else that could not be converted, by file and line. SRC is only read. DEST must be a
    /// new or empty folder, or an attache site (no file in it is overwritten).
    Import(ImportArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What SRC is.
    #[arg(value_enum)]
    pub kind: crate::import::SourceKind,
    /// The folder of the site to convert.
    pub src: PathBuf,
    /// Where the attache site goes.
    #[arg(default_value = ".")]
    pub dest: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The address to listen on. Anything but a loopback address lets others on your
    /// network read the preview.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: String,
    /// The port to listen on; 0 picks a free one.
    #[arg(long, short = 'p', default_value_t = 1111)]
    pub port: u16,
    /// Open the site in the default browser once it is up.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// `text` for people, `json` for editors and CI.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Fail on warnings too, not only on errors (for CI that wants a clean site).
    #[arg(long)]
    pub deny_warnings: bool,
}

#[derive(Debug, Args)]
pub struct PackArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The topic to make a pack of (its id, as in content/topics/<id>.md). Default: the
    /// whole briefing.
    #[arg(long, value_name = "ID")]
    pub topic: Option<String>,
    /// The language of the pack. A site has one language for now, so this may only be
    /// the one in site.yaml.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// The PDF file to write.
    #[arg(long, short = 'o', value_name = "FILE.pdf")]
    pub output: PathBuf,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// Write content/articles/<year>/<slug>.md with every front matter field, as a draft.
    ///
    /// With `--lang ur --of ORIGINAL`, start the Urdu translation of an article instead:
    /// `x.ur.md` beside `x.md`, holding the original's title, summary, key points, sources
    /// and text to translate in place.
    Article {
        /// The article's title; the file name is made from it. For a translation, the
        /// translated title (default: the original's, to translate in the file).
        #[arg(required_unless_present = "of")]
        title: Option<String>,
        /// The language the article is written in, when not the site's default one.
        #[arg(long, value_name = "CODE")]
        lang: Option<String>,
        /// The article to translate: its file name without .md, or its path.
        #[arg(long, value_name = "ORIGINAL", requires = "lang", conflicts_with_all = ["topics", "date", "slug"])]
        of: Option<String>,
        /// Topic ids, comma-separated (e.g. trade,it).
        #[arg(long, value_delimiter = ',')]
        topics: Vec<String>,
        /// The date, YYYY-MM-DD. Default: today.
        #[arg(long)]
        date: Option<String>,
        /// The file name and URL segment. Default: made from the title.
        #[arg(long)]
        slug: Option<String>,
        /// The site folder.
        #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Write content/topics/<id>.md.
    Topic {
        /// The topic id, used in articles' `topics` and in its URL.
        id: String,
        /// The topic's title. Default: made from the id.
        #[arg(long)]
        title: Option<String>,
        /// The site folder.
        #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (it must be new or empty).
    pub dir: PathBuf,
    /// The site's title.
    #[arg(long, default_value = "My briefing")]
    pub title: String,
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder, the one holding site.yaml.
    #[arg(long, short = 'r', value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include articles and pages marked `draft: true`.
    #[arg(long)]
    pub drafts: bool,
    /// Include pages not yet published (`publish_date` to come) or withdrawn (`expiry_date`
    /// past), for review. `serve` always shows them, each with a banner.
    #[arg(long)]
    pub future: bool,
    /// Build as at this moment instead of now (`2025-03-01`, or a date and time): what is
    /// published then is published.
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

impl SiteArgs {
    /// `--now` as a moment; a date alone is midnight in the site's time zone.
    fn now(&self) -> Result<Option<jiff::Timestamp>, Diagnostics> {
        let Some(text) = &self.now else {
            return Ok(None);
        };
        let tz = crate::config::Config::load(&self.root)
            .map(|c| c.time_zone())
            .unwrap_or(jiff::tz::TimeZone::UTC);
        crate::parse::front_matter::PageDate::parse_in(text, &tz)
            .map(|d| Some(d.instant))
            .map_err(|reason| {
                Diagnostics::one(crate::error::Diagnostic::new(
                    "--now",
                    crate::error::Problem::BadDate {
                        value: text.clone(),
                        reason,
                        suggestion: crate::parse::front_matter::suggest_date(text),
                    },
                ))
            })
    }

    fn build_options(&self, base_url: Option<String>) -> Result<BuildOptions, Diagnostics> {
        Ok(BuildOptions {
            drafts: self.drafts,
            base_url,
            future: self.future,
            now: self.now()?,
        })
    }
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Write the site here instead of site.yaml's `output_dir`.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Publish under this URL instead of site.yaml's `base_url`, e.g. for a staging host.
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print nothing but problems (errors and warnings): no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Runs a parsed command line; the exit code is non-zero on any error.
pub fn run(cli: Cli) -> ExitCode {
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::Pack(args) => run_pack(args),
        Command::New(command) => run_new(command),
        Command::Init(args) => run_init(args),
        Command::Serve(args) => run_serve(args),
        Command::Import(args) => run_import(args),
    }
}

fn run_import(args: ImportArgs) -> ExitCode {
    match crate::import::import(args.kind, &args.src, &args.dest) {
        Ok(imported) => {
            println!(
                "Imported {} from the {} site in {} into {}",
                imported.summary(),
                args.kind.name(),
                args.src.display(),
                args.dest.display()
            );
            if !imported.notes.is_empty() {
                println!(
                    "\nTo look at: what was not converted as it was ({}):",
                    imported.notes.len()
                );
                for n in &imported.notes {
                    println!("  {}", n.headline());
                }
            }
            println!(
                "\nNext: attache check --root {}   (then attache serve)",
                args.dest.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("  nothing was written");
            ExitCode::FAILURE
        }
    }
}

fn run_build(args: BuildArgs) -> ExitCode {
    let options = match args.site.build_options(args.base_url) {
        Ok(o) => o,
        Err(problems) => return report(&problems),
    };
    match build::build_to_disk(&args.site.root, args.output.as_deref(), &options) {
        Ok((built, dir)) => {
            if !built.warnings.is_empty() {
                eprintln!("{}\n", built.warnings.render_each(color_on_stderr()));
            }
            if !args.quiet {
                let warnings = match built.warnings.len() {
                    0 => String::new(),
                    _ => format!(", {}", built.warnings.counts()),
                };
                println!(
                    "Built {} into {} in {} ms{warnings}",
                    built.summary(),
                    dir.display(),
                    built.elapsed.as_millis()
                );
            }
            if std::env::var_os("ATTACHE_TIMINGS").is_some() {
                for (stage, time) in &built.stages {
                    eprintln!("{stage:>12}: {:>7.1} ms", time.as_secs_f64() * 1000.0);
                }
                if let Some(w) = built.written {
                    eprintln!(
                        "     written: {} files, {:.1} MB; {} unchanged files linked from the previous output",
                        w.written,
                        w.written_bytes as f64 / 1e6,
                        w.linked
                    );
                }
            }
            // The process ends here: freeing every page of the site one by one (a tenth
            // of a second at 10,000 articles, on one thread) would only delay the exit.
            std::mem::forget(built);
            ExitCode::SUCCESS
        }
        Err(problems) => report(&problems),
    }
}

fn run_check(args: CheckArgs) -> ExitCode {
    let options = match args.site.build_options(None) {
        Ok(o) => o,
        Err(problems) => return report(&problems),
    };
    let problems = crate::check::check(&args.site.root, &options);
    match args.format {
        Format::Json => print!("{}", crate::check::format_json(&problems)),
        Format::Text => print!("{}", crate::check::format_text(&problems)),
    }
    if problems.has_errors() || (args.deny_warnings && problems.warnings() > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_pack(args: PackArgs) -> ExitCode {
    use crate::pack;
    // A path that cannot take the PDF is named before the work, not after it.
    if let Err(d) = pack::check_output(&args.output) {
        return report(&Diagnostics::one(d));
    }
    let now = match args.site.now() {
        Ok(now) => now,
        Err(problems) => return report(&problems),
    };
    let options = pack::PackOptions {
        topic: args.topic,
        lang: args.lang,
        drafts: args.site.drafts,
        future: args.site.future,
        now,
    };
    let made = match pack::make(&args.site.root, &options) {
        Ok(made) => made,
        Err(problems) => return report(&problems),
    };
    if let Err(d) = pack::write_pdf(&made.pdf.bytes, &args.output) {
        return report(&Diagnostics::one(d));
    }
    if !args.quiet {
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        println!(
            "Wrote {} ({}: {}, {}, {}) in {} ms",
            args.output.display(),
            made.title,
            count(made.articles, "article", "articles"),
            count(made.sources, "source", "sources"),
            count(made.pdf.pages, "page", "pages"),
            made.elapsed.as_millis()
        );
    }
    if std::env::var_os("ATTACHE_TIMINGS").is_some() {
        for (stage, time) in &made.stages {
            eprintln!("{stage:>8}: {:>7.1} ms", time.as_secs_f64() * 1000.0);
        }
    }
    ExitCode::SUCCESS
}

fn run_new(command: NewCommand) -> ExitCode {
    let result = match command {
        NewCommand::Article {
            title,
            lang,
            of: Some(of),
            root,
            ..
        } => crate::scaffold::new_translation(
            &root,
            &crate::scaffold::NewTranslation {
                // `--of` requires `--lang`.
                lang: lang.unwrap_or_default(),
                of,
                title,
            },
        ),
        NewCommand::Article {
            title,
            lang,
            of: None,
            topics,
            date,
            slug,
            root,
        } => crate::scaffold::new_article(
            &root,
            &crate::scaffold::NewArticle {
                // The title is required unless `--of` is given.
                title: title.unwrap_or_default(),
                topics,
                date,
                slug,
                lang,
            },
        ),
        NewCommand::Topic { id, title, root } => {
            crate::scaffold::new_topic(&root, &id, title.as_deref())
        }
    };
    match result {
        Ok(path) => {
            println!("Created {}", path.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn run_init(args: InitArgs) -> ExitCode {
    match crate::scaffold::init(&args.dir, &args.title) {
        Ok(files) => {
            for f in &files {
                println!("Created {}", f.display());
            }
            println!("\nNext: cd {} && attache serve", args.dir.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn fail(error: &crate::scaffold::ScaffoldError) -> ExitCode {
    match error {
        crate::scaffold::ScaffoldError::Site(problems) => report(problems),
        e => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_serve(args: ServeArgs) -> ExitCode {
    let bind: std::net::IpAddr = match args.bind.as_str() {
        "localhost" => std::net::IpAddr::from([127, 0, 0, 1]),
        other => match other.trim_matches(|c| c == '[' || c == ']').parse() {
            Ok(ip) => ip,
            Err(_) => {
                eprintln!(
                    "error: `--bind {other}` is not an IP address: give one such as 127.0.0.1, ::1 or 0.0.0.0"
                );
                return ExitCode::FAILURE;
            }
        },
    };
    let now = match args.site.now() {
        Ok(now) => now,
        Err(problems) => return report(&problems),
    };
    let options = crate::serve::ServeOptions {
        root: args.site.root,
        bind,
        port: args.port,
        drafts: args.site.drafts,
        now,
        quiet: false,
        stop_on_ctrl_c: true,
    };
    match crate::serve::start(options) {
        Ok(handle) => {
            if args.open {
                crate::serve::open_browser(handle.url());
            }
            handle.wait();
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            if matches!(e, crate::serve::StartError::Bind { .. }) {
                eprintln!(
                    "  help: is another server using that port? Try `--port 0` for a free one"
                );
            }
            ExitCode::FAILURE
        }
    }
}

/// Prints every problem to stderr and returns the failure exit code.
pub fn report(problems: &Diagnostics) -> ExitCode {
    eprintln!("{}", problems.render(color_on_stderr()));
    ExitCode::FAILURE
}

/// Whether reports on stderr may be coloured: a terminal, and no `NO_COLOR`.
fn color_on_stderr() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}
