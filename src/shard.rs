//! Sharded runs: N processes split one batch, each taking the articles
//! whose id falls in its share.
//!
//! The share of an article is `SHA-256(id) mod N`, read from the hash's
//! first eight bytes: it depends on the article's id alone (which depends
//! on its text, see [`Article::id`](crate::Article)), never on the order
//! files are listed in, the machine, the path the batch was copied to or
//! the version of depeche, so every process started with the same inputs
//! and `N` agrees on who does what, and the shares cover the batch exactly
//! once. A file that cannot be read has no article id: its failure is
//! reported by the shard its path falls in, by the same hash.
//!
//! ```
//! use depeche::Shard;
//!
//! let shards: Vec<Shard> = (1..=3).map(|k| format!("{k}/3").parse().unwrap()).collect();
//! // Every article belongs to exactly one of them.
//! for id in ["afp-2019-01-21-policiers", "lefigaro-2011-11-15-sahara"] {
//!     assert_eq!(shards.iter().filter(|s| s.owns(id)).count(), 1);
//! }
//! assert!("0/3".parse::<Shard>().is_err());
//! ```

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

/// Share `index` (1-based) of `count` shares of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// A `--shard` value that is not `K/N` with 1 ≤ K ≤ N.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "--shard {given:?}: expected K/N with 1 <= K <= N, such as 2/4 (the second of four shares)"
)]
pub struct ShardError {
    given: String,
}

impl Shard {
    /// Share `index` (from 1) of `count`; `None` unless 1 ≤ index ≤ count.
    pub fn new(index: u32, count: u32) -> Option<Self> {
        (index >= 1 && index <= count).then_some(Self { index, count })
    }

    /// This share's number, from 1.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// How many shares the batch is split into.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The share (from 1) that `key` (an article id, or a path for a file
    /// that could not be read) falls in.
    pub fn of(key: &str, count: u32) -> u32 {
        let digest = Sha256::digest(key.as_bytes());
        let mut first = [0u8; 8];
        for (slot, byte) in first.iter_mut().zip(digest.iter()) {
            *slot = *byte;
        }
        let n = u64::from_be_bytes(first);
        // `count` is at least 1 and fits in u32, so the share does too.
        u32::try_from(n % u64::from(count.max(1))).unwrap_or(0) + 1
    }

    /// True when `key` falls in this share.
    pub fn owns(&self, key: &str) -> bool {
        Self::of(key, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ShardError { given: s.to_string() };
        let (k, n) = s.trim().split_once('/').ok_or_else(err)?;
        let (k, n) = (k.trim().parse().map_err(|_| err())?, n.trim().parse().map_err(|_| err())?);
        Self::new(k, n).ok_or_else(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_parse_and_print() {
        assert_eq!("2/4".parse::<Shard>().unwrap(), Shard::new(2, 4).unwrap());
        assert_eq!(" 1 / 1 ".parse::<Shard>().unwrap().to_string(), "1/1");
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", "-1/4", ""] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.to_string().contains("expected K/N"), "{bad}: {err}");
        }
    }

    #[test]
    fn shares_are_stable_and_even() {
        // Fixed forever: changing the hash would move articles between
        // shards of a batch whose workers run different versions.
        assert_eq!(Shard::of("afp-2019-01-21-policiers-frontieres-cocaine", 4), 4);
        assert_eq!(Shard::of("x", 1), 1);
        let mut counts = [0usize; 4];
        for i in 0..4000 {
            counts[Shard::of(&format!("article-{i}"), 4) as usize - 1] += 1;
        }
        assert!(counts.iter().all(|c| (900..1100).contains(c)), "{counts:?}");
    }
}
