//! What was worked out from a line, kept per thread by the line's text.
//!
//! The forms of a batch repeat most of their lines: labels, rows of boxes,
//! blank lines, printed instructions. A line whose text was read before (for
//! the same template, group and span) is not cleaned or searched again. The table has a fixed number of
//! slots, each holding the last line whose key hashed there, so memory does
//! not grow; long lines are not kept.

use std::hash::{BuildHasher, Hash};

/// Slots of a [`Memo`].
const SLOTS: usize = 4096;
/// Longer lines (bytes) are worked out every time.
const LONGEST: usize = 200;

/// A fixed table of `(key, line text) → value`.
pub(crate) struct Memo<K, V> {
    /// One more slot than [`SLOTS`] holds a long line's value for the caller.
    slots: Vec<Option<(K, String, V)>>,
    hasher: foldhash::fast::FixedState,
}

impl<K: Hash + Eq, V> Memo<K, V> {
    pub(crate) const fn new() -> Self {
        Memo {
            slots: Vec::new(),
            hasher: foldhash::fast::FixedState::with_seed(0x5eed),
        }
    }

    /// The value kept for `(key, text)`, or `work()`'s, kept from now on.
    pub(crate) fn get(&mut self, key: K, text: &str, work: impl FnOnce() -> V) -> &V {
        if self.slots.is_empty() {
            self.slots.resize_with(SLOTS + 1, || None);
        }
        let slot = if text.len() > LONGEST {
            self.slots[SLOTS] = None;
            SLOTS
        } else {
            self.hasher.hash_one((&key, text)) as usize % SLOTS
        };
        let hit = matches!(&self.slots[slot], Some((k, seen, _)) if *k == key && seen == text);
        if !hit {
            self.slots[slot] = Some((key, text.to_string(), work()));
        }
        &self.slots[slot].as_ref().expect("filled above").2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_by_key_and_text() {
        let mut memo: Memo<u64, usize> = Memo::new();
        let calls = std::cell::Cell::new(0);
        let get = |memo: &mut Memo<u64, usize>, key, text: &str| {
            *memo.get(key, text, || {
                calls.set(calls.get() + 1);
                text.len() + key as usize
            })
        };
        assert_eq!(get(&mut memo, 1, "abc"), 4);
        assert_eq!(get(&mut memo, 1, "abc"), 4);
        assert_eq!(get(&mut memo, 2, "abc"), 5);
        assert_eq!(get(&mut memo, 1, "abcd"), 5);
        let long = "x".repeat(LONGEST + 1);
        assert_eq!(get(&mut memo, 1, &long), LONGEST + 2);
        assert_eq!(get(&mut memo, 1, &long), LONGEST + 2);
        // Worked out: "abc" for keys 1 and 2, "abcd", and the long line twice.
        assert_eq!(calls.get(), 5);
        // Every slot taken by other lines: the table does not grow.
        for i in 0..10 * SLOTS {
            get(&mut memo, 9, &i.to_string());
        }
        assert_eq!(memo.slots.len(), SLOTS + 1);
    }
}
