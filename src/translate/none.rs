//! The offline `none` provider: no translation, targets left for a human.

use async_trait::async_trait;

use super::{Batch, Limits, Provider, ProviderError, TermSupport};

/// Leaves every target empty; the XLIFF still carries the glossary notes.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoneProvider;

#[async_trait]
impl Provider for NoneProvider {
    fn name(&self) -> &'static str {
        "none"
    }

    fn limits(&self) -> Limits {
        Limits { max_segments: usize::MAX, max_bytes: usize::MAX }
    }

    fn terminology(&self) -> TermSupport {
        TermSupport::None
    }

    fn produces_targets(&self) -> bool {
        false
    }

    async fn translate(&self, batch: &Batch<'_>) -> Result<Vec<String>, ProviderError> {
        Ok(vec![String::new(); batch.items.len()])
    }
}
