//! The API's calls: reading and checking what billing software sends, handing it to the window,
//! and answering from the sales board. Each call's contract is in its `#[utoipa::path]`.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;

use axum::Json;
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::oneshot;
use utoipa::OpenApi as _;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::model::{ErrorBody, Health, NewSale, SaleStatus, SaleView, view_from_record};
use super::{ApiState, BODY_LIMIT, Call, Cancelled, Created};
use crate::domain::invoice::check_bill_ref;
use crate::domain::{CustomerInput, Paise, Sale, SaleExtra, SaleRef, Source};

/// How long a POST waits for the QR before it answers with the sale still `requested`.
const QR_WAIT: Duration = Duration::from_secs(25);
/// How long the API waits for the window to take a call.
const TILL_WAIT: Duration = Duration::from_secs(10);
/// The longest `wait` a GET may ask for.
const MAX_WAIT_SECS: u64 = 60;

#[derive(utoipa::OpenApi)]
#[openapi(
    info(
        title = "counterqr sales API",
        description = "Billing software sells a bill on the till: one bill is one sale, and its \
                       outcome comes back. Every call but /v1/health needs \
                       `Authorization: Bearer <api-token>`."
    ),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The routes, each with its part of the OpenAPI document.
fn collect() -> OpenApiRouter<ApiState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(create_sale))
        .routes(routes!(get_sale))
        .routes(routes!(cancel_sale))
        .routes(routes!(health))
}

/// The OpenAPI document, gathered from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    collect().split_for_parts().1
}

/// The API's router, `/v1/openapi.json` (behind the token, like every call but health)
/// included.
pub fn router(state: ApiState) -> axum::Router {
    let (router, doc) = collect().split_for_parts();
    let doc = std::sync::Arc::new(doc);
    let serve_doc = move || {
        let doc = doc.clone();
        async move { Json(doc.as_ref().clone()).into_response() }
    };
    router
        .route("/v1/openapi.json", axum::routing::get(serve_doc))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            require_token,
        ))
        .with_state(state)
}

/// Every call but `/v1/health` needs the token, checked before anything of the call is read
/// (an unknown path or a bad body answers 401 to a caller without it, not 404 or 400).
async fn require_token(
    State(state): State<ApiState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    if request.uri().path() == "/v1/health" {
        return next.run(request).await;
    }
    let from = request
        .extensions()
        .get::<ConnectInfo<super::Peer>>()
        .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |c| c.0.0);
    match authorise(&state, request.headers(), from).await {
        Ok(()) => next.run(request).await,
        Err(refused) => refused,
    }
}

fn error(status: StatusCode, body: ErrorBody) -> Response {
    (status, Json(body)).into_response()
}

/// Checks the token; a refusal is the 401 to send.
async fn authorise(
    state: &ApiState,
    headers: &HeaderMap,
    from: SocketAddr,
) -> Result<(), Response> {
    let header = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    state
        .gate
        .check(header, from.ip())
        .await
        .map_err(|refused| {
            let mut response = error(
                StatusCode::UNAUTHORIZED,
                ErrorBody::named("unauthorized", refused.message),
            );
            if let Some(wait) = refused.retry_after
                && let Ok(value) = HeaderValue::from_str(&wait.as_secs().max(1).to_string())
            {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            response
        })
}

/// `{"error":"invalid","fields":{…}}`.
fn invalid(fields: BTreeMap<String, String>) -> Response {
    error(
        StatusCode::BAD_REQUEST,
        ErrorBody {
            error: "invalid".to_owned(),
            fields: Some(fields),
            sale_id: None,
            message: None,
        },
    )
}

/// Why a new sale was refused before it reached the till.
#[derive(Debug)]
enum Refusal {
    NotJson(String),
    Invalid(BTreeMap<String, String>),
}

impl Refusal {
    fn response(self) -> Response {
        match self {
            Self::NotJson(why) => error(
                StatusCode::BAD_REQUEST,
                ErrorBody::named("not_json", format!("The body is not JSON: {why}")),
            ),
            Self::Invalid(fields) => invalid(fields),
        }
    }
}

/// A JSON value in which no object names a key twice (serde_json would keep the last, so
/// `{"amount_paise":100,"amount_paise":50000}` would mean whatever a reader guessed).
struct Unrepeated(Value);

impl<'de> serde::Deserialize<'de> for Unrepeated {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(UnrepeatedVisitor)
            .map(Unrepeated)
    }
}

