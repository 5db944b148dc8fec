//! Pure domain logic: money, sales, customer details, UPI links and Bharat QR strings, and the
//! checks a payload passes before it is shown. No I/O, no GUI, no network.

pub mod customer;
pub mod emv;
pub mod invoice;
pub mod money;
pub mod payload;
pub mod sale;
pub mod upi;
pub mod upi_uri;

pub use customer::{Customer, CustomerInput};
pub use invoice::{GstDetails, SaleExtra};
pub use money::{AmountError, Paise};
pub use sale::{FormError, Sale, SaleForm, SaleRef};
