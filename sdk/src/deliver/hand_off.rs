//! Handing a new secret to the caller, who answers once a person stored it:
//! for a program whose user stores secrets from a dialog (the terminal UI's
//! once-only dialog), where a file or command would not do.
//!
//! The workflow waits for the answer before anything else changes. A
//! refusal, or an answer dropped unsent (the dialog dismissed unstored, the
//! program closing), counts as undelivered: the key is revoked again and
//! the key it was to replace keeps working, as after a failed command.
//! "Stored" is not the last word: the workflow checks the key is still its
//! own before it goes on, and tells the caller ([`StoredCheck`]), who told
//! a person the secret was taken.

use std::sync::Arc;

use futures::channel::oneshot;

use super::{DeliveryError, NewSecret};
use crate::key::CreatedKey;

/// One new secret handed to the caller, with the answer the workflow waits for.
#[derive(Debug)]
pub struct HandedSecret {
    /// The key made and its secret.
    pub created: CreatedKey,
    /// The id of the key it replaces, if any: retired only once the answer
    /// is [`HandOffAnswer::stored`].
    pub replaces: Option<String>,
    /// How the caller says the secret was stored, or not.
    pub answer: HandOffAnswer,
}

/// The caller's answer to one hand-off; dropped unsent, it is a refusal.
pub struct HandOffAnswer(oneshot::Sender<Answer>);

/// What the caller said: stored, with where the workflow tells whether it
/// goes on with the key, or refused.
enum Answer {
    Stored(oneshot::Sender<Result<(), String>>),
    Refused,
}

impl std::fmt::Debug for HandOffAnswer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HandOffAnswer")
    }
}

impl HandOffAnswer {
    /// The secret is stored (written, or a person said so): the workflow
    /// checks the key is still its own, then goes on and retires the key it
    /// replaces. The [`StoredCheck`] says whether it did.
    pub fn stored(self) -> StoredCheck {
        let (tx, rx) = oneshot::channel();
        // A workflow gone already drops `tx`: the check says so.
        let _ = self.0.send(Answer::Stored(tx));
        StoredCheck(rx)
    }

    /// The secret was not stored: the key is revoked again, the key it
    /// replaces kept.
    pub fn refused(self) {
        let _ = self.0.send(Answer::Refused);
    }
}

/// Whether the workflow went on with a key whose secret the caller said
/// is stored: `Err` says why not (the key was revoked or taken over
/// elsewhere while its secret was on screen), for the person who stored it.
#[derive(Debug)]
pub struct StoredCheck(oneshot::Receiver<Result<(), String>>);

impl StoredCheck {
    /// Waits for the workflow's check.
    pub async fn outcome(self) -> Result<(), String> {
        self.0.await.unwrap_or_else(|_| {
            Err("the run had ended before it took the answer: nothing was done with this key; run `narrative-keys plan` to see where it stands".to_owned())
        })
    }
}

/// The workflow's side of a "stored" answer: it tells the caller whether
/// it goes on with the key once it has checked. Dropped untold, the
/// caller hears the run ended first.
#[derive(Debug)]
pub struct GoesOn(oneshot::Sender<Result<(), String>>);

impl GoesOn {
    /// Tells the caller whether the workflow goes on with the key.
    pub fn tell(self, verdict: Result<(), String>) {
        let _ = self.0.send(verdict);
    }
}

/// Where a workflow hands secrets to its caller: `give` is called with each
/// one (from the workflow's task; it must not block) and the workflow waits
/// for the [`HandOffAnswer`]. Clones share the callback.
#[derive(Clone)]
pub struct HandOff(Arc<dyn Fn(HandedSecret) + Send + Sync>);

impl std::fmt::Debug for HandOff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HandOff")
    }
}

impl HandOff {
    /// Hands each secret to `give`.
    pub fn new(give: impl Fn(HandedSecret) + Send + Sync + 'static) -> Self {
        Self(Arc::new(give))
    }

