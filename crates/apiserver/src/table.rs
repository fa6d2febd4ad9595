//! Table output (kube-api.md §10): the `meta.k8s.io/v1` Table that `kubectl get` asks for with
//! `Accept: application/json;as=Table;v=v1;g=meta.k8s.io,...`, built from a resource's printer
//! columns, plus the Accept test, the response Content-Type and the `includeObject` option.
//!
//! Cells follow the upstream rules for CRD-style columns: the column's JSONPath (evaluated as
//! `{<path>}` by the project's kubectl-compatible engine, missing keys allowed) selects values,
//! only the *first* selected value is used, and it is converted by column type. Nothing
//! selected (or a value of the wrong type) gives a `null` cell, which kubectl prints as an empty
//! cell. `date` cells are human durations (`45s`, `5m12s`, `3h15m`, `2d`) relative to the `now`
//! the caller passes in.
//!
//! Differences from upstream, because the JSONPath engine exposes rendered text and not typed
//! values: a string that looks like a number or boolean (`"5"`, `"true"`) is accepted in an
//! `integer`/`number`/`boolean` column where upstream gives `null`, and a `string` column cell
//! whose value is the string `"null"` is `null`.
//!
//! Owns: column definitions, cell rendering, rows, Table envelopes, `HumanDuration`, and the
//! PartialObjectMetadata forms. Must not: read the clock, touch the store, negotiate anything but
//! the `meta.k8s.io` media types (Table, PartialObjectMetadata), or
//! write HTTP responses (the server wires these values into its handlers).

use flotilla_api::jsonpath::{RenderOptions, Template};
use k8s_openapi::jiff::{SignedDuration, Timestamp};
use serde_json::{Map, Value, json};

use crate::printers::{self, Derived};
use crate::registry::{Column, Resource};

/// The Content-Type of a Table response.
pub const TABLE_CONTENT_TYPE: &str = "application/json;as=Table;v=v1;g=meta.k8s.io";

/// The Table's `apiVersion`, also used for the PartialObjectMetadata rows.
const META_API_VERSION: &str = "meta.k8s.io/v1";

/// Description of the NAME column (ObjectMeta's `name` field).
const NAME_DESCRIPTION: &str = "Name must be unique within a namespace. Is required when \
creating resources, although some resources may allow a client to request the generation of \
an appropriate name automatically. Name is primarily intended for creation idempotence and \
configuration definition. Cannot be updated.";

/// Description of a column showing `.metadata.creationTimestamp`.
const CREATION_DESCRIPTION: &str = "CreationTimestamp is a timestamp representing the server \
time when this object was created.";

/// Path of the default AGE column.
const CREATION_PATH: &str = ".metadata.creationTimestamp";

/// Ends each value in the rendered text of a column's range template. Values containing it
/// are cut short at it (the only loss; it is an ASCII control character).
const VALUE_END: char = '\u{1f}';

/// Whether an Accept header asks for a `meta.k8s.io/v1` Table: one of its media ranges is
/// `application/json` with `as=Table`, `g=meta.k8s.io` and `v=v1` (any order, any other
/// parameters, not `q=0`). A range asking only for `v1beta1` does not count (we serve v1 only);
/// such clients, kubectl among them, also list plain `application/json`.
pub fn wants_table(accept: &str) -> bool {
    accept.split(',').any(is_table_v1)
}

