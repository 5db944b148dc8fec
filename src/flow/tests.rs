//! The flow's transitions, driven directly with a hand-set clock.

use super::*;
use crate::domain::{Customer, Paise, QrGrant};

const GRACE: Duration = Duration::from_secs(120);

fn settings(confirms_payment: bool) -> FlowSettings {
    FlowSettings {
        provider: ProviderId::Payu,
        confirms_payment,
        grace: GRACE,
    }
}

fn sale() -> Sale {
    Sale::new(
        crate::reference::new_sale_ref(),
        Paise::from_rupees(500),
        Customer::default(),
    )
}

fn grant(expires: Duration) -> QrGrant {
    QrGrant {
        payload: "upi://pay?pa=a@b&am=500.00".into(),
        payee_name: "Shop".into(),
        payee_vpa: Some("a@b".into()),
        expires_in: expires,
        picture: None,
        gateway_ids: vec![],
    }
}

fn ready(sale: &Sale, attempt: u64, expires: Duration, requested_at: Instant) -> Event {
    let qr = crate::verified_qr::verify_qr(sale, grant(expires), None).expect("valid payload");
    Event::QrReady {
        attempt,
        qr: Box::new(qr),
        requested_at,
    }
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// A flow showing a QR for `sale` that was requested at `t0` and lives 300 s.
fn showing(confirms: bool, t0: Instant) -> (Flow, Sale) {
    let mut flow = Flow::new(settings(confirms));
    let sale = sale();
    let _ = flow.handle(Event::Submit(sale.clone()), t0);
    let commands = flow.handle(ready(&sale, 1, secs(300), t0), t0 + secs(1));
    assert!(matches!(
        &commands[0],
        Command::Record(Record::Shown { .. })
    ));
    assert_eq!(commands.len(), if confirms { 2 } else { 1 });
    assert!(matches!(flow.screen(), Screen::ShowingQr(_)));
    (flow, sale)
}

fn watched(sale: &Sale, report: WatchReport) -> Event {
    Event::Watched {
        sale: sale.clone(),
        since: OffsetDateTime::UNIX_EPOCH,
        resumed: false,
        report,
    }
}

fn paid_report(bank: &str) -> WatchReport {
    WatchReport::Paid(PaidDetails {
        bank_reference: Some(bank.to_owned()),
        ..PaidDetails::default()
    })
}

fn recorded(commands: &[Command]) -> Vec<&Record> {
    commands
        .iter()
        .filter_map(|c| match c {
            Command::Record(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn submit_records_the_sale_before_asking_and_asks_once() {
    let t0 = Instant::now();
    let mut flow = Flow::new(settings(false));
    let sale = sale();
    let first = flow.handle(Event::Submit(sale.clone()), t0);
    assert!(matches!(&first[0], Command::Record(Record::Requested { sale: s, .. }) if *s == sale));
    assert_eq!(
        first[1],
        Command::RequestQr {
            sale: sale.clone(),
            attempt: 1
        }
    );
    assert!(flow.handle(Event::Submit(sale.clone()), t0).is_empty());
    assert!(flow.handle(Event::Enter, t0).is_empty());
    assert_eq!(flow.screen(), &Screen::Requesting { sale, attempt: 1 });
}

#[test]
fn a_shown_qr_is_recorded_and_watched_where_payments_are_confirmed() {
    let t0 = Instant::now();
    let mut flow = Flow::new(settings(true));
    let sale = sale();
    let _ = flow.handle(Event::Submit(sale.clone()), t0);
    let commands = flow.handle(ready(&sale, 1, secs(300), t0), t0 + secs(2));
    assert!(
        matches!(&commands[0], Command::Record(Record::Shown { expires_in, grace, .. })
        if *expires_in == secs(298) && *grace == Some(GRACE))
    );
    assert_eq!(
        commands[1],
        Command::Watch {
            sale,
            expires_in: secs(298),
            grace: GRACE
        }
    );
}

#[test]
fn qr_expires_at_the_deadline_counted_from_the_request() {
    let t0 = Instant::now();
    let (mut flow, sale) = showing(false, t0);
    assert!(
        flow.handle(Event::Tick, t0 + Duration::from_millis(299_999))
            .is_empty()
    );
    let commands = flow.handle(Event::Tick, t0 + secs(300));
    assert_eq!(
        commands,
        vec![
            Command::Record(Record::Expired {
                reference: sale.reference.clone()
            }),
            Command::Play(Cue::Expired)
        ]
    );
    assert_eq!(
        flow.screen(),
        &Screen::Expired {
            sale: sale.clone(),
            watched_until: None
        }
    );
    // Enter asks again for the same sale.
    let again = flow.handle(Event::Enter, t0 + secs(301));
    assert_eq!(again[1], Command::RequestQr { sale, attempt: 2 });
}

#[test]
fn an_answer_that_is_already_expired_or_absurd_never_shows() {
    let t0 = Instant::now();
    for (expires, answered) in [(secs(5), secs(6)), (Duration::MAX, secs(1))] {
        let mut flow = Flow::new(settings(true));
        let sale = sale();
        let _ = flow.handle(Event::Submit(sale.clone()), t0);
        let commands = flow.handle(ready(&sale, 1, expires, t0), t0 + answered);
        assert!(
            matches!(flow.screen(), Screen::Expired { .. }),
            "{expires:?}"
        );
        assert!(!commands.iter().any(|c| matches!(c, Command::Watch { .. })));
    }
}

#[test]
fn stale_answers_after_cancel_are_ignored() {
    let t0 = Instant::now();
    let mut flow = Flow::new(settings(false));
    let first = sale();
    let _ = flow.handle(Event::Submit(first.clone()), t0);
    let cancel = flow.handle(Event::Escape, t0);
    assert_eq!(cancel[0], Command::StopRequest);
    assert!(matches!(
        &cancel[1],
        Command::Record(Record::Cancelled { .. })
    ));
    let second = sale();
    let _ = flow.handle(Event::Submit(second.clone()), t0);
    assert!(flow.handle(ready(&first, 1, secs(300), t0), t0).is_empty());
    assert_eq!(
        flow.screen(),
        &Screen::Requesting {
            sale: second,
            attempt: 2
        }
    );
}

#[test]
fn failure_is_recorded_and_keeps_the_sale_for_retry() {
    let t0 = Instant::now();
    let mut flow = Flow::new(settings(false));
    let sale = sale();
    let _ = flow.handle(Event::Submit(sale.clone()), t0);
    let failed = flow.handle(
        Event::QrFailed {
            attempt: 1,
            message: "down".into(),
        },
        t0,
    );
    assert!(matches!(recorded(&failed)[..], [Record::Failed { reason, .. }] if reason == "down"));
    let retry = flow.handle(Event::Enter, t0);
    assert!(matches!(&retry[0], Command::Record(Record::Requested { sale: s, .. }) if *s == sale));
    assert_eq!(retry[1], Command::RequestQr { sale, attempt: 2 });
}

#[test]
fn marking_by_hand_is_only_for_providers_that_cannot_confirm() {
    let t0 = Instant::now();
    let (mut flow, _) = showing(false, t0);
    let commands = flow.handle(Event::MarkPaid, t0);
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Paid {
            how: PaidHow::ByHand,
            ..
        }]
    ));
    assert!(commands.contains(&Command::Play(Cue::Paid)));
    // The Paid screen goes back to a new sale by itself.
    let back = flow.handle(Event::Tick, t0 + PAID_SCREEN_TIME);
    assert_eq!(back, vec![Command::ClearForm, Command::FocusAmount]);

    let (mut flow, _) = showing(false, t0);
    let commands = flow.handle(Event::MarkNotPaid, t0);
    assert!(matches!(recorded(&commands)[..], [Record::NotPaid { .. }]));
    assert!(matches!(commands.last(), Some(Command::Notice(n)) if n.contains("NOT paid")));
    assert_eq!(flow.screen(), &Screen::Entry);

    let (mut flow, _) = showing(true, t0);
    assert!(
        flow.handle(Event::MarkPaid, t0).is_empty(),
        "the gateway decides"
    );
    assert!(flow.handle(Event::MarkNotPaid, t0).is_empty());
}

#[test]
fn the_watch_confirms_the_sale_on_screen() {
    let t0 = Instant::now();
    let (mut flow, sale) = showing(true, t0);
    let commands = flow.handle(watched(&sale, paid_report("B1")), t0 + secs(20));
    assert!(matches!(recorded(&commands)[..],
        [Record::Paid { how: PaidHow::Polled, details, .. }] if details.bank_reference.as_deref() == Some("B1")));
    assert!(matches!(
        flow.screen(),
        Screen::Paid {
            how: PaidHow::Polled,
            ..
        }
    ));
    // The old QR's deadline passing later records no expiry.
    let later = flow.handle(Event::Tick, t0 + secs(300));
    assert!(recorded(&later).is_empty(), "{later:?}");
}

#[test]
fn a_payment_after_expiry_shows_paid_and_is_recorded_late() {
    let t0 = Instant::now();
    let (mut flow, sale) = showing(true, t0);
    let _ = flow.handle(Event::Tick, t0 + secs(300));
    assert!(matches!(
        flow.screen(),
        Screen::Expired {
            watched_until: Some(_),
            ..
        }
    ));
    let commands = flow.handle(watched(&sale, paid_report("B2")), t0 + secs(330));
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Paid {
            how: PaidHow::Late,
            ..
        }]
    ));
    assert!(matches!(flow.screen(), Screen::Paid { .. }));
}

