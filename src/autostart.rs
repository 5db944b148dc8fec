//! Starting counterqr when the shop's user logs in: an XDG autostart entry
//! (`~/.config/autostart/counterqr.desktop`), written or removed from the settings panel.
//! Desktops that follow the XDG autostart spec (GNOME, KDE, Xfce, LXQt, Cinnamon, MATE) run it.

use std::path::{Path, PathBuf};

/// The entry's file name.
pub const FILE_NAME: &str = "counterqr.desktop";

/// Where this user's autostart entry goes: `$XDG_CONFIG_HOME/autostart/counterqr.desktop`.
pub fn default_path() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|dirs| dirs.config_dir().join("autostart").join(FILE_NAME))
}

/// Whether the entry at `path` exists and is not switched off.
pub fn is_enabled(path: &Path) -> bool {
    std::fs::read_to_string(path).is_ok_and(|text| {
        !text
            .lines()
            .any(|l| l.trim().eq_ignore_ascii_case("Hidden=true"))
    })
}

/// The entry's text, starting `program`.
pub fn entry(program: &Path) -> String {
    // Desktop-entry quoting: the path in double quotes, with `"`, `` ` ``, `$` and `\` escaped.
    let mut quoted = String::from("\"");
    for c in program.display().to_string().chars() {
        if matches!(c, '"' | '`' | '$' | '\\') {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('"');
    format!(
        "[Desktop Entry]\n\
         Type=Application\n\
         Name=counterqr\n\
         Comment=Open the counter's payment display at login\n\
         Exec={quoted}\n\
         Icon=counterqr\n\
         Terminal=false\n\
         X-GNOME-Autostart-enabled=true\n"
    )
}

/// Writes the entry at `path`, starting `program`.
pub fn enable(path: &Path, program: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(path, entry(program))?;
    tracing::info!(path = %path.display(), "autostart entry written");
    Ok(())
}

/// Removes the entry at `path`; one that is not there is already disabled.
pub fn disable(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {
            tracing::info!(path = %path.display(), "autostart entry removed");
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enable_writes_a_desktop_entry_and_disable_removes_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("autostart").join(FILE_NAME);
        assert!(!is_enabled(&path));
        enable(&path, Path::new("/opt/counter qr/bin/counterqr")).expect("written");
        assert!(is_enabled(&path));
        let text = std::fs::read_to_string(&path).expect("read");
        assert!(text.starts_with("[Desktop Entry]\n"));
        assert!(text.contains("Exec=\"/opt/counter qr/bin/counterqr\"\n"));
        disable(&path).expect("removed");
        assert!(!is_enabled(&path));
        disable(&path).expect("removing twice is fine");
    }

    #[test]
    fn a_hidden_entry_counts_as_disabled_and_paths_are_escaped() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join(FILE_NAME);
        std::fs::write(&path, "[Desktop Entry]\nHidden=true\n").expect("write");
        assert!(!is_enabled(&path));
        assert!(entry(Path::new("/a$b\"c")).contains("Exec=\"/a\\$b\\\"c\""));
    }
}
