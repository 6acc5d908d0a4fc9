//! Request bodies as the API reads them: taken whole first and decoded only when the
//! handler asks, after it has checked the caller's scope, so a token without the scope
//! gets 403 whatever it sends.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

use actix_web::{FromRequest, HttpRequest, dev::Payload, web};
use serde::de::DeserializeOwned;

use super::problem::ApiError;
use crate::error::AppError;

/// The largest body the API reads: a system with long descriptions in three languages
/// fits many times over.
pub const LIMIT: usize = 256 * 1024;

/// A JSON body, read but not yet decoded.
pub struct Body<T> {
    bytes: web::Bytes,
    kind: PhantomData<T>,
}

impl<T: DeserializeOwned> Body<T> {
    pub fn decode(self) -> Result<T, ApiError> {
        serde_json::from_slice(&self.bytes)
            .map_err(|e| AppError::BadRequest(format!("the body is not the JSON expected: {e}")).into())
    }
}

impl<T: 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes.await.map_err(|e| AppError::BadRequest(format!("the body cannot be read: {e}")))?;
            Ok(Body { bytes, kind: PhantomData })
        })
    }
}
