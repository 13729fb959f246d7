//! A Rust HTTP service that is safe behind a Kubernetes rolling update: the standard library and
//! `signal-hook` only (a tiny HTTP/1.1 server with keep-alive, enough for GET). Traffic on PORT, probes on
//! MANAGEMENT_PORT (/readyz, /livez). On SIGTERM: readiness fails, every answer says Connection: close, it
//! keeps serving for SHUTDOWN_DELAY_SECONDS while routers stop sending, then stops accepting, waits for
//! the connections still open (idle or stuck ones time out after IDLE), and exits 0.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use std::{env, process, thread};

const IDLE: Duration = Duration::from_secs(2);

fn env_number(name: &str, fallback: u64) -> u64 {
    match env::var(name) {
        Err(_) => fallback,
        Ok(raw) => raw.parse().unwrap_or_else(|_| {
            eprintln!("{name} must be a whole number (got {raw:?})");
            process::exit(2)
        }),
    }
}

/// Reads one request head; None when the client closed, went idle past IDLE, or sent garbage.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let path = line.split_whitespace().nth(1)?.to_string();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).ok()? == 0 {
            return None;
        }
        if header == "\r\n" || header == "\n" {
            return Some(path);
        }
    }
}

fn serve(stream: TcpStream, draining: &AtomicBool, route: fn(&str, bool) -> (u16, String)) {
    stream.set_read_timeout(Some(IDLE)).ok();
    let mut writer = match stream.try_clone() {
        Ok(writer) => writer,
        Err(_) => return,
    };
    let mut reader = BufReader::new(stream);
    while let Some(path) = read_request(&mut reader) {
        let (status, body) = route(&path, draining.load(Ordering::SeqCst));
        // While draining, every answer tells keep-alive clients to reconnect (to another pod).
        let close = draining.load(Ordering::SeqCst);
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\n{}\r\n",
            if status == 200 { "OK" } else { "Service Unavailable" },
            body.len(),
            if close { "Connection: close\r\n" } else { "" }
        );
        if writer.write_all(head.as_bytes()).and_then(|_| writer.write_all(body.as_bytes())).is_err() || close {
            return;
        }
    }
}

fn traffic_route(path: &str, _draining: bool) -> (u16, String) {
    if path == "/slow" {
        thread::sleep(Duration::from_secs(3));
        return (200, "slow\n".into());
    }
    (200, "{\"hello\":\"rust\"}\n".into())
}

fn management_route(path: &str, draining: bool) -> (u16, String) {
    match path {
        "/readyz" if draining => (503, String::new()),
        "/readyz" | "/livez" => (200, String::new()),
        _ => (404, String::new()),
    }
}

fn main() {
    let port = env_number("PORT", 8080);
    let management_port = env_number("MANAGEMENT_PORT", 9090);
    // At least the time your cluster takes to stop routing new connections to a deleted pod.
    let delay = Duration::from_secs(env_number("SHUTDOWN_DELAY_SECONDS", 3));
    let signalled = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGINT] {
        signal_hook::flag::register(signal, Arc::clone(&signalled)).expect("signal handler");
    }
    let draining: &'static AtomicBool = Box::leak(Box::new(AtomicBool::new(false)));
    let open: &'static AtomicUsize = Box::leak(Box::new(AtomicUsize::new(0)));

    let management = TcpListener::bind(("127.0.0.1", management_port as u16)).expect("management port");
    thread::spawn(move || {
        for stream in management.incoming().flatten() {
            thread::spawn(move || serve(stream, draining, management_route));
        }
    });

    let traffic = TcpListener::bind(("127.0.0.1", port as u16)).expect("traffic port");
    traffic.set_nonblocking(true).expect("non-blocking listener");
    eprintln!("listening on {port} (management {management_port})");
    let mut drain_ends: Option<Instant> = None;
    loop {
        if drain_ends.is_none() && signalled.load(Ordering::SeqCst) {
            draining.store(true, Ordering::SeqCst);
            drain_ends = Some(Instant::now() + delay);
            eprintln!("draining: serving for {} s more", delay.as_secs());
        }
        if drain_ends.is_some_and(|end| Instant::now() >= end) {
            break;
        }
        match traffic.accept() {
            Ok((stream, _)) => {
                stream.set_nonblocking(false).ok();
                open.fetch_add(1, Ordering::SeqCst);
                thread::spawn(move || {
                    serve(stream, draining, traffic_route);
                    open.fetch_sub(1, Ordering::SeqCst);
                });
            }
            Err(err) if err.kind() == ErrorKind::WouldBlock => thread::sleep(Duration::from_millis(5)),
            Err(err) => eprintln!("accept: {err}"),
        }
    }
    drop(traffic); // stop accepting
    let deadline = Instant::now() + Duration::from_secs(10);
    while open.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(20));
    }
    eprintln!("stopped");
}