struct UnrepeatedVisitor;

impl<'de> serde::de::Visitor<'de> for UnrepeatedVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Unrepeated(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.contains_key(&key) {
                return Err(serde::de::Error::custom(format!(
                    "the key \"{key}\" is given twice"
                )));
            }
            let Unrepeated(value) = map.next_value()?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

/// Reads and checks a new sale, every field at once. Everything but the provider's own rules,
/// which the window applies.
fn read_new_sale(bytes: &[u8]) -> Result<Sale, Refusal> {
    let Unrepeated(json) =
        serde_json::from_slice(bytes).map_err(|e| Refusal::NotJson(e.to_string()))?;
    let Some(object) = json.as_object() else {
        return Err(Refusal::Invalid(BTreeMap::from([(
            "body".to_owned(),
            "must be a JSON object".to_owned(),
        )])));
    };
    let mut fields = BTreeMap::new();
    for key in object.keys() {
        if !["amount_paise", "bill_ref", "customer"].contains(&key.as_str()) {
            fields.insert(key.clone(), "is not a field of a sale".to_owned());
        }
    }
    let amount = match object.get("amount_paise").map(Value::as_u64) {
        Some(Some(paise)) if paise > 0 && Paise::new(paise) <= Paise::ABSOLUTE_MAX => {
            Some(Paise::new(paise))
        }
        Some(_) => {
            let why = "must be a whole number of paise above zero, e.g. 123450 for ₹1,234.50";
            fields.insert("amount_paise".to_owned(), why.to_owned());
            None
        }
        None => {
            fields.insert("amount_paise".to_owned(), "is missing".to_owned());
            None
        }
    };
    let bill_ref = read_bill_ref(object.get("bill_ref"), &mut fields);
    let customer = read_customer(object.get("customer"), &mut fields);
    match (amount, bill_ref, customer) {
        (Some(amount), Some(bill_ref), Some(customer)) if fields.is_empty() => {
            let mut sale = Sale::new(crate::reference::new_sale_ref(), amount, customer);
            sale.extra = SaleExtra {
                bill_ref: Some(bill_ref),
                ..SaleExtra::default()
            };
            sale.source = Source::Api;
            Ok(sale)
        }
        _ => Err(Refusal::Invalid(fields)),
    }
}

fn read_bill_ref(value: Option<&Value>, fields: &mut BTreeMap<String, String>) -> Option<String> {
    // Not text at all reads as an empty reference: the same message.
    let checked = check_bill_ref(value.and_then(Value::as_str).unwrap_or_default());
    match checked {
        Ok(bill) => Some(bill),
        Err(why) => {
            fields.insert("bill_ref".to_owned(), why);
            None
        }
    }
}

fn read_customer(
    value: Option<&Value>,
    fields: &mut BTreeMap<String, String>,
) -> Option<crate::domain::Customer> {
    let mut input = CustomerInput::default();
    match value {
        None | Some(Value::Null) => {}
        Some(Value::Object(object)) => {
            for (key, value) in object {
                let slot = match key.as_str() {
                    "name" => &mut input.name,
                    "mobile" => &mut input.mobile,
                    "email" => &mut input.email,
                    _ => {
                        fields.insert(format!("customer.{key}"), "is not a customer field".into());
                        continue;
                    }
                };
                match value {
                    Value::String(text) => *slot = text.clone(),
                    Value::Null => {}
                    _ => {
                        fields.insert(format!("customer.{key}"), "must be text".into());
                    }
                }
            }
        }
        Some(_) => {
            fields.insert("customer".to_owned(), "must be an object".to_owned());
        }
    }
    match input.check() {
        Ok(customer) => Some(customer),
        Err(e) => {
            let field = match e {
                crate::domain::customer::CustomerError::NameTooLong
                | crate::domain::customer::CustomerError::NameNotPlain => "customer.name",
                crate::domain::customer::CustomerError::Mobile => "customer.mobile",
                crate::domain::customer::CustomerError::Email => "customer.email",
            };
            fields.insert(field.to_owned(), e.to_string());
            None
        }
    }
}

/// Hands `call` to the window and waits for its answer.
async fn ask_till<T>(
    state: &ApiState,
    call: impl FnOnce(oneshot::Sender<T>) -> Call,
) -> Result<T, Response> {
    let (reply, answer) = oneshot::channel();
    (state.till)(call(reply));
    match tokio::time::timeout(TILL_WAIT, answer).await {
        Ok(Ok(answer)) => Ok(answer),
        _ => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorBody::named(
                "till_unavailable",
                "The till did not take the call; try again.",
            ),
        )),
    }
}

