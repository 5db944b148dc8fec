//! Pure domain logic: money, sales, customer details and UPI links. No I/O, no GUI, no network.

pub mod customer;
pub mod money;
pub mod sale;
pub mod upi;

pub use customer::{Customer, CustomerInput};
pub use money::{AmountError, Paise};
pub use sale::{FormError, Sale, SaleForm, SaleRef};
