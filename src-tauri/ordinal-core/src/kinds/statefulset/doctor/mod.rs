//! The Doctor: what is wrong with a StatefulSet's stable identity and rollout, judged from the
//! set and the objects around it (its pods, claims, governing Service and disruption budgets).
//!
//! [`findings`] is the one judge. The detail's findings panel ([`super::detail::build`]) and the
//! list's count badge ([`DoctorWatch::doctor`], a derived watch of the hub) both call it, so the
//! badge always counts what the panel lists. It reads compact facts rather than objects: the
//! list's watch over a whole cluster keeps a few dozen bytes per pod, not the pod.
//!
//! - `facts.rs`: the facts kept per object ([`SetFacts`], [`PodFacts`], [`ClaimFacts`],
//!   [`ServiceFacts`], [`PdbFacts`]).
//! - `rules.rs`: the judge ([`findings`], [`pod_finding`]) and its helpers.
//! - `watch.rs`: the list's badge, live: facts of every set in a scope, judged again on change.

mod facts;
mod rules;
mod watch;

pub use facts::*;
pub use rules::*;
pub use watch::{DoctorWatch, DOCTOR_ID};
