//! Merging JSONL shards of a sweep (`--shard K/N`) into one file ordered by draw (or run) index
//! and, for training records, epoch.

use crate::error::Error;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Reads every record of `files`, keyed by their `draw` (volume, affected, zeros) or `run`
/// (train) field and their `epoch` field if any, and returns them in key order. A key present
/// twice is an error unless both records are the same apart from their timing (`elapsed_s`),
/// as happens when a shard was run twice.
pub fn merge_shards(files: &[&Path]) -> Result<Vec<Value>, Error> {
    let mut records: BTreeMap<(u64, u64), (Value, String)> = BTreeMap::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .map_err(|e| Error::Config(format!("{}: cannot read: {e}", file.display())))?;
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let at = || format!("{}:{}", file.display(), number + 1);
            let record: Value = serde_json::from_str(line)
                .map_err(|e| Error::Config(format!("{}: not a JSON record: {e}", at())))?;
            let index = record
                .get("draw")
                .or_else(|| record.get("run"))
                .and_then(Value::as_u64)
                .ok_or_else(|| {
                    Error::Config(format!("{}: record has no draw or run index", at()))
                })?;
            let epoch = record.get("epoch").and_then(Value::as_u64).unwrap_or(0);
            let key = (index, epoch);
            let place = at();
            match records.get(&key) {
                Some((existing, first)) if without_timing(existing) != without_timing(&record) => {
                    let epoch = if epoch > 0 {
                        format!(" epoch {epoch}")
                    } else {
                        String::new()
                    };
                    return Err(Error::Config(format!(
                        "record {index}{epoch} differs between {first} and {place}"
                    )));
                }
                Some(_) => {}
                None => {
                    records.insert(key, (record, place));
                }
            }
        }
    }
    Ok(records.into_values().map(|(record, _)| record).collect())
}

/// The record without its wall-time field.
pub fn without_timing(record: &Value) -> Value {
    let mut record = record.clone();
    if let Some(object) = record.as_object_mut() {
        object.remove("elapsed_s");
    }
    record
}
