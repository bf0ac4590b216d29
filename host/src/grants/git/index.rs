//! Which paths git's index holds, read as gitformat-index(5) lays the file out (versions 2, 3
//! and 4, SHA-1 or SHA-256 names): one pass over a stream, holding one entry's path at a time,
//! so that time is linear in the file and memory does not grow with it.

use std::io::{ErrorKind, Read};

/// The longest path an entry may hold here; git's own limit is the system's, far below this.
const MAX_PATH: usize = 64 * 1024;

/// Why the index cannot answer.
#[derive(Debug, PartialEq, Eq)]
pub enum IndexError {
    /// Not laid out as git writes an index, with what is wrong.
    Malformed(&'static str),
    /// A split index (`core.splitIndex`): the entries not here are in another file.
    Split,
    /// A sparse index whose directory entry covers a path: its contents are not listed.
    Sparse,
    Io(ErrorKind),
}

/// Of `paths` (relative to the working tree's top, `/`-separated), which the index holds, at
/// any stage. `size` is the file's length and `hash_len` the length of an object name (20 for
/// SHA-1, 32 for SHA-256). The index is read as one stream, header, entries, each checked
/// against its caps as it comes: a parser, read best whole.
pub fn tracked(
    reader: impl Read,
    size: u64,
    hash_len: usize,
    paths: &[Vec<u8>],
) -> Result<Vec<bool>, IndexError> {
    let mut index = Reader {
        inner: std::io::BufReader::with_capacity(64 * 1024, reader),
        at: 0,
    };
    let header = index.bytes::<12>()?;
    if &header[..4] != b"DIRC" {
        return Err(IndexError::Malformed("it does not start as an index does"));
    }
    let version = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    if !(2..=4).contains(&version) {
        return Err(IndexError::Malformed("its version is not 2, 3 or 4"));
    }
    let count = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    let mut found = vec![false; paths.len()];
    let mut path = Vec::new();
    for _ in 0..count {
        let stat = index.bytes::<40>()?;
        let mode = u32::from_be_bytes([stat[24], stat[25], stat[26], stat[27]]);
        index.skip(hash_len as u64)?;
        let flags = u16::from_be_bytes(index.bytes::<2>()?);
        let mut fixed = 40 + hash_len + 2;
        if flags & 0x4000 != 0 {
            if version < 3 {
                return Err(IndexError::Malformed(
                    "an entry has flags its version lacks",
                ));
            }
            index.skip(2)?;
            fixed += 2;
        }
        if version == 4 {
            let strip = index.varint()?;
            let keep = path.len().checked_sub(strip).ok_or(IndexError::Malformed(
                "an entry's path is shorter than it says",
            ))?;
            path.truncate(keep);
            index.name(&mut path)?;
        } else {
            path.clear();
            index.name(&mut path)?;
            // Padded with NULs to a multiple of eight, counting at least the one read.
            let entry = (fixed + path.len() + 8) & !7;
            index.skip((entry - fixed - path.len() - 1) as u64)?;
        }
        let sparse_directory = mode & 0o170000 == 0o040000;
        for (wanted, found) in paths.iter().zip(found.iter_mut()) {
            if *wanted == path {
                *found = true;
            } else if sparse_directory && wanted.starts_with(&path) {
                return Err(IndexError::Sparse);
            }
        }
    }
    if found.iter().all(|&f| f) {
        return Ok(found);
    }
    // Extensions, up to the checksum: a split index lists only what changed since another.
    while index.at + 8 + hash_len as u64 <= size {
        let header = index.bytes::<8>()?;
        if &header[..4] == b"link" {
            return Err(IndexError::Split);
        }
        let length = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        index.skip(u64::from(length))?;
    }
    Ok(found)
}

/// The index file, counting what was read.
struct Reader<R> {
    inner: std::io::BufReader<R>,
    at: u64,
}

impl<R: Read> Reader<R> {
    fn bytes<const N: usize>(&mut self) -> Result<[u8; N], IndexError> {
        let mut out = [0; N];
        self.inner.read_exact(&mut out).map_err(ended)?;
        self.at += N as u64;
        Ok(out)
    }

    fn skip(&mut self, n: u64) -> Result<(), IndexError> {
        let skipped = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())
            .map_err(|e| IndexError::Io(e.kind()))?;
        self.at += skipped;
        if skipped < n {
            return Err(IndexError::Malformed("it ends inside an entry"));
        }
        Ok(())
    }

    /// A NUL-terminated name, appended to `path`.
    fn name(&mut self, path: &mut Vec<u8>) -> Result<(), IndexError> {
        loop {
            let [byte] = self.bytes::<1>()?;
            if byte == 0 {
                return Ok(());
            }
            if path.len() >= MAX_PATH {
                return Err(IndexError::Malformed("an entry's path is too long"));
            }
            path.push(byte);
        }
    }