#[test]
fn a_late_payment_while_another_sale_is_on_screen_is_a_notice_never_that_sale() {
    let t0 = Instant::now();
    let (mut flow, first) = showing(true, t0);
    let _ = flow.handle(Event::Escape, t0 + secs(10));
    let (_, second) = {
        let next = sale();
        let _ = flow.handle(Event::Submit(next.clone()), t0 + secs(20));
        let _ = flow.handle(ready(&next, 2, secs(300), t0 + secs(20)), t0 + secs(21));
        ((), next)
    };
    let commands = flow.handle(watched(&first, paid_report("B7")), t0 + secs(30));
    assert!(matches!(recorded(&commands)[..],
        [Record::Paid { reference, how: PaidHow::Late, .. }] if *reference == first.reference));
    assert!(commands.contains(&Command::Play(Cue::LatePaid)));
    assert!(
        !commands.contains(&Command::Play(Cue::Paid)),
        "not the Paid chime"
    );
    assert!(
        matches!(flow.screen(), Screen::ShowingQr(shown) if shown.sale.reference == second.reference),
        "the next customer's QR stays"
    );
    assert_eq!(flow.notices().len(), 1);
    assert_eq!(flow.notices()[0].sale.reference, first.reference);
    // A second earlier sale paid: two notices, acknowledged one at a time, oldest first.
    let another = sale();
    let _ = flow.handle(watched(&another, paid_report("B8")), t0 + secs(31));
    assert_eq!(flow.notices().len(), 2);
    let _ = flow.handle(Event::Acknowledge, t0 + secs(40));
    assert_eq!(flow.notices()[0].sale.reference, another.reference);
    let _ = flow.handle(Event::Acknowledge, t0 + secs(41));
    assert!(flow.notices().is_empty());
}