/// Sells a bill: its sale goes on the till, and the answer carries its QR.
#[utoipa::path(
    post,
    path = "/v1/sales",
    request_body = NewSale,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "A new sale for the bill, on the till", body = SaleView),
        (status = 200, description = "The bill's sale: already open or paid (nothing asked of \
            the gateway), or a new QR for it after its earlier one ended unpaid", body = SaleView),
        (status = 400, description = "`invalid` (by field) or `not_json`", body = ErrorBody),
        (status = 401, description = "No or a wrong token", body = ErrorBody),
        (status = 409, description = "`busy` (another sale is on the till) or \
            `bill_ref_conflict` (the bill is known with another amount)", body = ErrorBody),
        (status = 413, description = "The body is over 16 KiB", body = ErrorBody),
    )
)]
async fn create_sale(State(state): State<ApiState>, body: Body) -> Response {
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        return error(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorBody::named("too_large", "The body is over 16 KiB."),
        );
    };
    let sale = match read_new_sale(&bytes) {
        Ok(sale) => sale,
        Err(refusal) => return refusal.response(),
    };
    let bill_ref = sale.extra.bill_ref.clone().unwrap_or_default();
    let known = state
        .journal
        .read(move |journal| journal.sale_by_bill(&bill_ref))
        .await;
    let known = match known {
        Ok(Ok(known)) => known.map(Box::new),
        _ => {
            return error(
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorBody::named("till_unavailable", "The sales journal could not be read."),
            );
        }
    };
    let sale = Box::new(sale);
    let created = match ask_till(&state, |reply| Call::Create { sale, known, reply }).await {
        Ok(created) => created,
        Err(response) => return response,
    };
    match created {
        Created::Started { sale_id, new } => {
            let view = wait_for(&state, &sale_id, QR_WAIT, |s| s != SaleStatus::Requested).await;
            let status = if new {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            match view {
                Some(view) => (status, Json(view)).into_response(),
                None => not_found(),
            }
        }
        Created::Existing(view) => (StatusCode::OK, Json(view)).into_response(),
        Created::Busy { sale_id } => error(
            StatusCode::CONFLICT,
            ErrorBody {
                error: "busy".to_owned(),
                fields: None,
                sale_id: Some(sale_id.to_string()),
                message: Some("Another sale is on the till; try when it is done.".to_owned()),
            },
        ),
        Created::Conflict => error(
            StatusCode::CONFLICT,
            ErrorBody::named(
                "bill_ref_conflict",
                "This bill is known with another amount.",
            ),
        ),
        Created::Invalid(fields) => invalid(fields),
    }
}

fn not_found() -> Response {
    error(
        StatusCode::NOT_FOUND,
        ErrorBody::named("not_found", "No sale with that id."),
    )
}

