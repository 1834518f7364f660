//! Writing results: JSONL streams, one record per line, flushed as each record arrives so that
//! a killed run loses nothing it reported. Records are written without their wall time
//! (`elapsed_s`): the same command and seed give the same bytes; timing is in the report.

pub mod merge;
pub mod svg;

use crate::error::Error;
use serde::Serialize;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// An append-only JSON-lines file.
pub struct JsonlWriter {
    path: PathBuf,
    out: BufWriter<File>,
    /// Byte offset after each record kept from a resumed file.
    line_ends: Vec<u64>,
}

/// The key of a record's wall time, left out of JSONL files.
const TIMING_KEY: &str = "elapsed_s";

impl JsonlWriter {
    /// Reopens `path` to continue a killed run: returns the complete records already in it
    /// (JSON objects, one per line) and a writer that appends after them. A last line cut
    /// short by the kill is dropped from the file; any other unreadable line is an error.
    pub fn resume(path: &Path) -> Result<(Vec<serde_json::Value>, Self), Error> {
        let text = std::fs::read(path)
            .map_err(|e| Error::Config(format!("{}: cannot resume: {e}", path.display())))?;
        let mut records = Vec::new();
        let mut kept = 0usize;
        let mut line_ends = Vec::new();
        for (number, line) in text.split_inclusive(|&b| b == b'\n').enumerate() {
            let complete = line.ends_with(b"\n");
            match serde_json::from_slice::<serde_json::Value>(line) {
                Ok(value) if complete && value.is_object() => {
                    records.push(value);
                    kept += line.len();
                    line_ends.push(kept as u64);
                }
                // The kill cut the last line short: drop it.
                _ if !complete => break,
                _ => {
                    return Err(Error::Config(format!(
                        "{}:{}: not a relu0 record; cannot resume from this file",
                        path.display(),
                        number + 1
                    )));
                }
            }
        }
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| Error::Output(format!("{}: cannot reopen: {e}", path.display())))?;
        file.set_len(kept as u64)
            .map_err(|e| Error::Output(format!("{}: cannot trim: {e}", path.display())))?;
        let mut out = BufWriter::new(file);
        std::io::Seek::seek(&mut out, std::io::SeekFrom::End(0))
            .map_err(|e| Error::Output(format!("{}: cannot seek: {e}", path.display())))?;
        Ok((
            records,
            JsonlWriter {
                path: path.to_path_buf(),
                out,
                line_ends,
            },
        ))
    }

    /// Keeps only the first `count` records of a resumed file (the run redoes the rest).
    pub fn keep_first(&mut self, count: usize) -> Result<(), Error> {
        let Some(&end) = (match count {
            0 => Some(&0),
            n => self.line_ends.get(n - 1),
        }) else {
            return Ok(());
        };
        let fail =
            |e: std::io::Error| Error::Output(format!("{}: cannot trim: {e}", self.path.display()));
        self.out.flush().map_err(fail)?;
        self.out.get_ref().set_len(end).map_err(fail)?;
        std::io::Seek::seek(&mut self.out, std::io::SeekFrom::Start(end)).map_err(fail)?;
        self.line_ends.truncate(count);
        Ok(())
    }

    /// Creates (or truncates) `path`.
    pub fn create(path: &Path) -> Result<Self, Error> {
        let file = File::create(path)
            .map_err(|e| Error::Output(format!("{}: cannot create: {e}", path.display())))?;
        Ok(JsonlWriter {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
            line_ends: Vec::new(),
        })
    }

    /// Appends one record (without its wall time) and flushes it to the file.
    pub fn write<T: Serialize>(&mut self, record: &T) -> Result<(), Error> {
        let fail = |e: &dyn std::fmt::Display| {
            Error::Output(format!("{}: cannot write: {e}", self.path.display()))
        };
        let mut value = serde_json::to_value(record).map_err(|e| fail(&e))?;
        if let Some(object) = value.as_object_mut() {
            object.shift_remove(TIMING_KEY);
        }
        let line = serde_json::to_string(&value).map_err(|e| fail(&e))?;
        writeln!(self.out, "{line}").map_err(|e| fail(&e))?;
        self.out.flush().map_err(|e| fail(&e))
    }
}

/// JSON records (objects) as CSV: one column per key of the first record, arrays and objects
/// written as JSON text in a quoted cell.
pub fn records_csv(records: &[serde_json::Value]) -> String {
    let Some(serde_json::Value::Object(first)) = records.first() else {
        return String::new();
    };
    let keys: Vec<&String> = first.keys().collect();
    let cell = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => format!("\"{}\"", s.replace('"', "\"\"")),
        Some(v @ (serde_json::Value::Array(_) | serde_json::Value::Object(_))) => {
            format!("\"{}\"", v.to_string().replace('"', "\"\""))
        }
        Some(v) => v.to_string(),
    };
    let mut out = keys
        .iter()
        .map(|k| k.as_str())
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for record in records {
        let row: Vec<String> = keys.iter().map(|k| cell(record.get(k.as_str()))).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}