    /// Hands `item` over and waits for the answer: `Ok` once stored, with
    /// what tells the caller whether the workflow goes on; an error naming
    /// the key when refused or dropped unanswered.
    pub async fn hand_over(&self, item: &NewSecret<'_>) -> Result<GoesOn, DeliveryError> {
        let (tx, rx) = oneshot::channel();
        (self.0)(HandedSecret {
            created: CreatedKey {
                key: item.key.clone(),
                secret: item.secret.clone(),
            },
            replaces: item.replaces.map(str::to_owned),
            answer: HandOffAnswer(tx),
        });
        let target = format!("the secret of {:?} on screen", item.key.name);
        match rx.await {
            Ok(Answer::Stored(verdict)) => Ok(GoesOn(verdict)),
            Ok(Answer::Refused) => Err(DeliveryError::new(
                target,
                "was dismissed without being stored",
            )),
            Err(oneshot::Canceled) => Err(DeliveryError::new(
                target,
                "was not stored: the program closed before it was",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::ApiKey;
    use crate::permission::PermissionSet;
    use crate::secret::Secret;
    use std::sync::Mutex;

    /// What the workflow sees is what the caller answered, and it waits
    /// until then.
    #[test]
    fn the_workflow_goes_on_only_once_the_caller_says_stored() {
        let handed = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&handed);
        let hand_off = HandOff::new(move |h: HandedSecret| seen.lock().unwrap().push(h));
        let key = ApiKey {
            id: "k1".into(),
            name: "CI key".into(),
            permissions: PermissionSet::default(),
            expires_at: None,
        };
        let secret = Secret::from("nk_handed_secret");
        let item = NewSecret {
            key: &key,
            secret: &secret,
            replaces: Some("old1"),
        };
        let answers: [fn(HandOffAnswer); 3] = [|a| drop(a.stored()), HandOffAnswer::refused, drop];
        let mut results = Vec::new();
        for answer in answers {
            let waiting = hand_off.hand_over(&item);
            futures::pin_mut!(waiting);
            let early = futures::executor::block_on(futures::future::poll_immediate(&mut waiting));
            assert!(early.is_none(), "it waits for the answer");
            let h = handed.lock().unwrap().pop().unwrap();
            assert_eq!(h.created.secret.expose(), "nk_handed_secret");
            assert!(
                !format!("{h:?}").contains("nk_handed_secret"),
                "Debug redacts it"
            );
            assert_eq!(h.replaces.as_deref(), Some("old1"));
            answer(h.answer);
            results.push(
                futures::executor::block_on(waiting)
                    .map(drop)
                    .map_err(|e| e.to_string()),
            );
        }
        assert_eq!(results[0], Ok(()));
        assert_eq!(
            results[1].as_ref().unwrap_err(),
            "the secret of \"CI key\" on screen: was dismissed without being stored"
        );
        assert_eq!(
            results[2].as_ref().unwrap_err(),
            "the secret of \"CI key\" on screen: was not stored: the program closed before it was"
        );
    }

    /// What the workflow tells after "stored" reaches the caller; a
    /// workflow that ended untold is said so.
    #[test]
    fn the_caller_hears_whether_the_workflow_went_on() {
        let (tx, rx) = oneshot::channel();
        let check = HandOffAnswer(tx).stored();
        let Ok(Answer::Stored(verdict)) = futures::executor::block_on(rx) else {
            panic!("stored was sent");
        };
        GoesOn(verdict).tell(Err("taken over".to_owned()));
        assert_eq!(
            futures::executor::block_on(check.outcome()),
            Err("taken over".to_owned())
        );
        let (tx, rx) = oneshot::channel();
        let check = HandOffAnswer(tx).stored();
        drop(rx);
        let said = futures::executor::block_on(check.outcome()).unwrap_err();
        assert!(said.contains("the run had ended"), "{said}");
    }
}
