//! [`FileKeyProvider`]: a 32-byte key in a file only its owner can read, for the one-machine run.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use aes_gcm::Aes256Gcm;
use rand::RngCore;
use zeroize::Zeroizing;

use super::envelope::{cipher, open_local, seal_local};
use super::{CryptoError, KEY_LEN, KeyProvider};

/// AES-256-GCM with a key kept in a local file (raw 32 bytes, mode 0600).
pub struct FileKeyProvider {
    path: PathBuf,
    cipher: Aes256Gcm,
}

impl FileKeyProvider {
    /// Loads the key at `path`, or creates a fresh random one there with mode 0600 if no file
    /// exists. An existing file readable or writable by group or others is refused, as is a file
    /// that does not hold exactly 32 bytes.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self, CryptoError> {
        let path = path.as_ref().to_path_buf();
        let key = match create_new_key_file(&path) {
            Ok(key) => key,
            // Someone (maybe a concurrent start-up) already made it: use theirs.
            Err(CryptoError::KeyFileIo { source, .. })
                if source.kind() == std::io::ErrorKind::AlreadyExists =>
            {
                read_key_file(&path)?
            }
            Err(e) => return Err(e),
        };
        let cipher = cipher(key.as_slice())?;
        tracing::debug!(path = %path.display(), "token key loaded");
        Ok(Self { path, cipher })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn io_error<'a>(path: &'a Path, operation: &'static str) -> impl FnOnce(std::io::Error) -> CryptoError + 'a {
    move |source| CryptoError::KeyFileIo {
        path: path.to_path_buf(),
        operation,
        source,
    }
}

fn create_new_key_file(path: &Path) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(io_error(path, "create"))?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    rand::rng().fill_bytes(key.as_mut_slice());
    file.write_all(key.as_slice()).map_err(io_error(path, "write"))?;
    file.sync_all().map_err(io_error(path, "sync"))?;
    tracing::info!(path = %path.display(), "created a new token key file");
    Ok(key)
}

fn read_key_file(path: &Path) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    let mut file = std::fs::File::open(path).map_err(io_error(path, "open"))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file
            .metadata()
            .map_err(io_error(path, "stat"))?
            .permissions()
            .mode()
            & 0o777;
        if mode & 0o077 != 0 {
            return Err(CryptoError::KeyFilePermissions {
                path: path.to_path_buf(),
                mode,
            });
        }
    }
    // Read one byte past a key so a longer file is noticed rather than silently truncated.
    let mut buf = Zeroizing::new(Vec::with_capacity(KEY_LEN + 1));
    (&mut file)
        .take(KEY_LEN as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(io_error(path, "read"))?;
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    if buf.len() != KEY_LEN {
        return Err(CryptoError::KeyFileLength {
            path: path.to_path_buf(),
            len: buf.len(),
        });
    }
    key.copy_from_slice(&buf);
    Ok(key)
}

impl std::fmt::Debug for FileKeyProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileKeyProvider")
            .field("path", &self.path)
            .field("key", &"[redacted]")
            .finish()
    }
}

#[async_trait::async_trait]
impl KeyProvider for FileKeyProvider {
    async fn seal(&self, plaintext: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        seal_local(&self.cipher, plaintext, aad)
    }

    async fn open(&self, sealed: &[u8], aad: &[u8]) -> Result<Vec<u8>, CryptoError> {
        open_local(&self.cipher, sealed, aad)
    }
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// A fresh directory under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            let dir = std::env::temp_dir().join(format!("ttokttok-key-test-{:016x}", rand::random::<u64>()));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn mode(path: &Path) -> u32 {
        std::fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[tokio::test]
    async fn a_new_key_file_is_created_owner_only_and_reused_next_start() {
        let dir = TempDir::new();
        let path = dir.0.join("token.key");
        let first = FileKeyProvider::open_or_create(&path).unwrap();
        assert_eq!(mode(&path), 0o600);
        assert_eq!(std::fs::read(&path).unwrap().len(), 32);

        let sealed = first.seal(b"refresh", b"admin:1").await.unwrap();
        let second = FileKeyProvider::open_or_create(&path).unwrap();
        assert_eq!(second.open(&sealed, b"admin:1").await.unwrap(), b"refresh");
    }

    #[test]
    fn a_key_file_others_can_read_is_refused() {
        let dir = TempDir::new();
        let path = dir.0.join("token.key");
        std::fs::write(&path, [1u8; 32]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let err = FileKeyProvider::open_or_create(&path).unwrap_err();
        assert!(
            matches!(err, CryptoError::KeyFilePermissions { mode: 0o644, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn a_key_file_of_the_wrong_length_is_refused() {
        let dir = TempDir::new();
        for len in [0usize, 31, 33, 64] {
            let path = dir.0.join(format!("token-{len}.key"));
            std::fs::write(&path, vec![1u8; len]).unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
            let err = FileKeyProvider::open_or_create(&path).unwrap_err();
            assert!(matches!(err, CryptoError::KeyFileLength { .. }), "{len}: {err:?}");
        }
    }

    #[test]
    fn a_missing_directory_is_an_io_error() {
        let dir = TempDir::new();
        let err = FileKeyProvider::open_or_create(dir.0.join("nope/token.key")).unwrap_err();
        assert!(
            matches!(
                err,
                CryptoError::KeyFileIo {
                    operation: "create",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn debug_prints_the_path_but_no_key() {
        let dir = TempDir::new();
        let path = dir.0.join("token.key");
        std::fs::write(&path, [0xAB; 32]).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let printed = format!("{:?}", FileKeyProvider::open_or_create(&path).unwrap());
        assert!(
            printed.contains("token.key") && printed.contains("redacted"),
            "{printed}"
        );
        assert!(!printed.contains("171"), "{printed}");
    }
}