/// The sale `reference` as it stands: the board, else the journal. A payment recorded in the
/// journal from outside the flow (the history's Check, `counterqr reconcile`, another process)
/// wins over what the board last heard: the biller must never be told a paid sale was not.
async fn view_of(state: &ApiState, reference: &SaleRef) -> Option<SaleView> {
    let on_board = state.board.get(reference);
    if on_board
        .as_ref()
        .is_some_and(|view| view.status == SaleStatus::Paid)
    {
        return on_board;
    }
    let wanted = reference.clone();
    let record = state.journal.read(move |j| j.sale(&wanted)).await;
    let now = time::OffsetDateTime::now_utc();
    let recorded = record
        .ok()
        .and_then(Result::ok)
        .flatten()
        .map(|r| view_from_record(&r, now));
    match (on_board, recorded) {
        (_, Some(paid)) if paid.status == SaleStatus::Paid => {
            state.board.set_status(reference, SaleStatus::Paid);
            Some(paid)
        }
        (Some(view), _) => Some(view),
        (None, recorded) => recorded,
    }
}

/// Waits (without polling: the board wakes it) until the sale's status satisfies `done` or `limit`
/// passes; the sale as it then stands.
async fn wait_for(
    state: &ApiState,
    reference: &SaleRef,
    limit: Duration,
    done: impl Fn(SaleStatus) -> bool,
) -> Option<SaleView> {
    let mut changes = state.board.subscribe();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let view = view_of(state, reference).await?;
        if done(view.status) {
            return Some(view);
        }
        let changed = tokio::time::timeout_at(deadline, changes.changed()).await;
        if !matches!(changed, Ok(Ok(()))) {
            return view_of(state, reference).await;
        }
    }
}

/// The sale; with `wait` (1–60 s), answered as soon as it is final or when `wait` passes.
#[utoipa::path(
    get,
    path = "/v1/sales/{sale_id}",
    security(("bearer" = [])),
    params(
        ("sale_id" = String, Path, description = "The sale's id, as the POST answered it"),
        ("wait" = Option<u64>, Query, description = "Seconds (1–60) to wait for a final status"),
    ),
    responses(
        (status = 200, body = SaleView),
        (status = 400, description = "`invalid`: wait out of range", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
    )
)]
async fn get_sale(
    State(state): State<ApiState>,
    Path(sale_id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let wait = match query.get("wait").map(|w| w.trim().parse::<u64>()) {
        None => 0,
        Some(Ok(secs)) if (1..=MAX_WAIT_SECS).contains(&secs) => secs,
        Some(_) => {
            return invalid(BTreeMap::from([(
                "wait".to_owned(),
                format!("must be a whole number of seconds from 1 to {MAX_WAIT_SECS}"),
            )]));
        }
    };
    let Some(reference) = SaleRef::parse(&sale_id) else {
        return not_found();
    };
    let view = wait_for(
        &state,
        &reference,
        Duration::from_secs(wait),
        SaleStatus::is_final,
    )
    .await;
    match view {
        Some(view) => Json(view).into_response(),
        None => not_found(),
    }
}

/// Withdraws the sale from the till, as Esc does.
#[utoipa::path(
    post,
    path = "/v1/sales/{sale_id}/cancel",
    security(("bearer" = [])),
    params(("sale_id" = String, Path, description = "The sale's id")),
    responses(
        (status = 200, description = "Withdrawn", body = SaleView),
        (status = 401, body = ErrorBody),
        (status = 404, body = ErrorBody),
        (status = 409, description = "`final` (already paid, failed, expired…) or \
            `not_on_till`", body = ErrorBody),
    )
)]
async fn cancel_sale(State(state): State<ApiState>, Path(sale_id): Path<String>) -> Response {
    let Some(reference) = SaleRef::parse(&sale_id) else {
        return not_found();
    };
    let Some(before) = view_of(&state, &reference).await else {
        return not_found();
    };
    let final_error = |view: SaleView| {
        let mut body = ErrorBody::named("final", format!("The sale is already {:?}.", view.status));
        body.sale_id = Some(view.sale_id);
        error(StatusCode::CONFLICT, body)
    };
    // Paid in the journal (the history's Check, reconcile) or otherwise over: nothing to withdraw,
    // whatever the till still shows.
    if before.status.is_final() {
        return final_error(before);
    }
    let asked = reference.clone();
    let cancelled = match ask_till(&state, |reply| Call::Cancel {
        reference: asked,
        reply,
    })
    .await
    {
        Ok(cancelled) => cancelled,
        Err(response) => return response,
    };
    match cancelled {
        Cancelled::Done => match view_of(&state, &reference).await {
            Some(view) => Json(view).into_response(),
            None => not_found(),
        },
        Cancelled::Final(view) => final_error(view),
        Cancelled::NotOnTill => error(
            StatusCode::CONFLICT,
            ErrorBody::named("not_on_till", "The sale is not on the till."),
        ),
    }
}

