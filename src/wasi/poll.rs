//! `poll_oneoff`: wait for clock timeouts and descriptor readiness.
//!
//! Host descriptors are polled with `ppoll`; in-memory streams (byte
//! stdin, captured output, null) are always ready. Clock subscriptions
//! become the poll timeout (the earliest one); an absolute timeout is
//! measured against the clock it names.

use super::args::u32_arg;
use super::ctx::{FdKind, WasiCtx};
use super::errno::{Errno, WasiResult};
use super::mem::GuestMem;
use super::sys;
use super::types::{filetype, rights};
use crate::engine::Val;
use std::os::fd::AsRawFd;
use std::time::Duration;

const EVENTTYPE_CLOCK: u8 = 0;
const EVENTTYPE_FD_READ: u8 = 1;
const EVENTTYPE_FD_WRITE: u8 = 2;
const SUBCLOCKFLAGS_ABSTIME: u16 = 1;
const SUBSCRIPTION_SIZE: u32 = 48;
const EVENT_SIZE: u32 = 32;

/// One event to report: userdata, error, type, bytes available.
struct Event {
    userdata: u64,
    error: Errno,
    kind: u8,
    nbytes: u64,
}

enum Sub {
    Clock { userdata: u64, deadline: Duration },
    Fd { userdata: u64, kind: u8, fd: u32 },
}

pub fn poll_oneoff(cx: &mut WasiCtx, mem: &mut GuestMem<'_>, a: &[Val]) -> WasiResult {
    let (inp, out, n, nevents) = (u32_arg(a, 0), u32_arg(a, 1), u32_arg(a, 2), u32_arg(a, 3));
    if n == 0 {
        return Err(Errno::INVAL);
    }
    mem.slice(inp, n.checked_mul(SUBSCRIPTION_SIZE).ok_or(Errno::FAULT)?)?;
    mem.slice(out, n.checked_mul(EVENT_SIZE).ok_or(Errno::FAULT)?)?;
    let start = sys::clock_time(1)?;
    let mut subs = Vec::with_capacity(n as usize);
    let mut events = Vec::new();
    for i in 0..n {
        let s = inp + i * SUBSCRIPTION_SIZE;
        let userdata = mem.read_u64(s)?;
        let tag = mem.read_u8(s + 8)?;
        match tag {
            EVENTTYPE_CLOCK => {
                let id = mem.read_u32(s + 16)?;
                let timeout = mem.read_u64(s + 24)?;
                let flags = mem.read_u16(s + 40)?;
                let wait = if flags & SUBCLOCKFLAGS_ABSTIME != 0 {
                    match sys::clock_time(id) {
                        Ok(now) => timeout.saturating_sub(now),
                        Err(e) => {
                            events.push(Event {
                                userdata,
                                error: e,
                                kind: tag,
                                nbytes: 0,
                            });
                            continue;
                        }
                    }
                } else {
                    if let Err(e) = sys::clock_time(id) {
                        events.push(Event {
                            userdata,
                            error: e,
                            kind: tag,
                            nbytes: 0,
                        });
                        continue;
                    }
                    timeout
                };
                subs.push(Sub::Clock {
                    userdata,
                    deadline: Duration::from_nanos(start.saturating_add(wait)),
                });
            }
            EVENTTYPE_FD_READ | EVENTTYPE_FD_WRITE => {
                let fd = mem.read_u32(s + 16)?;
                subs.push(Sub::Fd {
                    userdata,
                    kind: tag,
                    fd,
                });
            }
            _ => return Err(Errno::INVAL),
        }
    }
    // Descriptors: bad ones and in-memory streams answer at once.
    let mut pollfds = Vec::new();
    let mut polled = Vec::new();
    for sub in &subs {
        let Sub::Fd { userdata, kind, fd } = *sub else {
            continue;
        };
        let entry = match cx.get(fd, rights::POLL_FD_READWRITE) {
            Ok(e) => e,
            Err(err) => {
                events.push(Event {
                    userdata,
                    error: err,
                    kind,
                    nbytes: 0,
                });
                continue;
            }
        };
        match &entry.kind {
            FdKind::Host(f) => {
                let nbytes =
                    if entry.filetype == filetype::REGULAR_FILE && kind == EVENTTYPE_FD_READ {
                        let mut g = f;
                        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                        let pos = std::io::Seek::stream_position(&mut g).unwrap_or(len);
                        len.saturating_sub(pos)
                    } else {
                        0
                    };
                pollfds.push(libc::pollfd {
                    fd: f.as_raw_fd(),
                    events: if kind == EVENTTYPE_FD_READ {
                        libc::POLLIN
                    } else {
                        libc::POLLOUT
                    },
                    revents: 0,
                });
                polled.push((userdata, kind, nbytes));
            }
            FdKind::Bytes(c) => events.push(Event {
                userdata,
                error: Errno::SUCCESS,
                kind,
                nbytes: (c.get_ref().len() as u64).saturating_sub(c.position()),
            }),
            _ => events.push(Event {
                userdata,
                error: Errno::SUCCESS,
                kind,
                nbytes: 0,
            }),
        }
    }
    let earliest = subs
        .iter()
        .filter_map(|s| match s {
            Sub::Clock { deadline, .. } => Some(*deadline),
            _ => None,
        })
        .min();
    loop {
        let now = Duration::from_nanos(sys::clock_time(1)?);
        let timeout = if !events.is_empty() {
            Some(Duration::ZERO)
        } else {
            earliest.map(|d| d.saturating_sub(now))
        };
        if !pollfds.is_empty() {
            sys::ppoll(&mut pollfds, timeout)?;
        } else if let Some(t) = timeout {
            std::thread::sleep(t);
        } else {
            // Nothing can ever happen: every subscription was answered.
            break;
        }
        for (p, &(userdata, kind, nbytes)) in pollfds.iter().zip(&polled) {
            if p.revents == 0 {
                continue;
            }
            let error = if p.revents & libc::POLLNVAL != 0 {
                Errno::BADF
            } else {
                Errno::SUCCESS
            };
            events.push(Event {
                userdata,
                error,
                kind,
                nbytes,
            });
        }
        let now = Duration::from_nanos(sys::clock_time(1)?);
        for sub in &subs {
            if let Sub::Clock { userdata, deadline } = *sub {
                if deadline <= now {
                    events.push(Event {
                        userdata,
                        error: Errno::SUCCESS,
                        kind: EVENTTYPE_CLOCK,
                        nbytes: 0,
                    });
                }
            }
        }
        if !events.is_empty() {
            break;
        }
    }
    events.truncate(n as usize);
    for (i, ev) in events.iter().enumerate() {
        let mut b = [0u8; EVENT_SIZE as usize];
        b[0..8].copy_from_slice(&ev.userdata.to_le_bytes());
        b[8..10].copy_from_slice(&ev.error.0.to_le_bytes());
        b[10] = ev.kind;
        if ev.kind != EVENTTYPE_CLOCK {
            b[16..24].copy_from_slice(&ev.nbytes.to_le_bytes());
        }
        mem.write(out + i as u32 * EVENT_SIZE, &b)?;
    }
    mem.write_u32(nevents, events.len() as u32)
}
