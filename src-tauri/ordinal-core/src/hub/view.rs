//! A list's order and window, kept where the rows are (issue #20).
//!
//! The webview holds every row of a list to sort and filter it: with 10,000 StatefulSets that is
//! ~20 MB of its JavaScript heap (measured with `JSC_logGC=1`: 3.5 MB after a full collection
//! before connecting, 24 MB after the list), and the web process grows by ~45 MB. A [`ListView`]
//! keeps, in the core, the order the user asked for ([`ListOrder`]: sort column and direction,
//! name filter, label selector) over a watch's rows and one joined column's (the Doctor's), so
//! the webview needs only the rows of the window it draws ([`ListView::window`]).
//!
//! The order is the one `ui/src/lib/rows.ts` (`sortRows`, `filterRows`) gives: by the column's sort
//! value (the joined column's, the row's own, or the cell's text), names in natural order
//! ([`natural_cmp`], as `ui/src/lib/naturalCompare.ts`), then by key. A change re-places only the
//! rows it names (a binary search out, a binary search in), so a delta of `k` rows costs
//! `O(k log n)` comparisons plus moving pointers, never a sort of the list.

use std::borrow::{Borrow, Cow};
use std::cmp::Ordering;
use std::collections::HashSet;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::RowsEvent;
use crate::kinds::{Cell, Row, SortKey};

/// What the user asked the list to show, and in which order.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ListOrder {
    /// The sort column and direction; none sorts by key.
    pub sort: Option<SortBy>,
    /// Rows whose name contains this (trimmed, case-insensitive); empty matches every row.
    #[serde(default)]
    pub query: String,
    /// A label selector, parsed (the UI parses it as the user types and shows its errors).
    #[serde(default)]
    pub selector: Vec<Requirement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SortBy {
    pub column: String,
    pub dir: SortDir,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SortDir {
    Asc,
    Desc,
}

/// One requirement of a label selector (`ui/src/lib/selector.ts` `Requirement`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Requirement {
    Eq { key: String, value: String },
    Neq { key: String, value: String },
    In { key: String, values: Vec<String> },
    Notin { key: String, values: Vec<String> },
    Exists { key: String },
    Notexists { key: String },
}

impl Requirement {
    /// Whether a row with `label` (this requirement's key's value, if the row has the label)
    /// meets it.
    fn admits(&self, label: Option<&str>) -> bool {
        match self {
            Requirement::Eq { value, .. } => label == Some(value.as_str()),
            Requirement::Neq { value, .. } => label != Some(value.as_str()),
            Requirement::In { values, .. } => label.is_some_and(|v| values.iter().any(|x| x == v)),
            Requirement::Notin { values, .. } => {
                !label.is_some_and(|v| values.iter().any(|x| x == v))
            }
            Requirement::Exists { .. } => label.is_some(),
            Requirement::Notexists { .. } => label.is_none(),
        }
    }

    fn key(&self) -> &str {
        match self {
            Requirement::Eq { key, .. }
            | Requirement::Neq { key, .. }
            | Requirement::In { key, .. }
            | Requirement::Notin { key, .. }
            | Requirement::Exists { key }
            | Requirement::Notexists { key } => key,
        }
    }
}

/// A row in a set, found by its key without a second copy of the key.
#[derive(Clone)]
struct ByKey(Arc<Row>);

impl Borrow<str> for ByKey {
    fn borrow(&self) -> &str {
        &self.0.key
    }
}
impl Hash for ByKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.key.as_str().hash(state)
    }
}
impl PartialEq for ByKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.key == other.0.key
    }
}
impl Eq for ByKey {}

/// A value rows are sorted by: numbers before text, text in natural order.
enum Value<'a> {
    Num(f64),
    Text(Cow<'a, str>),
}

fn cmp_values(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Num(a), Value::Num(b)) => a.total_cmp(b),
        (Value::Num(_), Value::Text(_)) => Ordering::Less,
        (Value::Text(_), Value::Num(_)) => Ordering::Greater,
        (Value::Text(a), Value::Text(b)) => natural_cmp(a, b),
    }
}