#[test]
fn a_payment_found_after_a_restart_says_so() {
    let t0 = Instant::now();
    let mut flow = Flow::new(settings(true));
    let old = sale();
    let event = Event::Watched {
        sale: old.clone(),
        since: OffsetDateTime::UNIX_EPOCH,
        resumed: true,
        report: paid_report("B3"),
    };
    let commands = flow.handle(event, t0);
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Paid {
            how: PaidHow::AfterRestart,
            ..
        }]
    ));
    assert_eq!(flow.screen(), &Screen::Entry);
    assert_eq!(flow.notices()[0].how, PaidHow::AfterRestart);
}

#[test]
fn a_payment_for_a_sale_being_asked_again_stops_the_request_and_shows_paid() {
    let t0 = Instant::now();
    let (mut flow, sale) = showing(true, t0);
    let _ = flow.handle(Event::Tick, t0 + secs(300));
    let _ = flow.handle(Event::Enter, t0 + secs(301));
    let commands = flow.handle(watched(&sale, paid_report("B4")), t0 + secs(302));
    assert_eq!(commands[0], Command::StopRequest);
    assert!(matches!(flow.screen(), Screen::Paid { .. }));
    // The retried request answering afterwards is stale.
    assert!(
        flow.handle(ready(&sale, 2, secs(300), t0), t0 + secs(303))
            .is_empty()
    );
}

#[test]
fn a_failed_attempt_keeps_the_qr_up_and_is_recorded() {
    let t0 = Instant::now();
    let (mut flow, sale) = showing(true, t0);
    let commands = flow.handle(
        watched(&sale, WatchReport::AttemptFailed("declined".into())),
        t0 + secs(40),
    );
    assert!(matches!(
        recorded(&commands)[..],
        [Record::AttemptFailed { .. }]
    ));
    assert!(matches!(flow.screen(), Screen::ShowingQr(shown)
        if shown.attempt_failed.as_deref() == Some("declined")));
}