/// Whether the API is up (no token needed).
#[utoipa::path(get, path = "/v1/health", responses((status = 200, body = Health)))]
async fn health() -> Json<Health> {
    Json(Health {
        status: "ok".to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_billing_software_sends_is_checked_field_by_field() {
        assert!(read_new_sale(br#"{"amount_paise":123450,"bill_ref":"INV-0042"}"#).is_ok());
        let with_customer = br#"{"amount_paise":50000,"bill_ref":"INV-1",
            "customer":{"name":"Ravi","mobile":"+91 98765 43210","email":"r@example.com"}}"#;
        let sale = read_new_sale(with_customer).expect("valid");
        assert_eq!(sale.customer.mobile.as_deref(), Some("9876543210"));
        assert_eq!(sale.extra.bill_ref.as_deref(), Some("INV-1"));
        assert_eq!(sale.source, Source::Api);
        for bad in [
            r#"{"amount_paise":0,"bill_ref":"B"}"#,
            r#"{"amount_paise":-5,"bill_ref":"B"}"#,
            r#"{"amount_paise":"500","bill_ref":"B"}"#,
            r#"{"amount_paise":500.5,"bill_ref":"B"}"#,
            r#"{"amount_paise":1e21,"bill_ref":"B"}"#,
            r#"{"amount_paise":99999999999999999999,"bill_ref":"B"}"#,
            r#"{"bill_ref":"B"}"#,
            r#"{"amount_paise":100}"#,
            r#"{"amount_paise":100,"bill_ref":""}"#,
            r#"{"amount_paise":100,"bill_ref":"a\nb"}"#,
            r#"{"amount_paise":100,"bill_ref":12}"#,
            r#"{"amount_paise":100,"bill_ref":"B","amount":5}"#,
            r#"{"amount_paise":100,"bill_ref":"B","customer":{"mobile":"12"}}"#,
            r#"{"amount_paise":100,"bill_ref":"B","customer":{"phone":"98765 43210"}}"#,
            r#"{"amount_paise":100,"bill_ref":"B","customer":"Ravi"}"#,
            r#"[1,2]"#,
            r#"not json"#,
            r#"{"amount_paise":100,"amount_paise":50000,"bill_ref":"B"}"#,
            r#"{"amount_paise":100,"bill_ref":"B","customer":{"name":"A","name":"B"}}"#,
            "{\"amount_paise\":100,\"bill_ref\":\"INV\u{202e}24\"}",
            r#"{"amount_paise":100,"bill_ref":"INV\u202e24"}"#,
            r#"{"amount_paise":100,"bill_ref":"INV\u200b24"}"#,
            r#"{"amount_paise":100,"bill_ref":"B","customer":{"name":"Ravi\u0007"}}"#,
        ] {
            assert!(read_new_sale(bad.as_bytes()).is_err(), "{bad}");
        }
        let long = format!(r#"{{"amount_paise":100,"bill_ref":"{}"}}"#, "x".repeat(65));
        assert!(read_new_sale(long.as_bytes()).is_err());
    }

    #[test]
    fn the_openapi_document_describes_every_call() {
        let doc = serde_json::to_value(openapi()).expect("JSON");
        let paths = doc["paths"].as_object().expect("paths");
        for path in [
            "/v1/sales",
            "/v1/sales/{sale_id}",
            "/v1/sales/{sale_id}/cancel",
            "/v1/health",
        ] {
            assert!(paths.contains_key(path), "{path} in {:?}", paths.keys());
        }
        assert!(doc["components"]["schemas"]["SaleView"].is_object());
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with('3')));
    }
}
