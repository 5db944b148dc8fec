//! Saving the panel, off the UI thread: the logo is read, the manager PIN checked where the
//! change needs it, the new settings must make a working gateway, then the secrets go to the
//! keyring, the file is written (atomically) and the autostart entry follows. Any failure saves
//! nothing more and names the field.

use super::form::{Field, FieldError, needs_pin};
use super::{SaveJob, Saved, SecretStatus, SecretsOpener};
use crate::providers;

/// Reads which secrets are set (never their values).
pub fn secret_status(opener: &SecretsOpener) -> SecretStatus {
    match opener().and_then(|store| store.status()) {
        Ok(status) => SecretStatus::Known(status),
        Err(e) => SecretStatus::Unreadable(e.to_string()),
    }
}

/// Carries out a save.
pub fn run(job: SaveJob) -> Result<Saved, Vec<FieldError>> {
    let path = job
        .path
        .as_ref()
        .filter(|_| !job.file_problem)
        .ok_or_else(|| FieldError::whole("The settings file cannot be written: see above."))?;
    let logo = job.new.shop_logo.trim();
    if !logo.is_empty()
        && let Err(problem) = crate::render::load_picture(std::path::Path::new(logo))
    {
        return Err(vec![FieldError::new(Field::ShopLogo, problem)]);
    }
    let file = path.display().to_string();
    let mut fingerprint_before = None;
    // Settings changed outside the panel are accepted only with the PIN, like a change here.
    let held_back = job.new.provider != crate::domain::ProviderId::Training
        && (job.secrets_opener)()
            .ok()
            .and_then(|store| crate::payee_lock::check(&job.new, &file, store.as_ref()).ok())
            .is_some_and(|lock| lock != crate::payee_lock::Lock::Held);
    if held_back || needs_pin(&job.old, &job.new, !job.secrets.is_empty()) {
        let store = (job.secrets_opener)().map_err(|e| {
            FieldError::whole(format!(
                "{e} The manager PIN cannot be checked, so payment settings cannot change."
            ))
        })?;
        crate::pin::PinGuard::check(
            store.as_ref(),
            job.pin.expose(),
            "payment settings",
            time::OffsetDateTime::now_utc(),
        )
        .map_err(|refused| vec![FieldError::new(Field::Pin, refused.to_string())])?;
        fingerprint_before = Some(
            crate::payee_lock::snapshot(store.as_ref())
                .map_err(|e| FieldError::whole(e.to_string()))?,
        );
        crate::payee_lock::accept(&job.new, &file, store.as_ref())
            .map_err(|e| FieldError::whole(e.to_string()))?;
    }
    // Not saved after all: the fingerprint goes back to exactly what it was.
    let undo = |problem: Vec<FieldError>| {
        if let Some(before) = &fingerprint_before
            && let Ok(store) = (job.secrets_opener)()
            && let Err(e) = crate::payee_lock::restore(store.as_ref(), before.as_ref())
        {
            tracing::error!("the payee fingerprint could not be put back: {e}");
        }
        problem
    };
    let gateway = providers::from_config(
        &job.new,
        Some(path.as_path()),
        &*job.secrets_opener,
        job.clock.clone(),
    )
    .map_err(|e| undo(FieldError::whole(e.to_string())))?;
    if !job.secrets.is_empty() {
        let store = (job.secrets_opener)().map_err(|e| undo(FieldError::whole(e.to_string())))?;
        for (name, value) in &job.secrets {
            store
                .set(*name, value)
                .map_err(|e| undo(vec![FieldError::new(Field::Secret(*name), e.to_string())]))?;
        }
    }
    job.new
        .save(path)
        .map_err(|e| undo(FieldError::whole(e.to_string())))?;
    if let Some((wanted, entry, program)) = &job.autostart
        && *wanted != crate::autostart::is_enabled(entry)
    {
        let changed = if *wanted {
            crate::autostart::enable(entry, program)
        } else {
            crate::autostart::disable(entry)
        };
        changed.map_err(|e| {
            FieldError::whole(format!(
                "The settings were saved, but the autostart entry {} could not be changed: {e}",
                entry.display()
            ))
        })?;
    }
    Ok(Saved {
        config: job.new,
        gateway,
    })
}
