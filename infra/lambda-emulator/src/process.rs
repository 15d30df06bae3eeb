//! [`FunctionProcess`]: one function binary running against a [`RuntimeApi`], as Lambda runs it.
//!
//! The process gets a clean environment: the variables Lambda sets for every function
//! (`AWS_LAMBDA_RUNTIME_API`, `AWS_LAMBDA_FUNCTION_NAME`, memory size, version, log group and
//! stream, `_HANDLER`, `LAMBDA_TASK_ROOT`, `TZ`), then the caller's (the template's variables and
//! AWS credentials), and nothing inherited from the test process, so a test passes only with
//! what the template would give. Its stdout and stderr are kept line by line (logs, EMF lines).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::runtime_api::RuntimeApi;

/// The memory size the emulated functions report (the template's `MemorySize`).
pub const MEMORY_MB: u32 = 256;

/// A running function binary. Killed when dropped.
pub struct FunctionProcess {
    name: String,
    binary: PathBuf,
    child: Child,
    started: Instant,
    output: Arc<Mutex<Vec<String>>>,
    /// The stdout and stderr collectors; they end when the process closes its pipes.
    readers: Vec<JoinHandle<()>>,
}

impl FunctionProcess {
    /// Starts `binary` as the function `name`, talking to `api`, with `env` on top of Lambda's
    /// own variables. `api` is told the function's name for the ARNs it hands out.
    pub fn spawn(
        binary: &Path,
        name: &str,
        api: &RuntimeApi,
        env: &[(String, String)],
    ) -> std::io::Result<Self> {
        api.set_function_name(name);
        let task_root = binary
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("/"));
        let mut command = Command::new(binary);
        command
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.address())
            .env("AWS_LAMBDA_FUNCTION_NAME", name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", MEMORY_MB.to_string())
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
            .env(
                "AWS_LAMBDA_LOG_STREAM_NAME",
                "2026/11/21/[$LATEST]0123456789abcdef",
            )
            .env("AWS_EXECUTION_ENV", "AWS_Lambda_provided.al2023")
            .env("_HANDLER", "bootstrap")
            .env("LAMBDA_TASK_ROOT", task_root)
            .env("TZ", ":UTC")
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let started = Instant::now();
        let mut child = command.spawn()?;
        let output = Arc::new(Mutex::new(Vec::new()));
        let mut readers = Vec::new();
        if let Some(stdout) = child.stdout.take() {
            readers.push(collect_lines(stdout, output.clone()));
        }
        if let Some(stderr) = child.stderr.take() {
            readers.push(collect_lines(stderr, output.clone()));
        }
        Ok(Self {
            name: name.to_owned(),
            binary: binary.to_path_buf(),
            child,
            started,
            output,
            readers,
        })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn binary(&self) -> &Path {
        &self.binary
    }

    /// When the process was started (just before `spawn`).
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Everything the function wrote so far, stdout and stderr interleaved by arrival.
    pub fn output(&self) -> Vec<String> {
        self.output
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// The output as one text, for assertion messages.
    pub fn output_text(&self) -> String {
        self.output().join("\n")
    }

    /// Peak resident memory so far, in KiB (`VmHWM` in `/proc/{pid}/status`); `None` once the
    /// process has exited or where `/proc` does not exist.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let pid = self.child.id()?;
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// Waits for the process to exit (after a failed start) and returns its exit code, with
    /// everything it wrote collected: the exit can be seen before the last lines are read.
    pub async fn wait_exit(&mut self) -> std::io::Result<Option<i32>> {
        let code = self.child.wait().await?.code();
        for reader in self.readers.drain(..) {
            // A reader ends at end of file; one that panicked has nothing more to add.
            let _ = reader.await;
        }
        Ok(code)
    }

    /// Stops the process (SIGKILL, as Lambda freezes and later discards an environment).
    pub async fn stop(mut self) -> std::io::Result<()> {
        self.child.kill().await
    }

    /// Stops the process and returns everything it wrote, read to the end: a line printed just
    /// before an invocation's answer may not have been read yet when the answer arrives.
    pub async fn finish(mut self) -> std::io::Result<Vec<String>> {
        self.child.kill().await?;
        self.wait_exit().await?;
        Ok(self.output())
    }
}

fn collect_lines(
    stream: impl AsyncRead + Unpin + Send + 'static,
    into: Arc<Mutex<Vec<String>>>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            into.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(line);
        }
    })
}
