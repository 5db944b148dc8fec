//! New sale references, made from the wall clock, the process id and a counter (the parts
//! `domain::SaleRef` is built from), so two sales on one PC never share one.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::domain::SaleRef;

/// A reference for a new sale.
pub fn new_sale_ref() -> SaleRef {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    SaleRef::from_parts(millis, std::process::id(), count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_unique_alphanumeric_and_short() {
        let refs: Vec<SaleRef> = (0..1000).map(|_| new_sale_ref()).collect();
        let unique: std::collections::HashSet<_> = refs.iter().collect();
        assert_eq!(unique.len(), refs.len());
        for r in &refs {
            assert_eq!(SaleRef::parse(r.as_str()).as_ref(), Some(r));
        }
    }
}