/// Natural order for resource names, case-insensitive (ASCII): `app-2` before `app-10`, `Web`
/// next to `web`; runs of digits compare by value (leading zeros skipped), then by length; other
/// characters by code point. `ui/src/lib/naturalCompare.ts` is the same order in the webview.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i].is_ascii_digit() && b[j].is_ascii_digit() {
            let digits = |s: &[u8], mut k: usize| {
                while k < s.len() && s[k] == b'0' {
                    k += 1;
                }
                let start = k;
                while k < s.len() && s[k].is_ascii_digit() {
                    k += 1;
                }
                (start, k)
            };
            let (si, ei) = digits(a, i);
            let (sj, ej) = digits(b, j);
            let by_len = (ei - si).cmp(&(ej - sj));
            if by_len != Ordering::Equal {
                return by_len;
            }
            let by_digits = a[si..ei].cmp(&b[sj..ej]);
            if by_digits != Ordering::Equal {
                return by_digits;
            }
            (i, j) = (ei, ej);
            continue;
        }
        let d = a[i].to_ascii_lowercase().cmp(&b[j].to_ascii_lowercase());
        if d != Ordering::Equal {
            return d;
        }
        i += 1;
        j += 1;
    }
    (a.len() - i).cmp(&(b.len() - j))
}

/// A cell's text, for columns without a sort value (`cellText` in `ui/src/components/Status.tsx`).
fn cell_text(cell: Option<&Cell>) -> Cow<'_, str> {
    match cell {
        None | Some(Cell::Empty) => Cow::Borrowed(""),
        Some(Cell::Text { v } | Cell::Mono { v }) => Cow::Borrowed(v),
        Some(Cell::Status { key, params, .. }) => Cow::Owned(format!(
            "{key}{}",
            serde_json::to_string(params).unwrap_or_default()
        )),
        Some(Cell::Count { v }) => Cow::Owned(v.to_string()),
        Some(Cell::Age { v }) => Cow::Owned(v.to_string()),
        Some(Cell::Chips { v }) => Cow::Owned(v.join(",")),
        Some(Cell::Progress { done, total, .. }) => Cow::Owned(format!("{done}/{total}")),
        Some(Cell::Findings { v }) => Cow::Owned(v.len().to_string()),
    }
}

/// The Doctor's rank of a findings cell: worst first when ascending (`doctorRank` in the UI).
fn findings_rank(cell: Option<&Cell>) -> f64 {
    let Some(Cell::Findings { v }) = cell else {
        return 0.0;
    };
    -v.iter()
        .map(|f| match f.severity {
            crate::kinds::detail::Severity::Error => 10_000.0,
            crate::kinds::detail::Severity::Warning => 100.0,
            crate::kinds::detail::Severity::Info => 1.0,
        })
        .sum::<f64>()
}

/// The labels of a row, from its `labels` chips (`key=value`, or a bare `key`).
fn label<'a>(row: &'a Row, key: &str) -> Option<&'a str> {
    let Some(Cell::Chips { v }) = row.cells.get("labels") else {
        return None;
    };
    v.iter().find_map(|chip| match chip.split_once('=') {
        Some((k, value)) if k == key => Some(value),
        None if chip == key => Some(""),
        _ => None,
    })
}

/// A list's rows in the order the user asked for, and the window of them the webview draws.
pub struct ListView {
    order: ListOrder,
    /// The order's query, trimmed and lowercased.
    query: String,
    /// The id of the joined column (its cells come from `joined`, by row key).
    joined_id: Option<String>,
    rows: HashSet<ByKey>,
    joined: HashSet<ByKey>,
    /// Whether the joined column has answered (its reset arrived).
    joined_loaded: bool,
    /// The rows that match the order's filters, sorted.
    shown: Vec<Arc<Row>>,
}

impl ListView {
    /// An empty list; `joined_id` names the column whose cells come from [`Self::apply_joined`].
    pub fn new(order: ListOrder, joined_id: Option<&str>) -> Self {
        let mut view = ListView {
            order: ListOrder::default(),
            query: String::new(),
            joined_id: joined_id.map(str::to_string),
            rows: HashSet::new(),
            joined: HashSet::new(),
            joined_loaded: false,
            shown: Vec::new(),
        };
        view.set_order(order);
        view
    }

