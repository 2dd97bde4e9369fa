//! Putting the parts of a multi-code export back together.

use std::collections::BTreeMap;

use super::{ExportError, ExportPart};
use crate::account::Account;

/// The parts of one Google Authenticator export scanned so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportBatch {
    batch_id: i32,
    size: i32,
    parts: BTreeMap<i32, ExportPart>,
}

impl ExportBatch {
    /// Starts a batch with the first part scanned (any part will do).
    pub fn new(first: ExportPart) -> ExportBatch {
        let mut parts = BTreeMap::new();
        let (batch_id, size) = (first.part_of.batch_id, first.part_of.size);
        parts.insert(first.part_of.index, first);
        ExportBatch {
            batch_id,
            size,
            parts,
        }
    }

    /// Groups parts by batch id, in the order each batch was first seen.
    pub fn gather(
        parts: impl IntoIterator<Item = ExportPart>,
    ) -> Result<Vec<ExportBatch>, ExportError> {
        let mut batches: Vec<ExportBatch> = Vec::new();
        for part in parts {
            match batches
                .iter_mut()
                .find(|batch| batch.batch_id == part.part_of.batch_id)
            {
                Some(batch) => batch.add(part)?,
                None => batches.push(ExportBatch::new(part)),
            }
        }
        Ok(batches)
    }

    /// Adds another part. Scanning a part twice is harmless; a part of another export, or one
    /// that disagrees about the size of this one, is refused.
    pub fn add(&mut self, part: ExportPart) -> Result<(), ExportError> {
        if part.part_of.batch_id != self.batch_id {
            return Err(ExportError::OtherBatch);
        }
        if part.part_of.size != self.size {
            return Err(ExportError::SizeMismatch);
        }
        self.parts.entry(part.part_of.index).or_insert(part);
        Ok(())
    }

    /// The number shared by this export's parts.
    pub fn batch_id(&self) -> i32 {
        self.batch_id
    }

    /// How many parts the export has.
    pub fn size(&self) -> i32 {
        self.size
    }

    /// The positions (from 0) of the parts not yet scanned.
    pub fn missing(&self) -> Vec<i32> {
        (0..self.size)
            .filter(|index| !self.parts.contains_key(index))
            .collect()
    }

    /// Whether every part has been scanned.
    pub fn is_complete(&self) -> bool {
        self.parts.len() == usize::try_from(self.size).unwrap_or(usize::MAX)
    }

    /// The parts scanned so far, in export order.
    pub fn parts(&self) -> impl Iterator<Item = &ExportPart> {
        self.parts.values()
    }

    /// The accounts of the parts scanned so far, in export order.
    pub fn accounts(&self) -> impl Iterator<Item = &Account> {
        self.parts.values().flat_map(|part| &part.accounts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::migration::PartOf;

    fn part(batch_id: i32, index: i32, size: i32) -> ExportPart {
        ExportPart {
            accounts: Vec::new(),
            unusable: Vec::new(),
            part_of: PartOf {
                batch_id,
                index,
                size,
                version: 1,
            },
        }
    }

    #[test]
    fn the_missing_parts_are_named_until_all_arrive() {
        let mut batch = ExportBatch::new(part(9, 1, 3));
        assert_eq!(batch.missing(), vec![0, 2]);
        batch.add(part(9, 0, 3)).unwrap();
        batch.add(part(9, 0, 3)).unwrap();
        assert!(!batch.is_complete());
        batch.add(part(9, 2, 3)).unwrap();
        assert!(batch.is_complete());
        assert_eq!(batch.missing(), Vec::<i32>::new());
    }

    #[test]
    fn parts_of_other_exports_are_kept_apart() {
        let batches = ExportBatch::gather([part(1, 0, 2), part(2, 0, 1), part(1, 1, 2)]).unwrap();
        assert_eq!(
            batches
                .iter()
                .map(|b| (b.batch_id(), b.is_complete()))
                .collect::<Vec<_>>(),
            vec![(1, true), (2, true)]
        );
        let mut batch = ExportBatch::new(part(1, 0, 2));
        assert_eq!(batch.add(part(2, 1, 2)), Err(ExportError::OtherBatch));
        assert_eq!(batch.add(part(1, 1, 3)), Err(ExportError::SizeMismatch));
    }
}
