//! A tiny single-threaded executor polled from JavaScript.
//!
//! `wasm-bindgen-futures` polls futures from a microtask of its own; a panic
//! there traps outside any JavaScript code the package controls, so the
//! promise never settles and Node reports an uncaught exception. Here every
//! poll is an explicit call from the wrapper (`pollTask`), inside its own
//! `try`: a trap rejects that call's promise, and the panic hook has already
//! scheduled a fresh instance for the next call.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use js_sys::Function;
use wasm_bindgen::prelude::*;

/// A task's output is the JSON envelope of `error::envelope`.
type TaskFuture = Pin<Box<dyn Future<Output = String>>>;

thread_local! {
    /// The tasks in flight: a handful at a time, so a list searched by id.
    static TASKS: RefCell<Vec<(u32, TaskFuture)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    static WAKE: RefCell<Option<Function>> = const { RefCell::new(None) };
    static ON_PANIC: RefCell<Option<Function>> = const { RefCell::new(None) };
}

/// Registers the wrapper's callbacks: `wake(taskId)` when a task can make
/// progress, `onPanic(message)` just before a panic traps.
#[wasm_bindgen(js_name = startRuntime)]
pub fn start_runtime(wake: Function, on_panic: Function) {
    WAKE.with(|w| *w.borrow_mut() = Some(wake));
    ON_PANIC.with(|p| *p.borrow_mut() = Some(on_panic));
    std::panic::set_hook(Box::new(|info| {
        let message = info.to_string();
        ON_PANIC.with(|p| {
            if let Ok(p) = p.try_borrow()
                && let Some(f) = p.as_ref()
            {
                let _ = f.call1(&JsValue::NULL, &JsValue::from_str(&message));
            }
        });
        // The trap that follows leaves this instance's stack and heap in an
        // unknown state: the next export call gets a fresh instance.
        wasm_bindgen::handler::schedule_reinit();
    }));
}

struct TaskWaker(u32);

impl Wake for TaskWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        WAKE.with(|w| {
            if let Ok(w) = w.try_borrow()
                && let Some(f) = w.as_ref()
            {
                let _ = f.call1(&JsValue::NULL, &JsValue::from(self.0));
            }
        });
    }
}

/// Queues a future; the wrapper polls it first, then on every wake.
pub fn spawn(future: impl Future<Output = String> + 'static) -> u32 {
    queue(Box::pin(future))
}

/// The part of [`spawn`] that does not depend on the future's type: one copy,
/// not one per export.
#[inline(never)]
fn queue(future: TaskFuture) -> u32 {
    let id = NEXT_ID.with(|n| {
        let id = n.get();
        n.set(id.wrapping_add(1).max(1));
        id
    });
    TASKS.with(|t| t.borrow_mut().push((id, future)));
    id
}

/// Polls task `id` once: `undefined` while pending, else the JSON envelope
/// of its result. An unknown id (already finished) reads as pending.
#[wasm_bindgen(js_name = pollTask)]
pub fn poll_task(id: u32) -> Option<String> {
    let mut future = TASKS.with(|t| {
        let mut tasks = t.borrow_mut();
        let at = tasks.iter().position(|(task, _)| *task == id)?;
        Some(tasks.swap_remove(at).1)
    })?;
    let waker = Waker::from(Arc::new(TaskWaker(id)));
    let mut cx = Context::from_waker(&waker);
    match future.as_mut().poll(&mut cx) {
        Poll::Pending => {
            TASKS.with(|t| t.borrow_mut().push((id, future)));
            None
        }
        Poll::Ready(out) => Some(out),
    }
}