    /// Git's offset varint (version 4): seven bits a byte, each continuation adding one.
    fn varint(&mut self) -> Result<usize, IndexError> {
        let [mut byte] = self.bytes::<1>()?;
        let mut value = usize::from(byte & 0x7f);
        while byte & 0x80 != 0 {
            [byte] = self.bytes::<1>()?;
            value = value
                .checked_add(1)
                .and_then(|v| v.checked_mul(128))
                .map(|v| v | usize::from(byte & 0x7f))
                .ok_or(IndexError::Malformed(
                    "an entry's path length is out of range",
                ))?;
        }
        Ok(value)
    }
}

fn ended(error: std::io::Error) -> IndexError {
    if error.kind() == ErrorKind::UnexpectedEof {
        IndexError::Malformed("it ends inside an entry")
    } else {
        IndexError::Io(error.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An index of `version` with these paths (sorted), as git lays it out.
    fn index(version: u32, paths: &[&str], extensions: &[(&[u8; 4], &[u8])]) -> Vec<u8> {
        let mut out = b"DIRC".to_vec();
        out.extend(version.to_be_bytes());
        out.extend((paths.len() as u32).to_be_bytes());
        let mut previous: &str = "";
        for path in paths {
            let mut entry = vec![0u8; 40];
            entry[24..28].copy_from_slice(&0o100644u32.to_be_bytes());
            entry.extend([0xab; 20]);
            entry.extend((path.len().min(0xfff) as u16).to_be_bytes());
            if version == 4 {
                let common = previous
                    .bytes()
                    .zip(path.bytes())
                    .take_while(|(a, b)| a == b)
                    .count();
                let strip = previous.len() - common;
                assert!(strip < 128, "the test writes one-byte varints");
                entry.push(strip as u8);
                entry.extend(&path.as_bytes()[common..]);
                entry.push(0);
            } else {
                entry.extend(path.as_bytes());
                let size = (62 + path.len() + 8) & !7;
                entry.resize(size, 0);
            }
            out.extend(entry);
            previous = path;
        }
        for (signature, data) in extensions {
            out.extend(*signature);
            out.extend((data.len() as u32).to_be_bytes());
            out.extend(*data);
        }
        out.extend([0u8; 20]);
        out
    }

    fn ask(bytes: &[u8], paths: &[&str]) -> Result<Vec<bool>, IndexError> {
        let paths: Vec<Vec<u8>> = paths.iter().map(|p| p.as_bytes().to_vec()).collect();
        tracked(bytes, bytes.len() as u64, 20, &paths)
    }

    #[test]
    fn every_version_lists_its_paths() {
        let paths = [".env", ".gitignore", "app/.env", "app/main.rs", "z"];
        for version in [2, 3, 4] {
            let bytes = index(version, &paths, &[(b"TREE", b"abc")]);
            assert_eq!(
                ask(&bytes, &[".env", "app/.env", "app/.envx", "other/.env"]),
                Ok(vec![true, true, false, false]),
                "version {version}"
            );
        }
    }

    #[test]
    fn a_split_index_cannot_answer_for_what_it_does_not_hold() {
        let bytes = index(2, &["a/.env", "b"], &[(b"link", &[0; 20])]);
        assert_eq!(ask(&bytes, &["a/.env"]), Ok(vec![true]));
        assert_eq!(ask(&bytes, &[".env"]), Err(IndexError::Split));
    }

    #[test]
    fn broken_indexes_are_named_never_read_past() {
        let good = index(2, &[".env"], &[]);
        assert!(matches!(
            ask(b"XXXX", &[".env"]),
            Err(IndexError::Malformed(_))
        ));
        assert!(matches!(
            ask(&good[..40], &[".env"]),
            Err(IndexError::Malformed(_))
        ));
        let mut future = good.clone();
        future[7] = 9;
        assert!(matches!(
            ask(&future, &[".env"]),
            Err(IndexError::Malformed(_))
        ));
        // Four billion entries claimed, one there.
        let mut claims = good.clone();
        claims[8..12].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            ask(&claims, &["x"]),
            Err(IndexError::Malformed(_))
        ));
        // A version 4 entry that strips more than there is.
        let mut v4 = index(4, &["a"], &[]);
        v4[12 + 62] = 5;
        assert!(matches!(ask(&v4, &["a"]), Err(IndexError::Malformed(_))));
    }

    #[test]
    fn a_path_without_end_stops_at_the_bound() {
        let mut bytes = index(2, &["a"], &[]);
        bytes.truncate(12 + 62);
        bytes.extend(vec![b'x'; MAX_PATH + 10]);
        assert!(matches!(ask(&bytes, &["x"]), Err(IndexError::Malformed(_))));
    }
}