fn is_table_v1(media_range: &str) -> bool {
    meta_v1_as(media_range).is_some_and(|r#as| r#as == "Table")
}

/// Whether an Accept header asks for `meta.k8s.io/v1` PartialObjectMetadata(List) (kube-api.md
/// §11; kube-rs metadata watchers), and not for a Table first.
pub fn wants_partial_metadata(accept: &str) -> bool {
    let first = accept.split(',').find_map(meta_v1_as);
    first.is_some_and(|r#as| r#as == "PartialObjectMetadata" || r#as == "PartialObjectMetadataList")
}

/// The `as` parameter of an `application/json` media range with `g=meta.k8s.io` and `v=v1`
/// (any order, any other parameters, not `q=0`).
fn meta_v1_as(media_range: &str) -> Option<&str> {
    let mut parts = media_range.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|m| m.eq_ignore_ascii_case("application/json"))
    {
        return None;
    }
    let (mut r#as, mut group, mut version, mut refused) = (None, false, false, false);
    for param in parts {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match key.trim().to_ascii_lowercase().as_str() {
            "as" => r#as = Some(value),
            "g" => group = value == "meta.k8s.io",
            "v" => version = value == "v1",
            "q" => refused = value.parse::<f64>().is_ok_and(|q| q <= 0.0),
            _ => {}
        }
    }
    r#as.filter(|_| group && version && !refused)
}

/// The Content-Type of a PartialObjectMetadata response.
pub const PARTIAL_METADATA_CONTENT_TYPE: &str =
    "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/// The Content-Type of a PartialObjectMetadataList response.
pub const PARTIAL_METADATA_LIST_CONTENT_TYPE: &str =
    "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

/// A `PartialObjectMetadataList` of these objects with the list's metadata.
pub fn partial_object_metadata_list(items: &[Value], metadata: Value) -> Value {
    partial_object_metadata_list_of(
        items.iter().map(partial_object_metadata).collect(),
        metadata,
    )
}

/// A `PartialObjectMetadataList` of items already in PartialObjectMetadata form.
pub fn partial_object_metadata_list_of(items: Vec<Value>, metadata: Value) -> Value {
    json!({"kind": "PartialObjectMetadataList", "apiVersion": META_API_VERSION,
           "metadata": metadata, "items": items})
}

/// What each row's `object` holds: the `includeObject` query parameter.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IncludeObject {
    /// `None`: rows have no `object`.
    None,
    /// `Metadata` (the default): a PartialObjectMetadata of the object.
    #[default]
    Metadata,
    /// `Object`: the full object.
    Object,
}

impl IncludeObject {
    /// Parses the query parameter; absent or empty means `Metadata`. An unknown value is an
    /// error whose text is meant for a 400 `BadRequest` Status.
    pub fn from_query(value: Option<&str>) -> Result<IncludeObject, String> {
        match value.unwrap_or("") {
            "" | "Metadata" => Ok(IncludeObject::Metadata),
            "None" => Ok(IncludeObject::None),
            "Object" => Ok(IncludeObject::Object),
            other => Err(format!("unrecognized includeObject value: {other:?}")),
        }
    }
}

/// The list metadata a list Table carries over from the list it renders.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TableListMeta {
    /// `metadata.resourceVersion` (never empty on a list).
    pub resource_version: String,
    /// `metadata.continue`, when there is a next page.
    pub continue_token: Option<String>,
    /// `metadata.remainingItemCount`, when known.
    pub remaining_item_count: Option<i64>,
}

/// A column with its JSONPath parsed once.
#[derive(Debug)]
struct PrintColumn {
    column: Column,
    /// `{range <path>}{@}<VALUE_END>{end}`; `None` when the path does not parse (cells are
    /// then `null`).
    template: Option<Template>,
}

/// Renders Tables for one resource; build it once per request (or watch) and reuse it.
#[derive(Debug)]
pub struct Printer {
    columns: Vec<PrintColumn>,
    /// Whether a column of `columns` is the NAME (else NAME comes first, implicitly).
    places_name: bool,
    /// Cells are computed on the stored form (events.k8s.io Events print as core Events).
    resource: Resource,
}

impl Printer {
    /// The resource's columns after NAME, or AGE alone when it declares none.
    pub fn new(resource: &Resource) -> Printer {
        let columns = if resource.columns.is_empty() {
            vec![default_age_column()]
        } else {
            resource.columns.clone()
        };
        let columns = columns
            .into_iter()
            .map(|column| {
                let text = format!("{{range {}}}{{@}}{VALUE_END}{{end}}", column.json_path);
                PrintColumn {
                    template: column
                        .derived
                        .is_none()
                        .then(|| Template::parse(&text).ok())
                        .flatten(),
                    column,
                }
            })
            .collect();
        let places_name = printers::places_name(&resource.columns);
        Printer {
            columns,
            places_name,
            resource: resource.clone(),
        }
    }

