//! The IDX format of MNIST and Fashion-MNIST (raw or gzip-compressed).
//!
//! Header: two zero bytes, a type byte (0x08 = unsigned byte, the only type these data sets
//! use), the number of dimensions, then one big-endian u32 per dimension.

use std::io::Read;

/// What can be wrong with an IDX file. Every message names the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdxError {
    /// The file could not be read.
    #[error("{name}: cannot read: {reason}")]
    Io {
        /// File name.
        name: String,
        /// The system's reason.
        reason: String,
    },
    /// Gzip stream is corrupt or truncated.
    #[error("{name}: not a valid gzip stream: {reason}")]
    Gzip {
        /// File name.
        name: String,
        /// The decoder's reason.
        reason: String,
    },
    /// Fewer bytes than the header needs.
    #[error("{name}: {len} bytes is too short for an IDX header")]
    ShortHeader {
        /// File name.
        name: String,
        /// Bytes in the file.
        len: usize,
    },
    /// The magic number is not an unsigned-byte IDX one.
    #[error(
        "{name}: bad magic number 0x{magic:08x} (expected 0x00000801 for labels or 0x00000803 for images)"
    )]
    BadMagic {
        /// File name.
        name: String,
        /// The first four bytes, big-endian.
        magic: u32,
    },
    /// The number of dimensions is not the one this kind of file has.
    #[error("{name}: has {found} dimensions, expected {expected}")]
    WrongRank {
        /// File name.
        name: String,
        /// Dimensions in the header.
        found: usize,
        /// Dimensions expected.
        expected: usize,
    },
    /// The dimensions multiply past what memory can address.
    #[error("{name}: header dimensions {dims:?} overflow")]
    Overflow {
        /// File name.
        name: String,
        /// The header's dimensions.
        dims: Vec<u32>,
    },
    /// The body is shorter than the header promises.
    #[error("{name}: header says {dims:?} ({expected} bytes of data), file holds {found}")]
    Truncated {
        /// File name.
        name: String,
        /// The header's dimensions.
        dims: Vec<u32>,
        /// Bytes the header promises.
        expected: usize,
        /// Bytes present.
        found: usize,
    },
    /// Trailing bytes after the promised body.
    #[error("{name}: {extra} bytes after the data the header describes")]
    TrailingBytes {
        /// File name.
        name: String,
        /// Extra bytes.
        extra: usize,
    },
    /// Images and labels disagree on the number of samples.
    #[error("{images} has {n_images} images but {labels} has {n_labels} labels")]
    CountMismatch {
        /// Image file name.
        images: String,
        /// Images in it.
        n_images: usize,
        /// Label file name.
        labels: String,
        /// Labels in it.
        n_labels: usize,
    },
    /// A label outside 0..=9.
    #[error("{name}: label {label} at index {index} is not a digit class 0-9")]
    BadLabel {
        /// File name.
        name: String,
        /// The label.
        label: u8,
        /// Its position.
        index: usize,
    },
    /// Images that are not square.
    #[error("{name}: images are {rows}x{cols}; square images are expected")]
    NotSquare {
        /// File name.
        name: String,
        /// Rows per image.
        rows: usize,
        /// Columns per image.
        cols: usize,
    },
    /// A file of zero samples.
    #[error("{name}: holds no samples")]
    Empty {
        /// File name.
        name: String,
    },
}

/// A parsed IDX tensor of unsigned bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxArray {
    /// Dimensions from the header.
    pub dims: Vec<usize>,
    /// Row-major data.
    pub data: Vec<u8>,
}

/// Largest decompressed file we accept (1 GiB: ten times full MNIST).
const MAX_DECOMPRESSED: u64 = 1 << 30;

/// Decompresses `bytes` if they start with the gzip magic, else returns them as they are.
pub fn maybe_gunzip(name: &str, bytes: Vec<u8>) -> Result<Vec<u8>, IdxError> {
    if bytes.len() >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(bytes.as_slice())
            .take(MAX_DECOMPRESSED + 1)
            .read_to_end(&mut out)
            .map_err(|e| IdxError::Gzip {
                name: name.to_string(),
                reason: e.to_string(),
            })?;
        if out.len() as u64 > MAX_DECOMPRESSED {
            return Err(IdxError::Gzip {
                name: name.to_string(),
                reason: format!("decompresses to more than {MAX_DECOMPRESSED} bytes"),
            });
        }
        Ok(out)
    } else {
        Ok(bytes)
    }
}

/// Parses an unsigned-byte IDX file with `rank` dimensions (raw or gzip).
pub fn parse(name: &str, bytes: Vec<u8>, rank: usize) -> Result<IdxArray, IdxError> {
    let bytes = maybe_gunzip(name, bytes)?;
    let named = || name.to_string();
    if bytes.len() < 4 {
        return Err(IdxError::ShortHeader {
            name: named(),
            len: bytes.len(),
        });
    }
    let magic = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    let ndim = (magic & 0xff) as usize;
    if magic >> 8 != 0x08 || ndim == 0 {
        return Err(IdxError::BadMagic {
            name: named(),
            magic,
        });
    }
    if ndim != rank {
        return Err(IdxError::WrongRank {
            name: named(),
            found: ndim,
            expected: rank,
        });
    }
    let header_len = 4 + 4 * ndim;
    if bytes.len() < header_len {
        return Err(IdxError::ShortHeader {
            name: named(),
            len: bytes.len(),
        });
    }
    let raw_dims: Vec<u32> = (0..ndim)
        .map(|i| {
            let at = 4 + 4 * i;
            u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]])
        })
        .collect();
    let expected = raw_dims
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d as usize))
        .ok_or_else(|| IdxError::Overflow {
            name: named(),
            dims: raw_dims.clone(),
        })?;
    let found = bytes.len() - header_len;
    if found < expected {
        return Err(IdxError::Truncated {
            name: named(),
            dims: raw_dims,
            expected,
            found,
        });
    }
    if found > expected {
        return Err(IdxError::TrailingBytes {
            name: named(),
            extra: found - expected,
        });
    }
    if raw_dims[0] == 0 {
        return Err(IdxError::Empty { name: named() });
    }
    let mut data = bytes;
    data.drain(..header_len);
    Ok(IdxArray {
        dims: raw_dims.into_iter().map(|d| d as usize).collect(),
        data,
    })
}

/// Reads a file, naming it in any error.
pub fn read_file(path: &std::path::Path) -> Result<Vec<u8>, IdxError> {
    std::fs::read(path).map_err(|e| IdxError::Io {
        name: path.display().to_string(),
        reason: e.to_string(),
    })
}
