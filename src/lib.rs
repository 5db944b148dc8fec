//! counterqr: a shop-counter PC as a dynamic UPI / Bharat QR payment display.
//!
//! `domain` is pure logic; `gateway` turns a sale into a QR; `app` is the egui window; `cli` is
//! the command line that shares the same core.

pub mod app;
pub mod autostart;
pub mod cli;
pub mod config;
pub mod domain;
pub mod gateway;
pub mod journal;
pub mod logging;
pub mod render;
pub mod secrets;
pub mod setup;
pub mod sound;
pub mod vetting;