    /// `columnDefinitions`: NAME (format `name`) first, then the resource's columns with their
    /// priorities.
    pub fn column_definitions(&self) -> Value {
        let name = (!self.places_name).then(|| printers::name_definition(NAME_DESCRIPTION, 0));
        let rest = self.columns.iter().map(|c| {
            if c.column.derived == Some(Derived::Name) {
                return printers::name_definition(NAME_DESCRIPTION, c.column.priority);
            }
            let description = if c.column.json_path == CREATION_PATH {
                CREATION_DESCRIPTION
            } else {
                ""
            };
            json!({"name": c.column.name, "type": c.column.type_, "format": "",
                "description": description, "priority": c.column.priority})
        });
        Value::Array(name.into_iter().chain(rest).collect())
    }

    /// The cells of one object: its name, then one cell per column.
    pub fn cells(&self, object: &Value, now: Timestamp) -> Vec<Value> {
        let stored;
        let object = if self.resource.shared_storage.is_some() {
            stored = self.resource.to_stored(object);
            &stored
        } else {
            object
        };
        let name = object
            .pointer("/metadata/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut cells = Vec::with_capacity(self.columns.len() + 1);
        if !self.places_name {
            cells.push(Value::String(name.to_owned()));
        }
        cells.extend(self.columns.iter().map(|c| column_cell(c, object, now)));
        cells
    }

    /// One row: `{"cells": [...], "object": ...}`, `object` as `include` asks.
    pub fn row(&self, object: &Value, now: Timestamp, include: IncludeObject) -> Value {
        let mut row = Map::new();
        row.insert("cells".into(), Value::Array(self.cells(object, now)));
        match include {
            IncludeObject::None => {}
            IncludeObject::Metadata => {
                row.insert("object".into(), partial_object_metadata(object));
            }
            IncludeObject::Object => {
                row.insert("object".into(), object.clone());
            }
        }
        Value::Object(row)
    }

    /// The Table of a list: one row per item (none for an empty list) and the list's metadata.
    pub fn list_table(
        &self,
        items: &[Value],
        meta: &TableListMeta,
        now: Timestamp,
        include: IncludeObject,
    ) -> Value {
        let rows = items.iter().map(|o| self.row(o, now, include)).collect();
        self.rows_table(rows, meta)
    }

    /// The Table of a list from rows made with [`Printer::row`].
    pub fn rows_table(&self, rows: Vec<Value>, meta: &TableListMeta) -> Value {
        let mut metadata = Map::new();
        metadata.insert(
            "resourceVersion".into(),
            meta.resource_version.clone().into(),
        );
        if let Some(token) = meta.continue_token.as_deref().filter(|t| !t.is_empty()) {
            metadata.insert("continue".into(), token.into());
        }
        if let Some(count) = meta.remaining_item_count {
            metadata.insert("remainingItemCount".into(), count.into());
        }
        self.envelope(metadata, rows)
    }

    /// The one-row Table of a single object (GET, and each watch event); its metadata carries
    /// the object's resourceVersion, as upstream does.
    pub fn object_table(&self, object: &Value, now: Timestamp, include: IncludeObject) -> Value {
        let mut metadata = Map::new();
        if let Some(rv) = object
            .pointer("/metadata/resourceVersion")
            .and_then(Value::as_str)
            .filter(|rv| !rv.is_empty())
        {
            metadata.insert("resourceVersion".into(), rv.into());
        }
        self.envelope(metadata, vec![self.row(object, now, include)])
    }

    fn envelope(&self, metadata: Map<String, Value>, rows: Vec<Value>) -> Value {
        json!({
            "kind": "Table",
            "apiVersion": META_API_VERSION,
            "metadata": metadata,
            "columnDefinitions": self.column_definitions(),
            "rows": rows,
        })
    }
}

/// The Table of a list of `resource` objects (see [`Printer::list_table`]).
pub fn list_table(
    resource: &Resource,
    items: &[Value],
    meta: &TableListMeta,
    now: Timestamp,
    include: IncludeObject,
) -> Value {
    Printer::new(resource).list_table(items, meta, now, include)
}

/// The one-row Table of a single `resource` object (see [`Printer::object_table`]).
pub fn object_table(
    resource: &Resource,
    object: &Value,
    now: Timestamp,
    include: IncludeObject,
) -> Value {
    Printer::new(resource).object_table(object, now, include)
}

/// `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1","metadata":{...}}` of an
/// object (its whole metadata; `{}` when it has none).
pub fn partial_object_metadata(object: &Value) -> Value {
    let metadata = object.get("metadata").cloned().unwrap_or_else(|| json!({}));
    json!({"kind": "PartialObjectMetadata", "apiVersion": META_API_VERSION, "metadata": metadata})
}

fn default_age_column() -> Column {
    Column {
        name: "Age".into(),
        type_: "date".into(),
        json_path: CREATION_PATH.into(),
        priority: 0,
        derived: None,
    }
}

/// The cell of one column: the first value the path selects, converted by column type.
fn column_cell(column: &PrintColumn, object: &Value, now: Timestamp) -> Value {
    if let Some(derived) = column.column.derived {
        return printers::cell(derived, object, now);
    }
    let Some(template) = &column.template else {
        return Value::Null;
    };
    let Ok(text) = template.render(object, &RenderOptions::default()) else {
        return Value::Null;
    };
    match text.split_once(VALUE_END) {
        Some((first, _)) => typed_cell(&column.column.type_, first, now),
        None => Value::Null,
    }
}

/// Converts the rendered text of a value to a cell of the column's type; `null` when it does
/// not fit (or the value was JSON null).
fn typed_cell(type_: &str, text: &str, now: Timestamp) -> Value {
    if text == "null" {
        return Value::Null;
    }
    match type_ {
        "string" => Value::String(text.to_owned()),
        "integer" => match text.parse::<i64>() {
            Ok(i) => i.into(),
            // Upstream truncates a JSON float in an integer column.
            Err(_) => finite_float(text).map_or(Value::Null, |f| (f.trunc() as i64).into()),
        },
        "number" => finite_float(text)
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        "boolean" => match text {
            "true" => true.into(),
            "false" => false.into(),
            _ => Value::Null,
        },
        "date" => date_cell(text, now).into(),
        _ => Value::Null,
    }
}

fn finite_float(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A `date` cell: the time since an RFC 3339 timestamp as [`human_duration`]; `<unknown>` for
/// an empty or zero (`0001-01-01T00:00:00Z`) time, `<invalid>` when it does not parse.
pub fn date_cell(text: &str, now: Timestamp) -> String {
    if text.is_empty() {
        return "<unknown>".into();
    }
    let Ok(time) = text.parse::<Timestamp>() else {
        return "<invalid>".into();
    };
    if time.as_second() == GO_ZERO_TIME_SECONDS && time.subsec_nanosecond() == 0 {
        return "<unknown>".into();
    }
    human_duration(now.duration_since(time))
}

/// Unix seconds of Go's zero time, 0001-01-01T00:00:00Z.
const GO_ZERO_TIME_SECONDS: i64 = -62_135_596_800;

/// Kubernetes' human-readable duration (kubectl's AGE): whole seconds, truncated; a little
/// negative skew (over -2 s) is `0s`, more is `<invalid>`. Then: under 2 min `Ns`; under 10 min
/// `XmYs` (`Xm` when Y is 0); under 3 h `Xm`; under 8 h `XhYm` (`Xh`); under 48 h `Xh`; under
/// 8 d `XdYh` (`Xd`); under 2 y `Xd`; under 8 y `XyYd` (`Xy`); else `Xy` (a year is 365 days).
pub fn human_duration(duration: SignedDuration) -> String {
    let seconds = duration.as_secs();
    if seconds < -1 {
        return "<invalid>".into();
    }
    if seconds < 0 {
        return "0s".into();
    }
    if seconds < 120 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        return with_remainder(minutes, "m", seconds % 60, "s");
    }
    if minutes < 3 * 60 {
        return format!("{minutes}m");
    }
    let hours = seconds / 3600;
    if hours < 8 {
        return with_remainder(hours, "h", minutes % 60, "m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    let days = hours / 24;
    if hours < 8 * 24 {
        return with_remainder(days, "d", hours % 24, "h");
    }
    if hours < 2 * 365 * 24 {
        return format!("{days}d");
    }
    let years = days / 365;
    if hours < 8 * 365 * 24 {
        return with_remainder(years, "y", days % 365, "d");
    }
    format!("{years}y")
}

/// `XaYb`, or `Xa` when `Y` is 0.
fn with_remainder(major: i64, major_unit: &str, minor: i64, minor_unit: &str) -> String {
    if minor == 0 {
        format!("{major}{major_unit}")
    } else {
        format!("{major}{major_unit}{minor}{minor_unit}")
    }
}

#[cfg(test)]
#[path = "table_tests.rs"]
mod tests;
