//! The PostgreSQL memory as a [`Coordinator`]: claims, token buckets and
//! budgets in the tables of schema 2, every decision one statement (or one
//! short transaction) on the server, whose clock all workers share.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use async_trait::async_trait;

use super::Error;
use super::postgres::{Inner, PostgresStore};
use crate::coordination::{Coordinator, Take};

/// A budget older than this is a new one: the same batch started again
/// another day gets its `--max-chars` afresh.
const BUDGET_LIFETIME_HOURS: f64 = 24.0;

impl PostgresStore {
    /// Starts, once, the task that renews this worker's claims every third
    /// of the lease, for as long as the store lives.
    fn keep_claims_alive(&self) {
        if self.inner.renewing.swap(true, Ordering::SeqCst) {
            return;
        }
        let weak = Arc::downgrade(&self.inner);
        let every = self.inner.lease / 3;
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else { return };
                if let Err(e) = renew(&inner).await {
                    tracing::warn!("cannot renew sentence claims: {e}");
                }
            }
        });
    }
}

async fn renew(inner: &Inner) -> Result<(), Error> {
    let client = inner.client().await?;
    let secs = inner.lease.as_secs_f64();
    client
        .execute(
            "UPDATE depeche.claims SET expires = clock_timestamp() + make_interval(secs => $2)
             WHERE worker = $1",
            &[&inner.worker, &secs],
        )
        .await
        .map_err(|e| inner.err(e))?;
    Ok(())
}

impl PostgresStore {
    /// Claims `sorted` on the server; returns the keys this worker holds
    /// now, sorted.
    async fn claim_on_server(&self, sorted: &[Vec<u8>]) -> Result<Vec<Vec<u8>>, Error> {
        let inner = &self.inner;
        let client = inner.client().await?;
        let secs = inner.lease.as_secs_f64();
        let rows = client
            .query(
                "INSERT INTO depeche.claims AS c (key, worker, expires)
                 SELECT k, $2, clock_timestamp() + make_interval(secs => $3)
                 FROM unnest($1::bytea[]) AS k ORDER BY k
                 ON CONFLICT (key) DO UPDATE
                     SET worker = excluded.worker, expires = excluded.expires
                     WHERE c.expires < clock_timestamp() OR c.worker = excluded.worker
                 RETURNING key",
                &[&sorted, &inner.worker, &secs],
            )
            .await
            .map_err(|e| inner.err(e))?;
        let mut got: Vec<Vec<u8>> = Vec::with_capacity(rows.len());
        for row in rows {
            got.push(row.try_get(0).map_err(|e| inner.err(e))?);
        }
        got.sort_unstable();
        Ok(got)
    }
}

