//! The error every experiment and command returns, with messages written for the user.

use crate::backend::BackendError;
use crate::data::DataError;
use crate::ops::AlphaError;

/// Why a run could not start or did not finish.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// A setting is out of range (zero batch, zero width, ...).
    #[error("{0}")]
    Config(String),
    /// A bad ReLU'(0).
    #[error(transparent)]
    Alpha(#[from] AlphaError),
    /// The precision/device pair cannot run here.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The data set is missing or malformed.
    #[error(transparent)]
    Data(#[from] DataError),
    /// The device failed while running (lost device, out of memory, shader error).
    #[error("the device failed: {0}")]
    Device(String),
    /// Writing results failed.
    #[error("{0}")]
    Output(String),
}

impl Error {
    /// Exit code for the command line: 2 for bad input, 1 for a failure while running.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Device(_) | Error::Output(_) => 1,
            _ => 2,
        }
    }
}

impl From<burn::backend::ExecutionError> for Error {
    fn from(e: burn::backend::ExecutionError) -> Self {
        Error::Device(e.to_string())
    }
}
