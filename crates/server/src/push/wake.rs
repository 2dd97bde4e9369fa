//! The one thing every push service does: wake a device.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use tessera_push::{PushChannel, PushKind};

use super::PushError;

/// What [`Wake::wake`] returns: boxed, so that services can sit side by side as trait objects.
pub type WakeFuture<'a> = Pin<Box<dyn Future<Output = Result<(), PushError>> + Send + 'a>>;

/// A push service that can wake a device. Called concurrently from many tasks; `Debug` must not
/// show secrets.
pub trait Wake: Send + Sync + fmt::Debug {
    /// The service's kind; a [`super::Pushers`] holds at most one service per kind.
    fn kind(&self) -> PushKind;

    /// Sends `channel`'s device a push that carries nothing but "look for work". The channel's
    /// kind is usually [`Wake::kind`]; the webhook relay also takes channels of kinds the
    /// server has no adapter for.
    fn wake<'a>(&'a self, channel: &'a PushChannel) -> WakeFuture<'a>;
}
