//! `/metrics`: the Prometheus text format, for the operators' scraper (outside the
//! vendor API's description; restrict it at the load balancer).

use actix_web::{HttpResponse, web};

use crate::app::state::AppState;
use crate::ops::metrics;

pub async fn scrape(state: web::Data<AppState>) -> HttpResponse {
    let pool = state.pool.state();
    metrics::pool(pool.connections, pool.idle_connections);
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header(("Cache-Control", "no-store"))
        .body(metrics::handle().render())
}
