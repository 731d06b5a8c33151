//! The `fastgpt-mock` binary: a thin CLI over `fastgpt_mock::spawn_on`.

use std::io::{Read, Write};
use std::net::ToSocketAddrs;
use std::process::ExitCode;

use fastgpt_mock::{spawn_on, MockConfig, DEFAULT_KEY};

const USAGE: &str =
    "usage: fastgpt-mock [--port N] [--host HOST] [--key K]... [--heartbeat-ms N] [--exit-on-stdin-eof] [--verbose]";

fn main() -> ExitCode {
    let mut port: u16 = 3000;
    let mut host = "127.0.0.1".to_string();
    let mut keys = Vec::new();
    let mut config = MockConfig::default();
    let mut exit_on_eof = false;

    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg, None),
        };
        let mut value = |name: &str| inline.clone().or_else(|| args.next()).ok_or(format!("{name} needs a value"));
        let result: Result<(), String> = (|| {
            match flag.as_str() {
                "--port" => port = value("--port")?.parse().map_err(|e| format!("--port: {e}"))?,
                "--host" => host = value("--host")?,
                "--key" => keys.push(value("--key")?),
                "--heartbeat-ms" => {
                    config.heartbeat_ms =
                        value("--heartbeat-ms")?.parse().map_err(|e| format!("--heartbeat-ms: {e}"))?
                }
                "--exit-on-stdin-eof" => exit_on_eof = true,
                "--verbose" => config.verbose = true,
                "-h" | "--help" => {
                    println!("{USAGE}");
                    std::process::exit(0);
                }
                other => return Err(format!("unknown option {other}")),
            }
            Ok(())
        })();
        if let Err(e) = result {
            eprintln!("fastgpt-mock: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    config.keys = if keys.is_empty() { vec![DEFAULT_KEY.to_string()] } else { keys };

    let addr = match (host.as_str(), port).to_socket_addrs().map(|mut a| a.next()) {
        Ok(Some(a)) => a,
        _ => {
            eprintln!("fastgpt-mock: cannot resolve --host {host}");
            return ExitCode::from(2);
        }
    };
    let server = match spawn_on(addr, config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("fastgpt-mock: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The first stdout line is the contract with the scripts that start us.
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", server.base_url());
    let _ = out.flush();
    drop(out);

    if exit_on_eof {
        let mut sink = [0u8; 256];
        let mut stdin = std::io::stdin().lock();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
        drop(server);
        return ExitCode::SUCCESS;
    }
    // SIGINT/SIGTERM keep their default action: the process ends.
    loop {
        std::thread::park();
    }
}
