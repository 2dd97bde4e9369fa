//! Putting a move's parts back together, scanned in any order.

use std::collections::BTreeMap;

use super::{TransferError, TransferPart, transfer_id};

/// The parts of one move scanned so far.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransferParts {
    id: String,
    count: u32,
    parts: BTreeMap<u32, Vec<u8>>,
}

impl TransferParts {
    /// Starts gathering a move with the first part scanned (any part will do). A move of one
    /// part is complete at once, and checked against its id as a last part is.
    pub fn new(first: TransferPart) -> Result<TransferParts, TransferError> {
        let mut gathered = TransferParts {
            id: first.id.clone(),
            count: first.count,
            parts: BTreeMap::new(),
        };
        gathered.add(first)?;
        Ok(gathered)
    }

    /// Groups parts by move, in the order each move was first seen.
    pub fn gather(
        parts: impl IntoIterator<Item = TransferPart>,
    ) -> Result<Vec<TransferParts>, TransferError> {
        let mut moves: Vec<TransferParts> = Vec::new();
        for part in parts {
            match moves.iter_mut().find(|gathered| gathered.id == part.id) {
                Some(gathered) => gathered.add(part)?,
                None => moves.push(TransferParts::new(part)?),
            }
        }
        Ok(moves)
    }

    /// Adds a part of this move. The same part again is harmless. A part that disagrees with
    /// those before about the number of parts, or a different part in a place already taken, is
    /// refused; so is the last part missing when the parts together are not what the id says
    /// (the others stay). A part of another move is refused too: [`TransferParts::gather`] and
    /// the import session keep moves apart by their id.
    pub fn add(&mut self, part: TransferPart) -> Result<(), TransferError> {
        if part.id != self.id {
            return Err(TransferError::Mismatch);
        }
        if part.count != self.count {
            return Err(TransferError::CountMismatch);
        }
        if let Some(there) = self.parts.get(&part.index) {
            return if *there == part.data {
                Ok(())
            } else {
                Err(TransferError::Conflict(part.index))
            };
        }
        self.parts.insert(part.index, part.data);
        if self.is_complete() && transfer_id(&self.joined()) != self.id {
            self.parts.remove(&part.index);
            return Err(TransferError::Mismatch);
        }
        Ok(())
    }

    /// The move's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// How many parts the move has.
    pub fn count(&self) -> u32 {
        self.count
    }

    /// The places (from 1) of the parts not yet scanned.
    pub fn missing(&self) -> Vec<u32> {
        (1..=self.count)
            .filter(|index| !self.parts.contains_key(index))
            .collect()
    }

    /// Whether every part has been scanned.
    pub fn is_complete(&self) -> bool {
        self.parts.len() == self.count as usize
    }

    /// The backup the parts carry, once every part is in (checked against the id as each last
    /// part arrives).
    pub fn backup(&self) -> Result<Vec<u8>, TransferError> {
        match self.missing().len() {
            0 => Ok(self.joined()),
            missing => Err(TransferError::Incomplete(missing)),
        }
    }

    fn joined(&self) -> Vec<u8> {
        self.parts.values().flatten().copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transfer::split;

    fn backup(length: usize, seed: u8) -> Vec<u8> {
        (0..length)
            .map(|at| (at as u8).wrapping_mul(31).wrapping_add(seed))
            .collect()
    }

    #[test]
    fn parts_in_any_order_and_twice_give_the_backup_back() {
        let file = backup(2_000, 1);
        let mut parts = split(&file).unwrap();
        assert_eq!(parts.len(), 4);
        parts.reverse();
        let mut gathered = TransferParts::new(parts[0].clone()).unwrap();
        assert_eq!(gathered.missing(), vec![1, 2, 3]);
        assert_eq!(gathered.backup(), Err(TransferError::Incomplete(3)));
        for part in [&parts[2], &parts[2], &parts[0], &parts[1], &parts[3]] {
            gathered.add(part.clone()).unwrap();
        }
        assert!(gathered.is_complete());
        assert_eq!(gathered.backup().unwrap(), file);
    }

    #[test]
    fn moves_are_kept_apart() {
        let (one, two) = (
            split(&backup(900, 1)).unwrap(),
            split(&backup(900, 2)).unwrap(),
        );
        assert_ne!(one[0].id, two[0].id);
        let moves =
            TransferParts::gather([one[1].clone(), two[0].clone(), one[0].clone()]).unwrap();
        assert_eq!(moves.len(), 2);
        assert_eq!(moves[0].backup().unwrap(), backup(900, 1));
        assert_eq!(moves[1].missing(), vec![2]);
        let mut first = TransferParts::new(one[0].clone()).unwrap();
        assert_eq!(first.add(two[1].clone()), Err(TransferError::Mismatch));
        assert_eq!(first.missing(), vec![2]);
    }

    #[test]
    fn parts_that_do_not_fit_are_refused_and_change_nothing() {
        let parts = split(&backup(1_300, 3)).unwrap();
        let mut gathered = TransferParts::new(parts[0].clone()).unwrap();
        let other_count = TransferPart {
            count: 4,
            ..parts[1].clone()
        };
        assert_eq!(gathered.add(other_count), Err(TransferError::CountMismatch));
        let other_data = TransferPart {
            data: vec![0; 10],
            ..parts[0].clone()
        };
        assert_eq!(gathered.add(other_data), Err(TransferError::Conflict(1)));
        gathered.add(parts[1].clone()).unwrap();
        // A forged last part with a right count and place: the whole is not what the id says.
        let forged = TransferPart {
            data: vec![9; parts[2].data.len()],
            ..parts[2].clone()
        };
        assert_eq!(gathered.add(forged), Err(TransferError::Mismatch));
        assert_eq!(gathered.missing(), vec![3]);
        gathered.add(parts[2].clone()).unwrap();
        assert_eq!(gathered.backup().unwrap(), backup(1_300, 3));
    }

    #[test]
    fn a_move_of_one_part_is_checked_at_once() {
        let parts = split(&backup(100, 4)).unwrap();
        assert_eq!(parts.len(), 1);
        let whole = TransferParts::new(parts[0].clone()).unwrap();
        assert_eq!(whole.backup().unwrap(), backup(100, 4));
        let forged = TransferPart {
            data: vec![1; 100],
            ..parts[0].clone()
        };
        assert_eq!(TransferParts::new(forged), Err(TransferError::Mismatch));
    }
}
