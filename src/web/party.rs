//! Switching the party the user acts for.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{CurrentUser, safe_next, see_other};
use crate::error::PageError;
use crate::startup::AppState;

#[derive(Deserialize)]
pub struct SwitchForm {
    org_no: String,
    csrf: String,
    next: Option<String>,
}

pub async fn switch(
    state: web::Data<AppState>,
    mut user: CurrentUser,
    form: web::Form<SwitchForm>,
) -> Result<HttpResponse, PageError> {
    user.verify_csrf(&form.csrf)?;
    user.switch_party(&state, &form.org_no).await?;
    Ok(see_other(safe_next(form.next.as_deref())))
}
