//! Editing one object as YAML, never overwriting anyone silently.
//!
//! - [`read`]: the object as the editor shows it: no `managedFields`, no `status` (the server
//!   ignores status in an apply to the main resource), `resourceVersion` kept.
//! - [`validate`]: parse errors with line and column, and edits that would address another
//!   object (apiVersion, kind, name, namespace, uid): refused before anything is sent.
//! - [`plan`]: server-side apply with field manager `ordinal` and `dryRun=All`: the diff of
//!   exactly what would change, or why it cannot: fields owned by other managers (with the forced
//!   diff), someone else changed the object since it was read (compared with the text the user
//!   started from, status ignored; the latest version and their change are returned), or the
//!   server's validation (422) per field.
//! - [`apply`]: the same for real, optionally forcing conflicts.
//! - A text that drops fields the object has goes as a JSON patch behind a resourceVersion test
//!   instead (as `kubectl edit` does): an apply cannot remove fields other managers also own
//!   (`removals`).
//!
//! Generic over the kind through kube's dynamic API; the session picks the [`ApiResource`].

use kube::api::{Api, ApiResource, DynamicObject, Patch, PatchParams};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

use crate::cluster::ClusterError;
use crate::error::{Classify, IpcError};

pub mod checks;
mod removals;
pub mod schema;

/// The field manager of every apply Ordinal makes.
pub const FIELD_MANAGER: &str = "ordinal";

/// Which object is being edited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EditTarget {
    pub context: String,
    /// Kind id in the registry (`statefulsets`).
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

/// The object as the editor shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ObjectText {
    pub yaml: String,
    pub resource_version: String,
}

/// A problem at a place in the text or a field of the object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct EditProblem {
    /// The field path (`spec.selector`), when known.
    pub field: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

/// A field another manager owns with a different value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FieldConflict {
    pub field: String,
    pub manager: String,
}

/// One line of a unified diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DiffLine {
    /// `context`, `add`, `remove`, or `gap` (unchanged lines left out).
    pub kind: String,
    pub text: String,
}

/// What a dry run (or an apply) found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum ApplyOutcome {
    /// Nothing would change.
    NoChange,
    /// These lines would change (dry run), or changed (apply, with the new version).
    Changes {
        diff: Vec<DiffLine>,
        added: u32,
        removed: u32,
        /// After a real apply: the object's new resourceVersion.
        resource_version: Option<String>,
    },
    /// Other managers own fields this edit changes; `forced` is what forcing would change.
    Conflicts {
        conflicts: Vec<FieldConflict>,
        message: String,
        forced: Vec<DiffLine>,
    },
    /// Someone else changed the object's editable part since the text was read: nothing was
    /// applied. `latest` is the current version; `diff` shows what they changed.
    Changed {
        latest: ObjectText,
        diff: Vec<DiffLine>,
    },
    /// Refused: the text does not parse, addresses another object, or the server's validation
    /// failed (nothing was written).
    Invalid { problems: Vec<EditProblem> },
}

fn ipc(e: &kube::Error) -> IpcError {
    ClusterError::from_kube(e).to_ipc()
}

fn strip(mut v: Value, keep_rv: bool) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.remove("status");
        if let Some(m) = o.get_mut("metadata").and_then(Value::as_object_mut) {
            m.remove("managedFields");
            if !keep_rv {
                m.remove("resourceVersion");
                m.remove("generation");
            }
        }
    }
    v
}

fn to_yaml(v: &Value) -> String {
    serde_saphyr::to_string(v).expect("a JSON value always serialises to YAML")
}

fn text_of(obj: &DynamicObject, keep_rv: bool) -> String {
    to_yaml(&strip(
        serde_json::to_value(obj).expect("plain data"),
        keep_rv,
    ))
}

/// Reads the object for the editor.
pub async fn read(
    client: kube::Client,
    ar: &ApiResource,
    namespace: &str,
    name: &str,
) -> Result<ObjectText, IpcError> {
    let api: Api<DynamicObject> = Api::namespaced_with(client, namespace, ar);
    let obj = api.get(name).await.map_err(|e| ipc(&e))?;
    Ok(ObjectText {
        resource_version: obj.metadata.resource_version.clone().unwrap_or_default(),
        yaml: text_of(&obj, true),
    })
}

/// Parses the text and checks it still addresses the edited object.
pub fn validate(
    yaml: &str,
    ar: &ApiResource,
    target: &EditTarget,
) -> Result<Value, Vec<EditProblem>> {
    validate_target(yaml, ar, target)
}

