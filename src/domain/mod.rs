//! Pure domain logic and the vocabulary every layer shares: money, sales, customer details, the
//! providers and their choices, QR grants, payment status and how a sale is recorded, UPI links
//! and Bharat QR strings, and the checks a payload passes before it is shown. No I/O, no GUI, no
//! network, no clock: time comes in as a value.

pub mod customer;
pub mod emv;
pub mod expiry;
pub mod grant;
pub mod invoice;
pub mod language;
pub mod money;
pub mod numwords;
pub mod payload;
pub mod payment;
pub mod picture;
pub mod provider;
pub mod record;
pub mod sale;
pub mod text;
pub mod upi;
pub mod upi_uri;
pub mod url;

pub use customer::{Customer, CustomerInput};
pub use grant::QrGrant;
pub use invoice::{GstDetails, SaleExtra};
pub use language::{Language, Script};
pub use money::{AmountError, Paise};
pub use payment::{PaidDetails, PaidHow, PaymentStatus};
pub use picture::Picture;
pub use provider::{OutputType, ProviderId, QrType};
pub use record::{Outcome, Record, Source};
pub use sale::{FormError, Sale, SaleForm, SaleRef};
