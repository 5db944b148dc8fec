//! counterqr: a shop-counter PC as a dynamic UPI / Bharat QR payment display.
//!
//! `domain` is pure logic and the shared vocabulary; `flow` is the sale's state machine, the one
//! place that decides; `gateway` turns a sale into a QR and asks about payments; `watch` watches
//! every open sale; `journal` records each step; `app` is the egui window; `cli` is the command
//! line that shares the same core. ARCHITECTURE.md draws the layers.

pub mod api;
pub mod app;
pub mod autostart;
pub mod cli;
pub mod clock;
pub mod config;
pub mod data;
pub mod domain;
pub mod flow;
pub mod gateway;
pub mod i18n;
pub mod journal;
pub mod logging;
pub mod payee_lock;
pub mod pin;
pub mod providers;
pub mod reconcile;
pub mod reference;
pub mod render;
pub mod secrets;
pub mod sell;
pub mod sound;
pub mod speech;
pub mod verified_qr;
pub mod watch;
