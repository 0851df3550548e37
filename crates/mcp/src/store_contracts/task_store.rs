//! The [`TaskStore`] contract: what every store of the tasks extension does, whatever keeps
//! the tasks. Each check is given two handles on one store, as two instances of a server
//! sharing it hold them (for an in-memory store, two clones).

use std::future::Future;
use std::time::Duration;

use crate::server::tasks::{TaskChange, TaskRecord, TaskStore};
use crate::types::extensions::tasks::TaskStatus;
use crate::types::{InputRequest, ListRootsRequest, Request as _};

/// Runs every check of the contract, each on a fresh, empty store that `make` returns as two
/// handles (stores sharing one backend, such as one Redis, each take a key prefix of their
/// own).
///
/// ```no_run
/// # async fn demo() {
/// use mcp::server::tasks::InMemoryTaskStore;
///
/// mcp::store_contracts::task_store::check(|| async {
///     let store = InMemoryTaskStore::new();
///     (store.clone(), store)
/// })
/// .await;
/// # }
/// ```
pub async fn check<A, B, F, Fut>(mut make: F)
where
    A: TaskStore + Clone,
    B: TaskStore + Clone,
    F: FnMut() -> Fut,
    Fut: Future<Output = (A, B)>,
{
    let (one, two) = make().await;
    shares_tasks_and_applies_every_change(one, two).await;
    let (one, two) = make().await;
    wakes_a_waiter_for_a_change_made_through_the_other(one, two).await;
    let (one, _) = make().await;
    tasks_expire_with_their_time_to_live(&one).await;
}

fn task(id: &str, ttl: Option<Duration>) -> TaskRecord {
    TaskRecord::new(id, "tools/call", None, ttl, Duration::from_millis(100))
}

fn progress(message: String) -> TaskChange {
    TaskChange::Progress { message }
}

/// A task created through one handle is found through the other at once; changes made through
/// both at the same time are all applied, one after the other (the version counts them); a
/// terminal task never changes again; a task that is not there is `None` to every call.
pub async fn shares_tasks_and_applies_every_change<A, B>(one: A, two: B)
where
    A: TaskStore + Clone,
    B: TaskStore + Clone,
{
    one.create(task("t", None)).await.unwrap();
    let found = two.get("t").await.unwrap();
    assert_eq!(
        found.map(|t| (t.status, t.version)),
        Some((TaskStatus::Working, 0)),
        "a created task is found at once, through every handle"
    );

    let mut changes = tokio::task::JoinSet::new();
    for i in 0..20 {
        let message = format!("step {i}");
        if i % 2 == 0 {
            let store = one.clone();
            changes.spawn(async move { store.update("t", progress(message)).await });
        } else {
            let store = two.clone();
            changes.spawn(async move { store.update("t", progress(message)).await });
        }
    }
    while let Some(change) = changes.join_next().await {
        let after = change.expect("the change ran").unwrap();
        assert!(after.is_some(), "the task is there");
    }
    assert_eq!(
        one.get("t").await.unwrap().unwrap().version,
        20,
        "twenty concurrent changes, none lost"
    );

    let cancelled = two.update("t", TaskChange::Cancel).await.unwrap().unwrap();
    assert_eq!(cancelled.status, TaskStatus::Cancelled);
    let after = one
        .update("t", progress("late".into()))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (after.status, after.version),
        (TaskStatus::Cancelled, 21),
        "a terminal task never changes"
    );

    assert!(one.get("missing").await.unwrap().is_none());
    let update = one.update("missing", TaskChange::Cancel).await.unwrap();
    assert!(update.is_none(), "no task to update");
    let waited = one.changed("missing", 0).await.unwrap();
    assert!(waited.is_none(), "no task to wait for");
}

/// A waiter on one handle wakes for a change made through the other, with the task as it
/// became; so does one waiting for the client's answer to an input request.
pub async fn wakes_a_waiter_for_a_change_made_through_the_other<A, B>(one: A, two: B)
where
    A: TaskStore + Clone,
    B: TaskStore + Clone,
{
    one.create(task("t", None)).await.unwrap();
    let waiter = tokio::spawn({
        let one = one.clone();
        async move { one.changed("t", 0).await }
    });
    // The waiter is waiting (or has read the task already): either way it sees the change.
    tokio::time::sleep(Duration::from_millis(50)).await;
    two.update("t", progress("half way".into())).await.unwrap();
    let seen = waiter.await.expect("the waiter ran").unwrap().unwrap();
    assert_eq!(seen.version, 1);
    assert_eq!(seen.status_message.as_deref(), Some("half way"));

    let asked = one
        .update(
            "t",
            TaskChange::AskInput {
                key: "name".into(),
                request: Box::new(InputRequest::ListRoots(ListRootsRequest::from_params(
                    Default::default(),
                ))),
            },
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(asked.status, TaskStatus::InputRequired);
    let waiter = tokio::spawn({
        let one = one.clone();
        let version = asked.version;
        async move { one.changed("t", version).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    let answer = [("name".to_owned(), serde_json::json!({"roots": []}))].into();
    two.update("t", TaskChange::Answer { responses: answer })
        .await
        .unwrap();
    let answered = waiter.await.expect("the waiter ran").unwrap().unwrap();
    assert_eq!(answered.status, TaskStatus::Working);
    assert!(answered.input_responses.contains_key("name"));
}

/// A task is gone once its time to live is over; one without a time to live stays.
pub async fn tasks_expire_with_their_time_to_live(store: &dyn TaskStore) {
    store
        .create(task("short", Some(Duration::from_millis(50))))
        .await
        .unwrap();
    store.create(task("long", None)).await.unwrap();
    assert!(store.get("short").await.unwrap().is_some());
    tokio::time::sleep(Duration::from_millis(150)).await;
    assert!(
        store.get("short").await.unwrap().is_none(),
        "expired after its time to live"
    );
    assert!(store.get("long").await.unwrap().is_some());
}
