//! `/health/live` and `/health/ready` for load balancers and orchestrators: JSON, outside
//! the vendor API's description (they are no part of Altinn's contract).

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::app::state::AppState;
use crate::ops::health::{self, NotReady};

/// How long readiness waits for a pooled connection: a probe that waits longer than the
/// prober does tells nothing.
const WAIT_FOR_CONNECTION: Duration = Duration::from_secs(2);

/// The process runs and answers HTTP.
pub async fn live() -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(json!({"status": "live"}))
}

/// The node can serve: the database answers and its schema is this build's; else 503
/// saying why.
pub async fn ready(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.clone();
    let checked = web::block(move || match pool.get_timeout(WAIT_FOR_CONNECTION) {
        Ok(mut conn) => health::readiness(&mut conn),
        Err(e) => Err(NotReady::Database(e.to_string())),
    })
    .await
    .unwrap_or_else(|e| Err(NotReady::Database(e.to_string())));
    let (mut answer, body) = match checked {
        Ok(()) => (HttpResponse::Ok(), json!({"status": "ready"})),
        Err(NotReady::MigrationsPending) => (
            HttpResponse::ServiceUnavailable(),
            json!({"status": "not ready", "reason": "the database schema is older than this release"}),
        ),
        Err(NotReady::Database(e)) => {
            log::warn!("readiness: the database does not answer: {e}");
            (
                HttpResponse::ServiceUnavailable(),
                json!({"status": "not ready", "reason": "the database does not answer"}),
            )
        }
    };
    answer.insert_header(("Cache-Control", "no-store")).json(body)
}
