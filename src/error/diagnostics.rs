//! [`Diagnostics`]: every problem of a build or check, sorted into file order and printed
//! together, with the counts of errors and warnings under them.

use std::fmt;

use super::{Diagnostic, counts};

/// Problems of a build or check, in file order: the errors that stopped it, and warnings.
#[derive(Debug, Clone, Default, thiserror::Error)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn one(diagnostic: Diagnostic) -> Self {
        Diagnostics(vec![diagnostic])
    }

    /// Sorted by file, then position, so reports are stable and grouped by file.
    pub fn sorted(mut self) -> Self {
        self.0
            .sort_by(|a, b| (a.path.as_path(), a.location).cmp(&(b.path.as_path(), b.location)));
        self
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many are errors.
    pub fn errors(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    /// How many are warnings.
    pub fn warnings(&self) -> usize {
        self.0.len() - self.errors()
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Adds `more` (for warnings found beside errors, so one run shows both).
    pub fn with(mut self, more: impl IntoIterator<Item = Diagnostic>) -> Self {
        self.0.extend(more);
        self.sorted()
    }

    /// `2 errors, 1 warning`, leaving out a kind there is none of (`3 warnings`).
    pub fn counts(&self) -> String {
        counts(self.errors(), self.warnings())
    }

    /// Both values, or the problems of either or both: for stages that run side by side
    /// and should report everything wrong with either.
    pub fn both<A, B>(
        a: Result<A, Diagnostics>,
        b: Result<B, Diagnostics>,
    ) -> Result<(A, B), Diagnostics> {
        match (a, b) {
            (Ok(a), Ok(b)) => Ok((a, b)),
            (a, b) => {
                let mut all = Vec::new();
                all.extend(a.err().into_iter().flat_map(|d| d.0));
                all.extend(b.err().into_iter().flat_map(|d| d.0));
                Err(Diagnostics(all).sorted())
            }
        }
    }

    /// Returns `Ok(value)` when there is nothing to report.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self.sorted())
        }
    }

    /// Each problem with its excerpt and hint, errors and warnings alike, one after the
    /// other (no count).
    pub fn render_each(&self, color: bool) -> String {
        let mut out = String::new();
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            out.push_str(&d.render(color));
        }
        out
    }

    /// The full multi-line report of a build that failed, ending with a count.
    pub fn render(&self, color: bool) -> String {
        let mut out = self.render_each(color);
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&self.counts());
        if self.has_errors() {
            out.push_str(" — nothing was written");
        }
        out
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics::one(d)
    }
}
