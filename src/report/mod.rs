//! Writing results: JSONL streams, one record per line, flushed as each record arrives so that
//! a killed run loses nothing it reported.

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
}

impl JsonlWriter {
    /// Creates (or truncates) `path`.
    pub fn create(path: &Path) -> Result<Self, Error> {
        let file = File::create(path)
            .map_err(|e| Error::Output(format!("{}: cannot create: {e}", path.display())))?;
        Ok(JsonlWriter {
            path: path.to_path_buf(),
            out: BufWriter::new(file),
        })
    }

    /// Appends one record and flushes it to the file.
    pub fn write<T: Serialize>(&mut self, record: &T) -> Result<(), Error> {
        let fail = |e: &dyn std::fmt::Display| {
            Error::Output(format!("{}: cannot write: {e}", self.path.display()))
        };
        let line = serde_json::to_string(record).map_err(|e| fail(&e))?;
        writeln!(self.out, "{line}").map_err(|e| fail(&e))?;
        self.out.flush().map_err(|e| fail(&e))
    }
}
