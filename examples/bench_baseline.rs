//! The bare stack `scripts/bench` measures the app against: actix-web, askama and diesel
//! on the same database through the same pool, and nothing else (no sessions, rules,
//! checks or logging).
//!
//! `bench_baseline <database-url> <address>` serves
//! - `GET /json`: a fixed JSON answer;
//! - `POST /lookup` with `{"systemUserId": "…"}`: one indexed lookup, answered as JSON;
//! - `GET /page/{org_no}`: an HTML page of the party's 50 newest system users.

use actix_web::{App, HttpResponse, HttpServer, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;
use systemtilgang::db::schema::{system_users as su, systems};
use systemtilgang::db::{self, DatabaseUrl, Pool};

#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<!doctype html>
<html lang="nb"><head><meta charset="utf-8"><title>Systemtilganger</title></head>
<body><main><h1>Systemtilganger</h1><ul>
{% for (id, title, system, created) in rows %}<li><a href="/systemuser/{{ id }}">{{ title }}</a> <span>{{ system }}</span> <time>{{ created }}</time></li>
{% endfor %}</ul></main></body></html>"#
)]
struct Page {
    rows: Vec<(String, String, String, String)>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Lookup {
    system_user_id: String,
}

async fn json() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"ok": true}))
}

async fn lookup(pool: web::Data<Pool>, body: web::Json<Lookup>) -> HttpResponse {
    let pool = pool.into_inner();
    let id = body.into_inner().system_user_id;
    let party = web::block(move || -> Result<Option<String>, String> {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        su::table.find(id).select(su::party_org_no).first(&mut conn).optional().map_err(|e| e.to_string())
    })
    .await;
    match party {
        Ok(Ok(party)) => HttpResponse::Ok().json(serde_json::json!({"found": party.is_some(), "party": party})),
        _ => HttpResponse::InternalServerError().finish(),
    }
}

async fn page(pool: web::Data<Pool>, org_no: web::Path<String>) -> HttpResponse {
    let pool = pool.into_inner();
    let org_no = org_no.into_inner();
    let rows = web::block(move || -> Result<Vec<(String, String, String, chrono::NaiveDateTime)>, String> {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        su::table
            .inner_join(systems::table)
            .filter(su::party_org_no.eq(org_no))
            .filter(su::deleted_at.is_null())
            .order(su::created.desc())
            .limit(50)
            .select((su::id, su::integration_title, systems::name, su::created))
            .load(&mut conn)
            .map_err(|e| e.to_string())
    })
    .await;
    let Ok(Ok(rows)) = rows else {
        return HttpResponse::InternalServerError().finish();
    };
    let rows = rows.into_iter().map(|(id, title, system, created)| (id, title, system, created.to_string())).collect();
    match (Page { rows }).render() {
        Ok(html) => HttpResponse::Ok().content_type("text/html; charset=utf-8").body(html),
        Err(_) => HttpResponse::InternalServerError().finish(),
    }
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(url), Some(address)) = (args.next(), args.next()) else {
        eprintln!("usage: bench_baseline <database-url> <address, e.g. 127.0.0.1:0>");
        std::process::exit(2);
    };
    let url = DatabaseUrl::parse(&url).map_err(std::io::Error::other)?;
    // The app's default pool size, so both wait on the database alike.
    let pool = web::Data::new(db::connect(&url, 10).map_err(std::io::Error::other)?);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(pool.clone())
            .route("/json", web::get().to(json))
            .route("/lookup", web::post().to(lookup))
            .route("/page/{org_no}", web::get().to(page))
    })
    .bind(address)?;
    // The address it got (the benchmark binds port 0), as the app's banner says its own.
    for bound in server.addrs() {
        eprintln!("bench_baseline is running at http://{bound}");
    }
    server.run().await
}