/// [`validate`], plus the kind's own rules ([`checks`]), with `base` (the object as read) for
/// fields that cannot change. Nothing is sent when this fails.
pub fn validate_against(
    yaml: &str,
    ar: &ApiResource,
    target: &EditTarget,
    base: Option<&Value>,
) -> Result<Value, Vec<EditProblem>> {
    let v = validate_target(yaml, ar, target)?;
    if ar.kind == "StatefulSet" {
        let problems = checks::check_statefulset(&v, base);
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    Ok(v)
}

fn validate_target(
    yaml: &str,
    ar: &ApiResource,
    target: &EditTarget,
) -> Result<Value, Vec<EditProblem>> {
    let v: Value = match serde_saphyr::from_str(yaml) {
        Ok(v) => v,
        Err(e) => {
            let at = e.location().filter(|l| l.line() > 0);
            return Err(vec![yaml_problem(
                &e.to_string(),
                at.map(|l| (l.line() as u32, l.column() as u32)),
            )]);
        }
    };
    let mut problems = Vec::new();
    let mut want = |field: &str, have: Option<&str>, expected: &str| {
        if have != Some(expected) {
            problems.push(EditProblem {
                field: Some(field.into()),
                line: None,
                column: None,
                message: format!(
                    "{field} must stay {expected:?} (found {}): an edit cannot rename or move an object",
                    have.map_or("nothing".into(), |h| format!("{h:?}"))
                ),
            });
        }
    };
    if !v.is_object() {
        return Err(vec![EditProblem {
            field: None,
            line: Some(1),
            column: Some(1),
            message: "the text must be one YAML mapping (an object)".into(),
        }]);
    }
    want("apiVersion", v["apiVersion"].as_str(), &ar.api_version);
    want("kind", v["kind"].as_str(), &ar.kind);
    want(
        "metadata.name",
        v["metadata"]["name"].as_str(),
        &target.name,
    );
    want(
        "metadata.namespace",
        v["metadata"]["namespace"].as_str(),
        &target.namespace,
    );
    if problems.is_empty() {
        Ok(v)
    } else {
        Err(problems)
    }
}

/// A syntax error at the parser's position (`at`), or when it gives none, at the one its message
/// names ("... at line L, column C"; the first "line" followed by a number, so "multiline" in a
/// message does not count).
fn yaml_problem(message: &str, at: Option<(u32, u32)>) -> EditProblem {
    let num_after = |key: &str| -> Option<u32> {
        message.match_indices(key).find_map(|(i, _)| {
            let digits: String = message[i + key.len()..]
                .trim_start()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.parse().ok()
        })
    };
    let (line, column) = match at {
        Some((l, c)) => (Some(l), Some(c)),
        None => (num_after("line"), num_after("column")),
    };
    EditProblem {
        field: None,
        line,
        column,
        message: format!("not valid YAML: {message}"),
    }
}

/// Dry-runs (`dry_run`) or applies `yaml` with server-side apply. `base` is the text the user
/// started from ([`read`]): when the object's editable part (everything but status and
/// bookkeeping) no longer equals it, someone else changed it and nothing is applied. Status-only
/// churn (a controller updating ready counts) does not count. The current resourceVersion goes
/// into the apply as a precondition, so a change between that check and the write is caught too
/// (and the check re-run).
async fn run(
    client: kube::Client,
    ar: &ApiResource,
    target: &EditTarget,
    base: &str,
    yaml: &str,
    force: bool,
    dry_run: bool,
) -> Result<ApplyOutcome, IpcError> {
    let base_value: Option<Value> = serde_saphyr::from_str(base).ok();
    let mut applied = match validate_against(yaml, ar, target, base_value.as_ref()) {
        Ok(v) => v,
        Err(problems) => return Ok(ApplyOutcome::Invalid { problems }),
    };
    let base_text = strip_rv_text(base);
    let api: Api<DynamicObject> = Api::namespaced_with(client, &target.namespace, ar);
    let params = |force: bool, dry: bool| {
        let mut p = PatchParams::apply(FIELD_MANAGER);
        p.force = force;
        p.dry_run = dry;
        p
    };
    let mut attempts = 0;
    loop {
        attempts += 1;
        let current = api.get(&target.name).await.map_err(|e| ipc(&e))?;
        let before = text_of(&current, false);
        if before != base_text {
            let latest = ObjectText {
                resource_version: current
                    .metadata
                    .resource_version
                    .clone()
                    .unwrap_or_default(),
                yaml: text_of(&current, true),
            };
            let (d, _, _) = diff(&base_text, &before);
            return Ok(ApplyOutcome::Changed { latest, diff: d });
        }
        let rv = current
            .metadata
            .resource_version
            .clone()
            .unwrap_or_default();
        // The text drops fields: an apply would keep those other managers own, so the edit goes
        // as a patch from the object to the text (see `removals`).
        let current_value = serde_json::to_value(&current).expect("plain data");
        if !removals::dropped(&current_value, &applied).is_empty() {
            let params = PatchParams {
                field_manager: Some(FIELD_MANAGER.into()),
                dry_run,
                ..Default::default()
            };
            let patch = removals::patch(&current_value, &applied, &rv);
            match api
                .patch(&target.name, &params, &Patch::<()>::Json(patch))
                .await
            {
                Ok(after) => return Ok(changes(&before, &after, dry_run)),
                Err(kube::Error::Api(s)) if s.code == 422 || s.code == 400 => {
                    // A failed resourceVersion test (the object changed since it was read):
                    // check again; otherwise the server refused the result.
                    let now = api.get(&target.name).await.map_err(|e| ipc(&e))?;
                    if now.metadata.resource_version.as_deref() != Some(rv.as_str()) && attempts < 4
                    {
                        continue;
                    }
                    return Ok(ApplyOutcome::Invalid {
                        problems: invalid_problems(&s),
                    });
                }
                Err(e) => return Err(ipc(&e)),
            }
        }
        applied["metadata"]["resourceVersion"] = Value::String(rv);
        match api
            .patch(
                &target.name,
                &params(force, dry_run),
                &Patch::Apply(&applied),
            )
            .await
        {
            Ok(after) => {
                // The review says so when the server would drop fields it does not know.
                if dry_run {
                    let kept = serde_json::to_value(&after).expect("plain data");
                    let problems = checks::not_kept(&applied, &kept);
                    if !problems.is_empty() {
                        return Ok(ApplyOutcome::Invalid { problems });
                    }
                }
                return Ok(changes(&before, &after, dry_run));
            }
            // A server that refuses fields its schema lacks (Kubernetes 1.20 answers 500).
            Err(kube::Error::Api(s)) if s.message.contains("field not declared in schema") => {
                return Ok(ApplyOutcome::Invalid {
                    problems: checks::undeclared_fields(&s.message),
                })
            }
            Err(kube::Error::Api(s)) if s.code == 409 => {
                let conflicts = field_conflicts(&s);
                if conflicts.is_empty() {
                    // The object changed between our read and the write: check again.
                    if attempts < 4 {
                        continue;
                    }
                    return Err(IpcError::new(
                        crate::error::ErrorCode::Conflict,
                        "the object keeps changing on the server; try again in a moment",
                    ));
                }
                // What forcing would change, computed without writing. (When even that is
                // invalid, forcing cannot help: report the validation instead.)
                let forced = match api
                    .patch(&target.name, &params(true, true), &Patch::Apply(&applied))
                    .await
                {
                    Ok(after) => diff(&before, &text_of(&after, false)).0,
                    Err(kube::Error::Api(s)) if s.code == 422 || s.code == 400 => {
                        return Ok(ApplyOutcome::Invalid {
                            problems: invalid_problems(&s),
                        })
                    }
                    // The object changed between the two dry runs (a controller's status write
                    // moved its resourceVersion): read it again rather than show an empty diff.
                    Err(kube::Error::Api(s)) if s.code == 409 && attempts < 4 => continue,
                    Err(e) => return Err(ipc(&e)),
                };
                return Ok(ApplyOutcome::Conflicts {
                    conflicts,
                    message: s.message.clone(),
                    forced,
                });
            }
            Err(kube::Error::Api(s)) if s.code == 422 || s.code == 400 => {
                return Ok(ApplyOutcome::Invalid {
                    problems: invalid_problems(&s),
                })
            }
            Err(e) => return Err(ipc(&e)),
        }
    }
}

/// The outcome of a write (or its dry run) that turned `before` into `after`.
fn changes(before: &str, after: &DynamicObject, dry_run: bool) -> ApplyOutcome {
    let (diff, added, removed) = diff(before, &text_of(after, false));
    if added == 0 && removed == 0 {
        return ApplyOutcome::NoChange;
    }
    ApplyOutcome::Changes {
        diff,
        added,
        removed,
        resource_version: (!dry_run)
            .then(|| after.metadata.resource_version.clone().unwrap_or_default()),
    }
}

/// The user's text without resourceVersion/generation, normalised like the server's objects.
fn strip_rv_text(yaml: &str) -> String {
    serde_saphyr::from_str::<Value>(yaml)
        .map(|v| to_yaml(&strip(v, false)))
        .unwrap_or_else(|_| yaml.to_string())
}

/// `dryRun=All`: what the edit would change, or why it cannot be applied.
pub async fn plan(
    client: kube::Client,
    ar: &ApiResource,
    target: &EditTarget,
    base: &str,
    yaml: &str,
) -> Result<ApplyOutcome, IpcError> {
    run(client, ar, target, base, yaml, false, true).await
}

/// Applies the edit (server-side apply, manager `ordinal`); `force` takes over conflicting
/// fields from their managers.
pub async fn apply(
    client: kube::Client,
    ar: &ApiResource,
    target: &EditTarget,
    base: &str,
    yaml: &str,
    force: bool,
) -> Result<ApplyOutcome, IpcError> {
    run(client, ar, target, base, yaml, force, false).await
}

fn field_conflicts(s: &kube::core::Status) -> Vec<FieldConflict> {
    let Some(details) = s.details.as_ref() else {
        return Vec::new();
    };
    details
        .causes
        .iter()
        .filter(|c| c.reason == "FieldManagerConflict")
        .map(|c| FieldConflict {
            field: c.field.trim_start_matches('.').to_string(),
            manager: c
                .message
                .split('"')
                .nth(1)
                .unwrap_or(&c.message)
                .to_string(),
        })
        .collect()
}

/// The causes of a 422/400 answer as problems at their fields (the message alone when the server
/// names no cause). Shared by every write that reviews with a dry run (edits, create, budgets).
pub(crate) fn invalid_problems(s: &kube::core::Status) -> Vec<EditProblem> {
    let causes = s
        .details
        .as_ref()
        .map(|d| d.causes.clone())
        .unwrap_or_default();
    if causes.is_empty() {
        return vec![EditProblem {
            field: None,
            line: None,
            column: None,
            message: s.message.clone(),
        }];
    }
    causes
        .into_iter()
        .map(|c| EditProblem {
            field: (!c.field.is_empty()).then(|| c.field.clone()),
            line: None,
            column: None,
            message: c.message,
        })
        .collect()
}

/// A unified diff with 3 lines of context; returns (lines, added, removed).
pub fn diff(before: &str, after: &str) -> (Vec<DiffLine>, u32, u32) {
    use similar::{ChangeTag, TextDiff};
    let d = TextDiff::from_lines(before, after);
    let mut out = Vec::new();
    let (mut added, mut removed) = (0, 0);
    for (i, group) in d.grouped_ops(3).iter().enumerate() {
        if i > 0 {
            out.push(DiffLine {
                kind: "gap".into(),
                text: "…".into(),
            });
        }
        for op in group {
            for change in d.iter_changes(op) {
                let kind = match change.tag() {
                    ChangeTag::Equal => "context",
                    ChangeTag::Insert => {
                        added += 1;
                        "add"
                    }
                    ChangeTag::Delete => {
                        removed += 1;
                        "remove"
                    }
                };
                out.push(DiffLine {
                    kind: kind.into(),
                    text: change.value().trim_end_matches('\n').to_string(),
                });
            }
        }
    }
    (out, added, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sts_ar() -> ApiResource {
        ApiResource::erase::<k8s_openapi::api::apps::v1::StatefulSet>(&())
    }

    fn target() -> EditTarget {
        EditTarget {
            context: "c".into(),
            kind: "statefulsets".into(),
            namespace: "db".into(),
            name: "pg".into(),
        }
    }

    #[test]
    fn a_multiline_scalars_error_points_at_its_line() {
        // "multiline" holds "line": the position is the parser's, not the word's
        let yaml = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: \"pg\n x\n";
        let e = validate(yaml, &sts_ar(), &target()).unwrap_err();
        assert!(e[0].line.is_some() && e[0].column.is_some(), "{e:?}");
        let p = yaml_problem(
            "invalid indentation in multiline quoted scalar at line 31, column 1",
            None,
        );
        assert_eq!((p.line, p.column), (Some(31), Some(1)));
    }

    #[test]
    fn validation_reports_yaml_positions_and_a_different_object() {
        let e = validate(
            "apiVersion: apps/v1\nkind: [unclosed\n",
            &sts_ar(),
            &target(),
        )
        .unwrap_err();
        assert!(e[0].line.is_some(), "{e:?}");
        assert!(e[0].message.contains("not valid YAML"));
        let e = validate(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: other, namespace: db}\n",
            &sts_ar(),
            &target(),
        )
        .unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field.as_deref(), Some("metadata.name"));
        assert!(validate("- a\n- b\n", &sts_ar(), &target()).is_err());
        assert!(validate(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: pg, namespace: db}\nspec: {replicas: 3}\n",
            &sts_ar(),
            &target()
        )
        .is_ok());
    }

    #[test]
    fn diff_counts_and_groups_changes() {
        let a = (1..=20).map(|i| format!("l{i}\n")).collect::<String>();
        let b = a.replace("l2\n", "l2x\n").replace("l18\n", "");
        let (d, added, removed) = diff(&a, &b);
        assert_eq!((added, removed), (1, 2));
        assert!(d.iter().any(|l| l.kind == "gap"));
        assert!(d.iter().any(|l| l.kind == "add" && l.text == "l2x"));
        assert_eq!(diff(&a, &a).0, Vec::new());
    }
}