/// A poisoned lock is still usable: the set is only ever left whole.
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl Coordinator for PostgresStore {
    async fn claim(&self, keys: &[Vec<u8>]) -> Result<Vec<bool>, Error> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        self.keep_claims_alive();
        let inner = &self.inner;
        // Those another article of this process holds are not asked for;
        // the others are marked held here first, so that two articles never
        // both get one.
        let mut asked: Vec<Vec<u8>> = {
            let mut held = lock(&inner.held);
            keys.iter().filter(|k| held.insert((*k).clone())).cloned().collect()
        };
        // Keys in order: two workers claiming overlapping sets lock the
        // rows in the same order and never deadlock.
        asked.sort_unstable();
        asked.dedup();
        if asked.is_empty() {
            return Ok(vec![false; keys.len()]);
        }
        let answer = self.claim_on_server(&asked).await;
        let mut held = lock(&inner.held);
        let got = match answer {
            Ok(got) => got,
            Err(e) => {
                for k in &asked {
                    held.remove(k);
                }
                return Err(e);
            }
        };
        for k in asked.iter().filter(|k| got.binary_search(k).is_err()) {
            held.remove(k);
        }
        Ok(keys.iter().map(|k| got.binary_search(k).is_ok()).collect())
    }

    async fn release(&self, keys: &[Vec<u8>]) -> Result<(), Error> {
        if keys.is_empty() {
            return Ok(());
        }
        let inner = &self.inner;
        {
            let mut held = lock(&inner.held);
            for k in keys {
                held.remove(k);
            }
        }
        let client = inner.client().await?;
        client
            .execute(
                "DELETE FROM depeche.claims WHERE worker = $1 AND key = ANY($2)",
                &[&inner.worker, &keys],
            )
            .await
            .map_err(|e| inner.err(e))?;
        Ok(())
    }

    async fn take(&self, lane: &str, takes: &[Take]) -> Result<Duration, Error> {
        let inner = &self.inner;
        let client = inner.client().await?;
        let bucket = client
            .prepare_cached(
                "INSERT INTO depeche.buckets AS b (name, tokens, updated)
                 VALUES ($1, $3::float8 - $4::float8, clock_timestamp())
                 ON CONFLICT (name) DO UPDATE SET
                     tokens = least($3::float8, b.tokens + $2::float8
                         * extract(epoch FROM clock_timestamp() - b.updated)::float8)
                         - $4::float8,
                     updated = clock_timestamp()
                 RETURNING tokens",
            )
            .await
            .map_err(|e| inner.err(e))?;
        let names: Vec<String> = takes.iter().map(|t| format!("{lane}/{}", t.bucket)).collect();
        let (client_ref, bucket_ref) = (&client, &bucket);
        // Sent together: the connection pipelines them.
        let balances =
            futures::future::try_join_all(
                takes.iter().zip(&names).map(|(t, name)| {
                    let cost = t.cost.min(t.burst);
                    async move {
                        client_ref.query_one(bucket_ref, &[name, &t.rate, &t.burst, &cost]).await
                    }
                }),
            )
            .await
            .map_err(|e| inner.err(e))?;
        let mut wait: f64 = 0.0;
        for (row, t) in balances.iter().zip(takes) {
            let tokens: f64 = row.try_get(0).map_err(|e| inner.err(e))?;
            if tokens < 0.0 && t.rate > 0.0 {
                wait = wait.max(-tokens / t.rate);
            }
        }
        Ok(if wait.is_finite() && wait > 0.0 {
            Duration::from_secs_f64(wait.min(3600.0))
        } else {
            Duration::ZERO
        })
    }

    async fn paused(&self, lane: &str) -> Result<Duration, Error> {
        let inner = &self.inner;
        let client = inner.client().await?;
        let stmt = client
            .prepare_cached(
                "SELECT coalesce(extract(epoch FROM max(paused_until) - clock_timestamp())::float8,
                     0)
                 FROM depeche.buckets WHERE name = $1",
            )
            .await
            .map_err(|e| inner.err(e))?;
        let name = format!("{lane}/pause");
        let row = client.query_one(&stmt, &[&name]).await.map_err(|e| inner.err(e))?;
        let secs: f64 = row.try_get(0).map_err(|e| inner.err(e))?;
        Ok(if secs.is_finite() && secs > 0.0 {
            Duration::from_secs_f64(secs.min(3600.0))
        } else {
            Duration::ZERO
        })
    }

    async fn pause(&self, lane: &str, wait: Duration) -> Result<(), Error> {
        let inner = &self.inner;
        let client = inner.client().await?;
        let name = format!("{lane}/pause");
        let secs = wait.as_secs_f64();
        client
            .execute(
                "INSERT INTO depeche.buckets AS b (name, tokens, updated, paused_until)
                 VALUES ($1, 0, clock_timestamp(), clock_timestamp() + make_interval(secs => $2))
                 ON CONFLICT (name) DO UPDATE SET paused_until = greatest(b.paused_until,
                     excluded.paused_until)",
                &[&name, &secs],
            )
            .await
            .map_err(|e| inner.err(e))?;
        Ok(())
    }

    async fn reserve(&self, name: &str, limit: u64, chars: u64) -> Result<bool, Error> {
        let inner = &self.inner;
        let mut client = inner.client().await?;
        let tx = client.transaction().await.map_err(|e| inner.err(e))?;
        let (limit, chars) =
            (i64::try_from(limit).unwrap_or(i64::MAX), i64::try_from(chars).unwrap_or(i64::MAX));
        // The row, locked; one older than its lifetime starts afresh.
        tx.execute(
            "INSERT INTO depeche.budgets AS b (name, spent) VALUES ($1, 0)
             ON CONFLICT (name) DO UPDATE SET
                 spent = CASE WHEN b.created < now() - $2::float8 * interval '1 hour' THEN 0
                              ELSE b.spent END,
                 exhausted = b.exhausted AND b.created >= now() - $2::float8 * interval '1 hour',
                 created = CASE WHEN b.created < now() - $2::float8 * interval '1 hour' THEN now()
                                ELSE b.created END",
            &[&name, &BUDGET_LIFETIME_HOURS],
        )
        .await
        .map_err(|e| inner.err(e))?;
        let granted = tx
            .execute(
                "UPDATE depeche.budgets SET spent = spent + $2
                 WHERE name = $1 AND NOT exhausted AND spent + $2 <= $3",
                &[&name, &chars, &limit],
            )
            .await
            .map_err(|e| inner.err(e))?
            == 1;
        if !granted {
            tx.execute("UPDATE depeche.budgets SET exhausted = true WHERE name = $1", &[&name])
                .await
                .map_err(|e| inner.err(e))?;
        }
        tx.commit().await.map_err(|e| inner.err(e))?;
        Ok(granted)
    }
}