    pub fn order(&self) -> &ListOrder {
        &self.order
    }

    /// Rows matching the order's filters.
    pub fn total(&self) -> usize {
        self.shown.len()
    }

    /// Rows in the watch.
    pub fn count(&self) -> usize {
        self.rows.len()
    }

    /// The rows `offset..offset + len` of the order (fewer at its end).
    pub fn window(&self, offset: usize, len: usize) -> &[Arc<Row>] {
        let start = offset.min(self.shown.len());
        let end = offset.saturating_add(len).min(self.shown.len());
        &self.shown[start..end]
    }

    /// The joined column's cell of the row `key`; none until the joined column has answered.
    pub fn joined_cell(&self, key: &str) -> Option<&Cell> {
        let id = self.joined_id.as_deref()?;
        self.joined.get(key)?.0.cells.get(id)
    }

    /// Whether the joined column has answered.
    pub fn joined_loaded(&self) -> bool {
        self.joined_loaded
    }

    /// The keys of every matching row, in order ("select all").
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.shown.iter().map(|r| r.key.as_str())
    }

    /// The distinct namespaces of every row in the watch, sorted.
    pub fn namespaces(&self) -> Vec<String> {
        let set: std::collections::BTreeSet<&str> = self
            .rows
            .iter()
            .filter_map(|r| r.0.namespace.as_deref())
            .collect();
        set.into_iter().map(str::to_string).collect()
    }

    /// The row `key`, whether or not it matches the filters.
    pub fn row(&self, key: &str) -> Option<&Arc<Row>> {
        self.rows.get(key).map(|r| &r.0)
    }

    /// Where the row `key` is in the order; none when it is filtered out or absent.
    pub fn index_of(&self, key: &str) -> Option<usize> {
        let row = self.rows.get(key)?.0.clone();
        self.find(&row).ok()
    }

    /// A new order: filters and sort again.
    pub fn set_order(&mut self, order: ListOrder) {
        self.query = order.query.trim().to_lowercase();
        self.order = order;
        self.reshow();
    }

    /// Applies one event of the watch's rows; returns whether the rows changed.
    pub fn apply(&mut self, event: &RowsEvent) -> bool {
        match event {
            RowsEvent::Reset { rows } | RowsEvent::Preview { rows } => {
                self.rows = rows.iter().cloned().map(ByKey).collect();
                self.reshow();
                true
            }
            RowsEvent::Delta { upserts, deletes } => {
                for key in deletes {
                    if let Some(old) = self.rows.take(key.as_str()) {
                        self.unshow(&old.0);
                    }
                }
                for row in upserts {
                    if let Some(old) = self.rows.replace(ByKey(row.clone())) {
                        self.unshow(&old.0);
                    }
                    self.show(row.clone());
                }
                !upserts.is_empty() || !deletes.is_empty()
            }
            RowsEvent::State { .. } => false,
        }
    }

    /// Applies one event of the joined column's rows; returns whether its cells changed.
    pub fn apply_joined(&mut self, event: &RowsEvent) -> bool {
        let sorts_by_it = self.sorts_by_joined();
        match event {
            RowsEvent::Reset { rows } | RowsEvent::Preview { rows } => {
                self.joined = rows.iter().cloned().map(ByKey).collect();
                self.joined_loaded = true;
                if sorts_by_it {
                    self.resort();
                }
                true
            }
            RowsEvent::Delta { upserts, deletes } => {
                // each key once, however often the delta names it
                let keys: HashSet<&str> = deletes
                    .iter()
                    .map(String::as_str)
                    .chain(upserts.iter().map(|r| r.key.as_str()))
                    .collect();
                // A row sorted by the joined value leaves its place before the value changes.
                let moving: Vec<Arc<Row>> = if sorts_by_it {
                    keys.into_iter()
                        .filter_map(|k| self.rows.get(k).map(|r| r.0.clone()))
                        .collect()
                } else {
                    Vec::new()
                };
                for row in &moving {
                    self.unshow(row);
                }
                for key in deletes {
                    self.joined.remove(key.as_str());
                }
                for row in upserts {
                    self.joined.replace(ByKey(row.clone()));
                }
                for row in moving {
                    self.show(row);
                }
                !upserts.is_empty() || !deletes.is_empty()
            }
            RowsEvent::State { .. } => false,
        }
    }

    fn sorts_by_joined(&self) -> bool {
        matches!((&self.order.sort, &self.joined_id), (Some(s), Some(id)) if &s.column == id)
    }

    fn matches(&self, row: &Row) -> bool {
        (self.query.is_empty() || row.name.to_lowercase().contains(&self.query))
            && self
                .order
                .selector
                .iter()
                .all(|r| r.admits(label(row, r.key())))
    }

    fn value<'a>(&'a self, row: &'a Row, column: &str) -> Value<'a> {
        if self.joined_id.as_deref() == Some(column) {
            let joined = self.joined.get(row.key.as_str()).map(|r| &r.0);
            return match joined.and_then(|j| j.sort.get(column)) {
                Some(v) => sort_value(v),
                None => Value::Num(findings_rank(joined.and_then(|j| j.cells.get(column)))),
            };
        }
        if let Some(v) = row.sort.get(column) {
            return sort_value(v);
        }
        match column {
            "name" => Value::Text(Cow::Borrowed(&row.name)),
            "namespace" => Value::Text(Cow::Borrowed(row.namespace.as_deref().unwrap_or(""))),
            _ => Value::Text(cell_text(row.cells.get(column))),
        }
    }

    fn cmp(&self, a: &Row, b: &Row) -> Ordering {
        let by_value = match &self.order.sort {
            None => Ordering::Equal,
            Some(SortBy { column, dir }) => {
                let o = cmp_values(&self.value(a, column), &self.value(b, column));
                if *dir == SortDir::Desc {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        // the key breaks ties (natural order, then bytes: `app-01` and `app-1` are not equal)
        by_value
            .then_with(|| natural_cmp(&a.key, &b.key))
            .then_with(|| a.key.cmp(&b.key))
    }

    fn find(&self, row: &Row) -> Result<usize, usize> {
        self.shown.binary_search_by(|x| self.cmp(x, row))
    }

    /// Takes `row` (as it is in the order now) out of the order, if it is there.
    fn unshow(&mut self, row: &Arc<Row>) {
        if let Ok(i) = self.find(row) {
            debug_assert!(Arc::ptr_eq(&self.shown[i], row));
            self.shown.remove(i);
        }
    }

    /// Puts `row` in its place in the order, if it matches the filters (in the place of the row
    /// with its key, should that still be there: a row is never shown twice).
    fn show(&mut self, row: Arc<Row>) {
        if self.matches(&row) {
            match self.find(&row) {
                Ok(i) => self.shown[i] = row,
                Err(i) => self.shown.insert(i, row),
            }
        }
    }

    /// Forgets the joined column (its stream ended): its cells are unknown again.
    pub fn clear_joined(&mut self) {
        self.joined.clear();
        self.joined_loaded = false;
        if self.sorts_by_joined() {
            self.resort();
        }
    }

    fn reshow(&mut self) {
        let shown: Vec<Arc<Row>> = self
            .rows
            .iter()
            .filter(|r| self.matches(&r.0))
            .map(|r| r.0.clone())
            .collect();
        self.shown = shown;
        self.resort();
    }

    fn resort(&mut self) {
        let mut shown = std::mem::take(&mut self.shown);
        shown.sort_by(|a, b| self.cmp(a, b));
        self.shown = shown;
    }
}

fn sort_value(v: &SortKey) -> Value<'_> {
    match v {
        SortKey::Num(n) => Value::Num(*n),
        SortKey::Text(s) => Value::Text(Cow::Borrowed(s)),
    }
}

#[cfg(test)]
#[path = "view_tests.rs"]
mod tests;