#[test]
fn the_end_of_a_watch_settles_the_sale_unless_a_new_qr_is_live() {
    let t0 = Instant::now();
    let (mut flow, sale) = showing(true, t0);
    let _ = flow.handle(Event::Tick, t0 + secs(300));
    let ended = || watched(&sale, WatchReport::Ended { last_failure: None });
    let commands = flow.handle(ended(), t0 + secs(420));
    assert!(matches!(
        recorded(&commands)[..],
        [Record::WatchEnded { .. }]
    ));
    assert!(matches!(
        flow.screen(),
        Screen::Expired {
            watched_until: None,
            ..
        }
    ));
    let _ = flow.handle(Event::Enter, t0 + secs(421));
    assert!(
        flow.handle(ended(), t0 + secs(422)).is_empty(),
        "a new QR is on its way"
    );
}

#[test]
fn already_paid_on_a_retry_is_paid_with_the_gateways_references() {
    let t0 = Instant::now();
    let mut flow = Flow::new(settings(true));
    let sale = sale();
    let _ = flow.handle(Event::Submit(sale), t0);
    let details = PaidDetails {
        gateway_payment_id: Some("403993715521937565".into()),
        ..PaidDetails::default()
    };
    let commands = flow.handle(
        Event::AlreadyPaid {
            attempt: 1,
            details,
        },
        t0,
    );
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Paid {
            how: PaidHow::AlreadyPaid,
            ..
        }]
    ));
}

#[test]
fn escape_on_the_qr_withdraws_it_and_says_it_is_still_watched() {
    let t0 = Instant::now();
    let (mut flow, _) = showing(true, t0);
    let commands = flow.handle(Event::Escape, t0);
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Cancelled { .. }]
    ));
    assert!(matches!(commands.last(), Some(Command::Notice(n)) if n.contains("still watched")));
    assert_eq!(flow.screen(), &Screen::Entry);
}

#[test]
fn a_new_sale_may_start_over_one_that_is_over_but_never_over_an_open_one() {
    let t0 = Instant::now();
    let (mut flow, first) = showing(true, t0);
    let next = sale();
    // Open: a second sale changes nothing.
    assert!(
        flow.handle(Event::Submit(next.clone()), t0 + secs(2))
            .is_empty()
    );
    assert!(flow.screen().is_about(&first.reference) && flow.screen().is_open());
    // Expired: the next sale starts; the expired one's watch is not stopped.
    let commands = flow.handle(Event::Tick, t0 + secs(301));
    assert!(matches!(flow.screen(), Screen::Expired { .. }) && !flow.screen().is_open());
    assert!(!commands.iter().any(|c| matches!(c, Command::StopRequest)));
    let commands = flow.handle(Event::Submit(next.clone()), t0 + secs(302));
    assert!(
        matches!(flow.screen(), Screen::Requesting { sale, .. } if sale.reference == next.reference)
    );
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Requested { .. }]
    ));
    // The first sale paid late still lands on its own record, as a notice.
    let commands = flow.handle(watched(&first, paid_report("B1")), t0 + secs(303));
    assert!(
        matches!(recorded(&commands)[..], [Record::Paid { reference, .. }] if *reference == first.reference)
    );
    assert!(flow.screen().is_about(&next.reference));
}

#[test]
fn already_paid_without_confirmation_is_not_paid_but_stays_watched() {
    let t0 = Instant::now();
    let mut flow = Flow::new(settings(true));
    let sale = sale();
    let _ = flow.handle(Event::Submit(sale.clone()), t0);
    let commands = flow.handle(
        Event::PaidUnconfirmed {
            attempt: 1,
            message: "PayU says it is already paid".into(),
        },
        t0 + secs(1),
    );
    assert!(
        matches!(flow.screen(), Screen::Failed { .. }),
        "never PAID on its word"
    );
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Failed { watch_for: Some(w), .. }] if *w == GRACE
    ));
    assert!(commands.iter().any(
        |c| matches!(c, Command::Watch { sale: s, grace, .. } if s.reference == sale.reference && *grace == GRACE)
    ));
    // Where payments cannot be confirmed there is nothing to watch.
    let mut flow = Flow::new(settings(false));
    let _ = flow.handle(Event::Submit(sale.clone()), t0);
    let commands = flow.handle(
        Event::PaidUnconfirmed {
            attempt: 1,
            message: "x".into(),
        },
        t0 + secs(1),
    );
    assert!(matches!(
        recorded(&commands)[..],
        [Record::Failed {
            watch_for: None,
            ..
        }]
    ));
    assert!(!commands.iter().any(|c| matches!(c, Command::Watch { .. })));
}
