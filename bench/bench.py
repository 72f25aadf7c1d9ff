#!/usr/bin/env python3
"""The load generator and report of bench/run (standard library only).

bench/run sets up both servers and calls this script; its subcommands:

  users        the test users of a mode, one a line (both servers get the same)
  passwd-file  Dovecot's passwd-file of those users: PBKDF2-HMAC-SHA256 with 65,536
               iterations in SCRAM-SHA-256's form, the hash Postrider's Directory stores
  now          the wall clock in seconds (start-to-ready figures)
  ready        waits until a server accepts connections on all its ports; records the time
  run          the workloads, each against both servers in turn, then the table
  report       the table of a results file again
  profile      a --jfr recording cut at the workloads' marks (bench/JfrWindows.java)
  groups       the workload groups an --only list selects
  dns          the DNS server of hermes, the second Postrider of the internal group

Every figure is one JSON line in the results file: workload, server, value, unit, round.
The clients are bounded: one process, a fixed number of sessions (smtp-source's 10 for SMTP
in, one at a time for the rest), every read under a timeout. SMTP inbound load comes from
Postfix's smtp-source, a client neither side wrote; submission, POP3 and IMAP are spoken here
over plain sockets (smtplib for submission), reading replies the way a client must (every
line, IMAP literals by their length) and nothing more, so the client's own work stays small
next to the server's.
"""
import argparse
import asyncio
import base64
import glob
import hashlib
import hmac
import json
import os
import queue
import random
import re
import resource
import smtplib
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time

DOMAIN = 'example.org'
TIMEOUT = 60            # seconds any single read may take
STALL = 60              # seconds without a new delivery before the rest counts as lost
SEARCH_MISS = 'needle-nowhere'
CLOCK_TICKS = os.sysconf('SC_CLK_TCK')

# What each mode runs. Inbound workloads: (id, label, message size, messages). The POP3
# session reads the first inbound mailbox (1,000 x 1 KB); IMAP reads the 1 KB ones of
# imap_boxes in turn (logins are timed on the first only).
# pop_delete: messages written into each round's mailbox of the POP3 RETR+DELE session;
# big_folders: the sizes of the folders written straight into the Maildir for SELECT and
# UID FETCH (FLAGS); idlers: IMAP sessions held open at once (idlers_peer: on the peer, where
# each is a process: 10,000 processes bog this 2-core machine down, and each costs the same,
# so the per-session row compares them); internal: 1 KB messages over
# the link between two Postriders (and over SMTP between the same two).
MODES = {
    'quick': dict(inbound=[('in1k', 'smtp-in 1KB x1000', 1024, 1000),
                           ('in100k', 'smtp-in 100KB x200', 102400, 200),
                           ('in1m', 'smtp-in 1MB x50', 1048576, 50)],
                  imap_boxes=['in1k'], submissions=30, logins=10, body_fetches=200,
                  searches=5, body_searches=2, idles=5, pop_delete=1000,
                  big_folders=[1000, 10000, 100000], idlers=10000, idlers_peer=2000,
                  internal=1000),
    'full': dict(inbound=[('in1k', 'smtp-in 1KB x1000', 1024, 1000),
                          ('in100k', 'smtp-in 100KB x1000', 102400, 1000),
                          ('in1m', 'smtp-in 1MB x200', 1048576, 200),
                          ('in1k10k', 'smtp-in 1KB x10000', 1024, 10000)],
                 imap_boxes=['in1k10k', 'in1k'], submissions=200, logins=20, body_fetches=500,
                 searches=20, body_searches=3, idles=20, pop_delete=1000,
                 big_folders=[1000, 10000, 100000], idlers=10000, idlers_peer=2000,
                 internal=2000),
}
# The workload groups, in the order they run (bench/run --only takes a comma-separated
# subset). A group fills what it reads itself when an earlier group did not: pop3 and imap
# deliver their mailbox by smtp-source, untimed, when smtp did not run.
GROUPS = ('smtp', 'submission', 'pop3', 'imap', 'imap-big', 'idle', 'idle10k', 'internal')
SESSIONS = 10           # concurrent SMTP sessions of smtp-source
SERVERS = ('postrider', 'peer')
LABELS = {'postrider': 'Postrider', 'peer': 'Postfix+Dovecot',
          'internal': 'internal link', 'smtp': 'SMTP'}
PAIRS = (('postrider', 'peer'), ('internal', 'smtp'))     # the two sides of a table's ratio
HIGHER_IS_BETTER = {'msg/s', 'ops/s'}


def users(mode, rounds):
    m = MODES[mode]
    names = [f'{wid}-r{r}' for wid, _, _, _ in m['inbound'] for r in range(1, rounds + 1)]
    names += [f'popdel-r{r}' for r in range(1, rounds + 1)]
    names += [f'big{n}' for n in m['big_folders']]
    return names + ['sender', 'subsink', 'idle', 'idlers']


def scram_sha256(password, iterations=65536):
    salt = os.urandom(16)
    salted = hashlib.pbkdf2_hmac('sha256', password.encode(), salt, iterations)
    client_key = hmac.new(salted, b'Client Key', 'sha256').digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b'Server Key', 'sha256').digest()
    b64 = lambda b: base64.b64encode(b).decode()
    return f'{{SCRAM-SHA-256}}{iterations},{b64(salt)},{b64(stored_key)},{b64(server_key)}'


# --- the two servers -------------------------------------------------------------------------

class Server:
    def __init__(self, name, ports, maildir, pidfiles, owner=None):
        self.name, self.ports, self._maildir, self.pidfiles = name, ports, maildir, pidfiles
        self.owner = owner          # (uid, gid) the mailbox files must have, None: as we run

    def maildir(self, user):
        return self._maildir.format(user=user)

    def count(self, user):
        """Messages in the user's INBOX: files in new/ and cur/ (a missing folder is 0)."""
        return count_files(self.maildir(user))

    def pids(self):
        roots = []
        for f in self.pidfiles:
            try:
                roots.append(int(open(f).read().split()[0]))
            except (OSError, ValueError, IndexError):
                pass
        return process_tree(roots)

    def cpu(self):
        """CPU seconds used so far by the server's processes, with their reaped children's."""
        ticks = 0
        for pid in self.pids():
            try:
                with open(f'/proc/{pid}/stat') as f:
                    fields = f.read().rsplit(')', 1)[1].split()
                ticks += sum(int(x) for x in fields[11:15])   # utime stime cutime cstime
            except (OSError, ValueError, IndexError):
                pass
        return ticks / CLOCK_TICKS

    def memory(self):
        """(RSS, PSS) in MiB of all the server's processes."""
        rss = pss = 0
        for pid in self.pids():
            try:
                with open(f'/proc/{pid}/smaps_rollup') as f:
                    for line in f:
                        if line.startswith('Rss:'):
                            rss += int(line.split()[1])
                        elif line.startswith('Pss:'):
                            pss += int(line.split()[1])
            except OSError:
                pass
        return rss / 1024, pss / 1024


def count_files(maildir):
    n = 0
    for sub in ('new', 'cur'):
        try:
            n += len(os.listdir(os.path.join(maildir, sub)))
        except FileNotFoundError:
            pass
    return n


def process_tree(roots):
    children = {}
    for d in os.listdir('/proc'):
        if not d.isdigit():
            continue
        try:
            with open(f'/proc/{d}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(d))
    out, stack = [], list(roots)
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


def servers():
    e = os.environ
    port = lambda k: int(e[k])
    return {
        'postrider': Server('postrider',
                            dict(smtp=port('P_SMTP'), submission=port('P_SUBMISSION'),
                                 pop3=port('P_POP3'), imap=port('P_IMAP'),
                                 submissions=port('P_SUBMISSIONS'), pop3s=port('P_POP3S'),
                                 imaps=port('P_IMAPS')),
                            e['POSTRIDER'] + '/data/mail/' + DOMAIN + '/{user}',
                            [e['POSTRIDER'] + '/data/run/postrider.pid']),
        'peer': Server('peer',
                       dict(smtp=port('F_SMTP'), submission=port('F_SUBMISSION'),
                            pop3=port('F_POP3'), imap=port('F_IMAP'),
                            submissions=port('F_SUBMISSIONS'), pop3s=port('F_POP3S'),
                            imaps=port('F_IMAPS')),
                       e['PEER'] + '/mail/' + DOMAIN + '/{user}/Maildir',
                       [e['PF_SPOOL'] + '/pid/master.pid', e['DC_RUN'] + '/master.pid'],
                       owner=(int(e['BENCH_UID']), int(e['BENCH_GID']))),
    }


# --- results -----------------------------------------------------------------------------------

class Results:
    def __init__(self, path):
        self.path = path
        self.f = open(path, 'a')

    def add(self, workload, server, value, unit, rnd, **extra):
        rec = dict(workload=workload, server=server, value=round(value, 3), unit=unit,
                   round=rnd, **extra)
        self.f.write(json.dumps(rec) + '\n')
        self.f.flush()
        print(f'  {workload:<38} {LABELS[server]:<16} r{rnd} {value:>10.1f} {unit}', flush=True)

    def mark(self, phase, workload, server, rnd):
        """When a workload starts and ends, for bench.py profile to cut a JFR recording."""
        self.f.write(json.dumps(dict(mark=phase, workload=workload, server=server, round=rnd,
                                     at=round(time.time(), 3))) + '\n')
        self.f.flush()

    def error(self, workload, server, rnd, message):
        self.f.write(json.dumps(dict(workload=workload, server=server, round=rnd,
                                     error=message)) + '\n')
        self.f.flush()
        print(f'  {workload:<38} {LABELS[server]:<16} r{rnd} FAILED: {message}', flush=True)

    def lost(self, workload, server, rnd, sent, delivered):
        self.add(workload + ' lost', server, sent - delivered, 'messages', rnd,
                 sent=sent, delivered=delivered)


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def settle():
    """Before each timed run: dirty pages written, a moment for background work to end."""
    os.sync()
    time.sleep(1)


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE     # the run's self-signed certificate, the same for both
    return ctx


# --- SMTP inbound: smtp-source, timed to the last message in the Maildir ------------------------

def smtp_source(port, rcpt, size, count, delivered, tick=None):
    """smtp-source sends count messages of size octets to rcpt; waits until delivered()
    counts them all (or STALL seconds pass without progress after the last 250). tick() is
    called at each poll. Returns (seconds to the last delivery or None, seconds to the last
    250, messages delivered, smtp-source's error or None)."""
    cmd = ['smtp-source', '-4', '-d', '-s', str(SESSIONS), '-m', str(count), '-l', str(size),
           '-M', 'client.example.net', '-f', 'load@example.net', '-t', rcpt,
           '-S', 'bench load', f'127.0.0.1:{port}']
    poll = max(0.01, count / 200000)     # listing 10,000 names takes ~3 ms: keep it a few %
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    accepted = done = None
    n, last_n, last_change = 0, 0, t0
    while True:
        now = time.monotonic()
        if tick:
            tick(now)
        if accepted is None and proc.poll() is not None:
            accepted = now
        n = delivered()
        if n >= count:
            done = time.monotonic()
            break
        if n != last_n:
            last_n, last_change = n, now
        elif accepted is not None and now - last_change > STALL:
            break
        time.sleep(poll)
    proc.wait()
    err = proc.stderr.read().decode(errors='replace').strip()
    error = f'smtp-source exit {proc.returncode}: {err[-300:]}' if proc.returncode else None
    return (done - t0 if done else None), (accepted or done or time.monotonic()) - t0, n, error


def smtp_inbound(srv, res, label, user, size, count, rnd):
    settle()
    peak = [0.0, 0.0]
    next_mem = [0.0]

    def tick(now):
        if now >= next_mem[0]:
            rss, pss = srv.memory()
            peak[0], peak[1] = max(peak[0], rss), max(peak[1], pss)
            next_mem[0] = now + 0.25
    cpu0 = srv.cpu()
    seconds, accepted, n, error = smtp_source(srv.ports['smtp'], f'{user}@{DOMAIN}', size, count,
                                              lambda: srv.count(user), tick)
    cpu = srv.cpu() - cpu0
    if error:
        res.error(label, srv.name, rnd, error)
    if seconds is None:
        res.lost(label, srv.name, rnd, count, n)
        return
    if n > count:
        res.error(label, srv.name, rnd, f'{n} messages delivered, {count} sent (duplicates)')
    res.add(label, srv.name, count / seconds, 'msg/s', rnd, seconds=round(seconds, 3),
            accepted_seconds=round(accepted, 3))
    res.add('server CPU per message, ' + label, srv.name, 1000 * cpu / count, 'ms', rnd)
    res.add('peak RSS during ' + label, srv.name, peak[0], 'MiB', rnd)
    res.add('peak PSS during ' + label, srv.name, peak[1], 'MiB', rnd)
    res.lost(label, srv.name, rnd, count, n)


def ensure_delivered(srv, user, size, count):
    """A mailbox another group reads: delivered by smtp-source, untimed, unless it is there."""
    if srv.count(user) >= count:
        return
    _, _, n, error = smtp_source(srv.ports['smtp'], f'{user}@{DOMAIN}', size, count,
                                 lambda: srv.count(user))
    if n != count:
        raise RuntimeError(f'{user}: {n} of {count} messages delivered ({error})')


# --- submission: one session a message, one session at a time ------------------------------------

def message(sender, rcpt, subject, body_lines=12):
    body = ''.join(f'line {i} of a short message written by the benchmark.\r\n'
                   for i in range(body_lines))
    return (f'From: <{sender}>\r\nTo: <{rcpt}>\r\nSubject: {subject}\r\n'
            f'Date: {time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())}\r\n'
            f'Message-ID: <{time.time_ns()}.{random.getrandbits(32)}@client.example.net>\r\n'
            f'\r\n{body}').encode()


def submission_session(srv, password, ctx):
    sender, rcpt = f'sender@{DOMAIN}', f'subsink@{DOMAIN}'
    t0 = time.perf_counter()
    s = smtplib.SMTP('127.0.0.1', srv.ports['submission'], local_hostname='client.example.net',
                     timeout=TIMEOUT)
    try:
        s.starttls(context=ctx)
        s.ehlo('client.example.net')
        s.user, s.password = sender, password
        s.auth('PLAIN', s.auth_plain)
        s.sendmail(sender, [rcpt], message(sender, rcpt, 'submission'))
        s.quit()
    finally:
        s.close()
    return time.perf_counter() - t0


def submission(srv, res, n, rnd, password, warmup=False):
    ctx = tls_context()
    label = 'submission session (STARTTLS, AUTH PLAIN, 1 msg)'
    before = srv.count('subsink')
    lat, sent = [], 0
    if not warmup:
        settle()
    try:
        for _ in range(n):
            lat.append(submission_session(srv, password, ctx))
            sent += 1
    except (OSError, smtplib.SMTPException) as e:
        res.error(label, srv.name, rnd, f'session {sent + 1}: {e!r}')
    delivered = wait_count(srv, 'subsink', before + sent) - before
    if warmup:
        return
    if lat:
        res.add(label + ' p50', srv.name, 1000 * percentile(lat, 50), 'ms', rnd)
        res.add(label + ' p99', srv.name, 1000 * percentile(lat, 99), 'ms', rnd)
    res.lost('submission', srv.name, rnd, sent, delivered)


def wait_count(srv, user, expected):
    last, last_change = -1, time.monotonic()
    while True:
        n = srv.count(user)
        if n >= expected:
            return n
        if n != last:
            last, last_change = n, time.monotonic()
        elif time.monotonic() - last_change > STALL:
            return n
        time.sleep(0.05)


def filled_message(user, i, size=1024):
    """Message i of a mailbox written straight into the Maildir: about size octets, CRLF."""
    head = (f'Return-Path: <load@example.net>\r\nFrom: <load@example.net>\r\n'
            f'To: <{user}@{DOMAIN}>\r\nSubject: filled message {i}\r\n'
            f'Date: Mon, 30 Nov 2026 06:{i // 60 % 60:02d}:{i % 60:02d} +0000\r\n'
            f'Message-ID: <fill-{i}.{user}@client.example.net>\r\n\r\n')
    line = 'filler text of a message written by the benchmark into the Maildir.\r\n'
    body = line * max(1, (size - len(head)) // len(line))
    return (head + body).encode()


def fill(srv, user, count, size=1024):
    """Writes count messages straight into the user's Maildir cur/ (seen by neither server
    yet: both index foreign Maildir files when the folder is next opened). Not fsynced one
    by one; settle() syncs before anything is timed. Returns the messages now there."""
    top = srv.maildir(user)
    made = []
    d = top
    while not os.path.isdir(d):            # the user's folders the server has not made yet
        made.append(d)
        d = os.path.dirname(d)
    for sub in ('cur', 'new', 'tmp'):
        os.makedirs(os.path.join(top, sub), exist_ok=True)
    chown = (lambda path: os.chown(path, *srv.owner)) if srv.owner else (lambda path: None)
    for d in made + [os.path.join(top, sub) for sub in ('cur', 'new', 'tmp')]:
        chown(d)
    cur = os.path.join(top, 'cur')
    base = int(time.time()) - count
    for i in range(count):
        data = filled_message(user, i, size)
        name = os.path.join(cur, f'{base + i}.M{i}P{os.getpid()}.bench,S={len(data)}:2,')
        with open(name, 'wb') as f:
            f.write(data)
        chown(name)
    return srv.count(user)


# --- line clients ----------------------------------------------------------------------------

class Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(('127.0.0.1', port), timeout=TIMEOUT)
        self.f = self.sock.makefile('rb')

    def starttls(self, ctx):
        self.f.close()
        self.sock = ctx.wrap_socket(self.sock, server_hostname='bench.example.org')
        self.f = self.sock.makefile('rb')

    def send(self, line):
        self.sock.sendall(line.encode() + b'\r\n')

    def line(self):
        line = self.f.readline(1 << 20)
        if not line:
            raise EOFError('connection closed by the server')
        return line

    def close(self):
        try:
            self.f.close()
            self.sock.close()
        except OSError:
            pass


class Pop3(Conn):
    def ok(self, command=None):
        if command:
            self.send(command)
        line = self.line()
        if not line.startswith(b'+OK'):
            raise RuntimeError(f'POP3 {command.split()[0] if command else "greeting"}: {line!r}')
        return line

    def multi(self, command):
        self.ok(command)
        lines = octets = 0
        while True:
            line = self.line()
            if line == b'.\r\n':
                return lines, octets
            lines += 1
            octets += len(line)


def pop3_session(srv, user, password, expected):
    ctx = tls_context()
    t0 = time.perf_counter()
    c = Pop3(srv.ports['pop3'])
    try:
        c.ok()
        c.ok('STLS')
        c.starttls(ctx)
        c.ok(f'USER {user}@{DOMAIN}')
        c.ok(f'PASS {password}')
        n, _ = c.multi('UIDL')
        if n != expected:
            raise RuntimeError(f'UIDL lists {n} messages, {expected} were delivered')
        octets = 0
        for i in range(1, n + 1):
            octets += c.multi(f'RETR {i}')[1]
        c.ok('QUIT')
    finally:
        c.close()
    return time.perf_counter() - t0, n, octets


def pop3_timed(srv, res, label, user, password, count, rnd):
    settle()
    seconds, n, _ = pop3_session(srv, user, password, count)
    res.add(label, srv.name, n / seconds, 'msg/s', rnd, seconds=round(seconds, 3))


def pop3_open(srv, user, password, ctx):
    c = Pop3(srv.ports['pop3'])
    c.ok()
    c.ok('STLS')
    c.starttls(ctx)
    c.ok(f'USER {user}@{DOMAIN}')
    c.ok(f'PASS {password}')
    return c


def pop3_delete_session(srv, user, password, expected):
    """As a client that does not leave mail on the server: RETR and DELE of each message,
    QUIT (which removes them), timed to QUIT's reply."""
    ctx = tls_context()
    t0 = time.perf_counter()
    c = pop3_open(srv, user, password, ctx)
    try:
        n, _ = c.multi('UIDL')
        if n != expected:
            raise RuntimeError(f'UIDL lists {n} messages, {expected} were written')
        for i in range(1, n + 1):
            c.multi(f'RETR {i}')
            c.ok(f'DELE {i}')
        c.ok('QUIT')
    finally:
        c.close()
    return time.perf_counter() - t0, n


def pop3_delete(srv, res, label, user, password, count, rnd):
    """A fresh mailbox of count messages written into the Maildir; one untimed session
    (STAT, QUIT) lets the server index them; then the timed RETR+DELE session; then the
    Maildir must be empty (new/ and cur/)."""
    n = fill(srv, user, count)
    if n != count:
        raise RuntimeError(f'{n} messages in the Maildir after writing {count}')
    c = pop3_open(srv, user, password, tls_context())
    c.ok('STAT')
    c.ok('QUIT')
    c.close()
    settle()
    seconds, n = pop3_delete_session(srv, user, password, count)
    left = srv.count(user)
    res.add(label, srv.name, n / seconds, 'msg/s', rnd, seconds=round(seconds, 3))
    res.add(label + ' left in the Maildir', srv.name, left, 'messages', rnd)
    if left:
        res.error(label, srv.name, rnd, f'{left} of {count} messages still in the Maildir after QUIT')


class Imap(Conn):
    def __init__(self, port):
        super().__init__(port)
        self.tag = 0
        greeting = self.line()
        if not greeting.startswith(b'* OK'):
            raise RuntimeError(f'IMAP greeting: {greeting!r}')

    def response(self):
        """One response line with its literals read (their octets counted, not kept)."""
        line = self.line()
        parts, octets = [line], 0
        while line.endswith(b'}\r\n') and b'{' in line:
            n = int(line[line.rindex(b'{') + 1:-3].rstrip(b'+'))
            remaining = n
            while remaining:
                chunk = self.f.read(min(remaining, 1 << 16))
                if not chunk:
                    raise EOFError('connection closed in a literal')
                remaining -= len(chunk)
            octets += n
            line = self.line()
            parts.append(line)
        return b''.join(parts), octets

    def command(self, text):
        """Sends a command; returns its untagged lines. Anything but OK raises."""
        self.tag += 1
        tag = f'b{self.tag}'.encode()
        self.send(f'b{self.tag} {text}')
        untagged = []
        while True:
            line, _ = self.response()
            if line.startswith(tag + b' '):
                if not line[len(tag) + 1:].startswith(b'OK'):
                    raise RuntimeError(f'IMAP {text.split()[0]}: {line!r}')
                return untagged
            untagged.append(line)

    def open(self, user, password, ctx):
        self.command('STARTTLS')
        self.starttls(ctx)
        self.command(f'LOGIN "{user}@{DOMAIN}" "{password}"')

    def logout(self):
        try:
            self.command('LOGOUT')
        except (OSError, EOFError, RuntimeError):
            pass
        self.close()


def exists(untagged):
    for line in untagged:
        parts = line.split()
        if len(parts) >= 3 and parts[2] == b'EXISTS':
            return int(parts[1])
    return None


def imap_round(srv, res, user, password, expected, sizes, rnd, warmup=False, logins=True):
    """LOGIN (when logins), SELECT, UID FETCH 1:* (FLAGS), body FETCH, SEARCH on one folder."""
    ctx = tls_context()
    add = (lambda *a: None) if warmup else res.add
    big = f'{expected:,}'
    lat = []
    for _ in range(sizes['logins'] if logins else 0):
        t0 = time.perf_counter()
        c = Imap(srv.ports['imap'])
        c.open(user, password, ctx)
        lat.append(time.perf_counter() - t0)
        c.logout()
    if lat:
        add('IMAP connect+STARTTLS+LOGIN p50', srv.name, 1000 * percentile(lat, 50), 'ms', rnd)

    c = Imap(srv.ports['imap'])
    try:
        c.open(user, password, ctx)
        t0 = time.perf_counter()
        n = exists(c.command('SELECT INBOX'))
        add(f'IMAP SELECT ({big} messages)', srv.name, 1000 * (time.perf_counter() - t0), 'ms', rnd)
        if n != expected:
            raise RuntimeError(f'SELECT says {n} EXISTS, {expected} were delivered')
        label = f'IMAP UID FETCH 1:* (FLAGS) ({big})'
        if not warmup:                  # a window of its own in a --jfr recording
            res.mark('start', label, srv.name, rnd)
        t0 = time.perf_counter()
        flags = c.command('UID FETCH 1:* (FLAGS)')
        add(label, srv.name, 1000 * (time.perf_counter() - t0), 'ms', rnd)
        if not warmup:
            res.mark('end', label, srv.name, rnd)
        if len(flags) != expected:
            raise RuntimeError(f'UID FETCH 1:* (FLAGS) gave {len(flags)} lines for {expected}')
        pick = random.Random(rnd)
        seqs = [pick.randint(1, n) for _ in range(sizes['body_fetches'])]
        t0 = time.perf_counter()
        for s in seqs:
            c.command(f'FETCH {s} BODY.PEEK[]')
        add(f'IMAP FETCH n BODY.PEEK[] (random n of {big})', srv.name,
            len(seqs) / (time.perf_counter() - t0), 'ops/s', rnd)
        t0 = time.perf_counter()
        for _ in range(sizes['searches']):
            c.command(f'UID SEARCH SUBJECT "{SEARCH_MISS}"')
        add(f'IMAP UID SEARCH SUBJECT ({big})', srv.name,
            sizes['searches'] / (time.perf_counter() - t0), 'ops/s', rnd)
        t0 = time.perf_counter()
        for _ in range(sizes['body_searches']):
            c.command(f'UID SEARCH BODY "{SEARCH_MISS}"')
        add(f'IMAP UID SEARCH BODY ({big})', srv.name,
            sizes['body_searches'] / (time.perf_counter() - t0), 'ops/s', rnd)
    finally:
        c.logout()


def imap_big(srv, res, size, password, rnd, first):
    """SELECT and UID FETCH 1:* (FLAGS) of a folder of size messages written straight into
    the Maildir. first: the first SELECT since the files were written (the server indexes
    them then), timed on its own; then, in a new session, a warm SELECT and the FETCH."""
    ctx = tls_context()
    user, big = f'big{size}', f'{size:,}'
    if first:
        c = Imap(srv.ports['imap'])
        try:
            c.open(user, password, ctx)
            t0 = time.perf_counter()
            n = exists(c.command('SELECT INBOX'))
            res.add(f'IMAP first SELECT, {big} new files in the Maildir', srv.name,
                    1000 * (time.perf_counter() - t0), 'ms', rnd)
            if n != size:
                raise RuntimeError(f'SELECT says {n} EXISTS, {size} were written')
        finally:
            c.logout()
        settle()
    c = Imap(srv.ports['imap'])
    try:
        c.open(user, password, ctx)
        t0 = time.perf_counter()
        n = exists(c.command('SELECT INBOX'))
        res.add(f'IMAP SELECT, warm ({big} messages)', srv.name,
                1000 * (time.perf_counter() - t0), 'ms', rnd)
        if n != size:
            raise RuntimeError(f'SELECT says {n} EXISTS, {size} were written')
        t0 = time.perf_counter()
        flags = c.command('UID FETCH 1:* (FLAGS)')
        res.add(f'IMAP UID FETCH 1:* (FLAGS) ({big} messages)', srv.name,
                1000 * (time.perf_counter() - t0), 'ms', rnd)
        if len(flags) != size:
            raise RuntimeError(f'UID FETCH 1:* (FLAGS) gave {len(flags)} lines for {size}')
    finally:
        c.logout()


def idle_latency(srv, res, n, rnd, password):
    """From the 250 that ends an inbound SMTP transaction to the idling client's EXISTS."""
    ctx = tls_context()
    label = '250 -> IDLE EXISTS'
    c = Imap(srv.ports['imap'])
    seen = queue.Queue()
    lat, sent, delivered = [], 0, 0
    s = None
    try:
        c.open('idle', password, ctx)
        start = exists(c.command('SELECT INBOX')) or 0
        c.tag += 1
        c.send(f'b{c.tag} IDLE')
        line = c.line()
        if not line.startswith(b'+'):
            raise RuntimeError(f'IDLE: {line!r}')

        def reader():
            try:
                while True:
                    line = c.line()
                    parts = line.split()
                    if len(parts) >= 3 and parts[2] == b'EXISTS':
                        seen.put((time.perf_counter(), int(parts[1])))
            except (OSError, EOFError, ValueError):
                seen.put((None, None))
        threading.Thread(target=reader, daemon=True).start()
        s = smtplib.SMTP('127.0.0.1', srv.ports['smtp'], local_hostname='client.example.net',
                         timeout=TIMEOUT)
        rcpt = f'idle@{DOMAIN}'
        for i in range(n):
            time.sleep(0.2)
            s.sendmail('load@example.net', [rcpt], message('load@example.net', rcpt, f'idle {i}'))
            t250 = time.perf_counter()
            sent += 1
            while True:
                at, count = seen.get(timeout=30)
                if at is None:
                    raise RuntimeError('the IDLE connection closed')
                if count >= start + sent:
                    break
            delivered = count - start
            lat.append(max(0.0, at - t250))
    except (OSError, EOFError, RuntimeError, queue.Empty, smtplib.SMTPException) as e:
        res.error(label, srv.name, rnd, f'message {sent}: {e!r}')
    finally:
        if s:
            try:
                s.quit()
            except (OSError, smtplib.SMTPException):
                pass
        try:
            c.sock.shutdown(socket.SHUT_RDWR)   # the reader's readline returns; then close
        except OSError:
            pass
        c.close()
    if lat:
        res.add(label + ' p50', srv.name, 1000 * percentile(lat, 50), 'ms', rnd)
        res.add(label + ' max', srv.name, 1000 * max(lat), 'ms', rnd)
    res.lost('IDLE delivery', srv.name, rnd, sent, delivered)


# --- many idle IMAP sessions at once ------------------------------------------------------------

async def idler_open(port, ctx, user, password, sem):
    """One session: STARTTLS, LOGIN, SELECT INBOX, IDLE; returns its streams once idling."""
    async with sem:
        r, w = await asyncio.wait_for(asyncio.open_connection('127.0.0.1', port), TIMEOUT)
        try:
            async def tagged(tag, command):
                if command:
                    w.write(command.encode() + b'\r\n')
                while True:
                    line = await asyncio.wait_for(r.readline(), TIMEOUT)
                    if not line:
                        raise EOFError('connection closed by the server')
                    if line.startswith(tag.encode() + b' '):
                        if line.split()[1] != b'OK':
                            raise RuntimeError(f'{command.split()[1]}: {line!r}')
                        return

            greeting = await asyncio.wait_for(r.readline(), TIMEOUT)
            if not greeting.startswith(b'* OK'):
                raise RuntimeError(f'greeting: {greeting!r}')
            await tagged('s', 's STARTTLS')
            await asyncio.wait_for(w.start_tls(ctx, server_hostname='bench.example.org'), TIMEOUT)
            await tagged('l', f'l LOGIN "{user}@{DOMAIN}" "{password}"')
            await tagged('x', 'x SELECT INBOX')
            w.write(b'i IDLE\r\n')
            while True:
                line = await asyncio.wait_for(r.readline(), TIMEOUT)
                if not line:
                    raise EOFError('connection closed by the server in IDLE')
                if line.startswith(b'+'):
                    return r, w
                if line.startswith(b'i '):
                    raise RuntimeError(f'IDLE: {line!r}')
        except BaseException:
            w.close()
            raise


async def idler_done(r, w, sem):
    """Ends IDLE and checks the session still answers; then LOGOUT."""
    async with sem:
        try:
            w.write(b'DONE\r\no LOGOUT\r\n')
            ok = False
            while True:
                line = await asyncio.wait_for(r.readline(), TIMEOUT)
                if not line:
                    break
                if line.startswith(b'i OK'):
                    ok = True
                if line.startswith(b'o '):
                    break
            return ok
        finally:
            w.close()


def jcmd(pid, *command):
    exe = os.path.realpath(f'/proc/{pid}/exe')
    tool = os.path.join(os.path.dirname(exe), 'jcmd')
    out = subprocess.run([tool if os.path.exists(tool) else 'jcmd', str(pid), *command],
                         capture_output=True, text=True, timeout=120)
    return out.stdout


def heap_used(pid):
    """(used, committed) MiB of the Java heap from jcmd GC.heap_info."""
    m = re.search(r'total (?:reserved \d+K, )?committed (\d+)K, used (\d+)K', jcmd(pid, 'GC.heap_info'))
    if not m:
        m = re.search(r'total (\d+)K, used (\d+)K', jcmd(pid, 'GC.heap_info'))
    return (int(m.group(2)) / 1024, int(m.group(1)) / 1024) if m else (None, None)


def peer_many_sessions(on):
    """Dovecot's settings for 10,000 sessions of one user (bench/run writes them to
    dovecot-idle10k.conf: limits, login processes, auth cache), in force only while the
    idle10k group runs: copied to the included dovecot-extra.conf, then emptied; reloaded."""
    peer = os.environ['PEER']
    with open(os.path.join(peer, 'dovecot-extra.conf'), 'w') as f:
        if on:
            f.write(open(os.path.join(peer, 'dovecot-idle10k.conf')).read())
    subprocess.run(['dovecot', '-c', os.environ['DC_CONF'], 'reload'], check=True)
    time.sleep(2)


def idlers(srv, res, n, password, rnd, work):
    """n authenticated IMAP sessions (STARTTLS, LOGIN, SELECT INBOX, IDLE) open at once;
    the memory of all the server's processes with them open, against before."""
    label = f'{n:,} idle IMAP sessions'
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n + 100:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < n + 100:
        raise RuntimeError(f'the client may open {hard} files, {n} sessions need more')
    if srv.name == 'peer':
        peer_many_sessions(True)
    else:
        jcmd(srv.pids()[0], 'GC.run')     # the heap earlier workloads grew given back first
    settle()
    rss0, pss0 = srv.memory()
    procs0 = len(srv.pids())
    ctx = tls_context()

    async def main():
        sem = asyncio.Semaphore(64)
        t0 = time.perf_counter()
        tasks = [asyncio.ensure_future(idler_open(srv.ports['imap'], ctx, 'idlers', password, sem))
                 for _ in range(n)]
        done = await asyncio.gather(*tasks, return_exceptions=True)
        opened = [d for d in done if not isinstance(d, BaseException)]
        failed = [d for d in done if isinstance(d, BaseException)]
        seconds = time.perf_counter() - t0
        await asyncio.sleep(5)              # the server's work of the logins ends
        rss, pss = srv.memory()
        procs = len(srv.pids())
        heap = heap_live = committed = None
        if srv.name == 'postrider':
            pid = srv.pids()[0]
            heap, committed = heap_used(pid)
            jcmd(pid, 'GC.run')
            heap_live, committed = heap_used(pid)
            with open(os.path.join(work, f'idle{n}-histogram-r{rnd}.txt'), 'w') as f:
                f.write(''.join(jcmd(pid, 'GC.class_histogram').splitlines(True)[:60]))
            rss, pss = max(rss, srv.memory()[0]), max(pss, srv.memory()[1])
        sem = asyncio.Semaphore(256)
        alive = await asyncio.gather(*(idler_done(r, w, sem) for r, w in opened),
                                     return_exceptions=True)
        alive = sum(1 for a in alive if a is True)
        return opened, failed, seconds, rss, pss, procs, heap, heap_live, committed, alive

    try:
        opened, failed, seconds, rss, pss, procs, heap, live, committed, alive = asyncio.run(main())
    finally:
        if srv.name == 'peer':
            peer_many_sessions(False)
    res.add(label + ': sessions opened a second', srv.name, len(opened) / seconds, 'ops/s', rnd,
            opened=len(opened), failed=len(failed), seconds=round(seconds, 3))
    res.add(label + ': RSS of all processes', srv.name, rss, 'MiB', rnd, before=round(rss0, 1))
    res.add(label + ': PSS of all processes', srv.name, pss, 'MiB', rnd, before=round(pss0, 1))
    res.add('idle IMAP sessions: PSS per session (with them open - before)', srv.name,
            1024 * (pss - pss0) / max(1, len(opened)), 'KiB', rnd, sessions=len(opened))
    res.add(label + ': server processes', srv.name, procs, 'processes', rnd, before=procs0)
    if heap is not None:
        res.add(label + ': Java heap used', srv.name, heap, 'MiB', rnd)
        res.add(label + ': Java heap live (after a full GC)', srv.name, live, 'MiB', rnd,
                committed=round(committed, 1))
    if failed or alive != len(opened):
        kinds = {}
        for e in failed:
            kinds[repr(e)[:120]] = kinds.get(repr(e)[:120], 0) + 1
        res.error(label, srv.name, rnd, f'{len(failed)} of {n} did not open, '
                  f'{len(opened) - alive} did not answer DONE: {kinds}')
    # The server closes what we left; the next workload should not pay for it.
    deadline = time.monotonic() + 60
    while len(srv.pids()) > procs0 + 5 and time.monotonic() < deadline:
        time.sleep(0.5)


# --- Postrider to Postrider: the internal transport against SMTP -------------------------------

INTERNAL_LABEL = 'Postrider -> Postrider 1KB x{n} (10 sessions into hermes, to the last file at athena)'
# Hermes serves only this group: the first messages of a path are the first its JVM handles
# (interpreted, then compiled), and the path that ran first in a round was slower for that
# alone (129 msg/s in a first round, 235 in the third). Each path runs once before the timed
# rounds, in a row of its own.
WARMUP_LABEL = 'warm-up, first run of each path: ' + INTERNAL_LABEL
RELAY_DOMAIN = 'relay.example.com'


def internal_link(res, path, count, rnd, what=INTERNAL_LABEL):
    """smtp-source hands count messages to hermes (a second Postrider); hermes passes them to
    athena (the benchmark's Postrider) over the internal link (path 'internal': the recipient
    is a user whose home server is athena) or over SMTP (path 'smtp': an alias at hermes of
    a user of athena's domain relay.example.com, found by the benchmark's DNS); timed until
    the last is a file in athena's Maildir."""
    e = os.environ
    if path == 'internal':
        rcpt = f'ilink-r{rnd}@{DOMAIN}'
        box = f"{e['POSTRIDER']}/data/mail/{DOMAIN}/ilink-r{rnd}"
    else:
        rcpt = f'slink-r{rnd}@{DOMAIN}'
        box = f"{e['POSTRIDER']}/data/mail/{RELAY_DOMAIN}/slink-r{rnd}"
    label = what.format(n=f'{count:,}')
    settle()
    seconds, accepted, n, error = smtp_source(int(e['H_SMTP']), rcpt, 1024, count,
                                              lambda: count_files(box))
    if error:
        res.error(label, path, rnd, error)
    if seconds is not None:
        res.add(label, path, count / seconds, 'msg/s', rnd, seconds=round(seconds, 3),
                accepted_seconds=round(accepted, 3))
    res.lost(label, path, rnd, count, n)


def dns_serve(port):
    """A DNS server for hermes on loopback: every name is 127.0.0.1 (A) and its own
    exchanger (MX 10); nothing else exists. UDP, one question a query."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', port))
    while True:
        q, peer = sock.recvfrom(4096)
        try:
            i = 12
            while q[i]:
                i += q[i] + 1
            qtype = int.from_bytes(q[i + 1:i + 3], 'big')
            question = q[12:i + 5]
        except IndexError:
            continue
        if qtype == 1:                   # A
            answer = b'\xc0\x0c' + (1).to_bytes(2, 'big') + b'\x00\x01' + (60).to_bytes(4, 'big') \
                + (4).to_bytes(2, 'big') + bytes([127, 0, 0, 1])
        elif qtype == 15:                # MX: the name itself
            answer = b'\xc0\x0c' + (15).to_bytes(2, 'big') + b'\x00\x01' + (60).to_bytes(4, 'big') \
                + (4).to_bytes(2, 'big') + (10).to_bytes(2, 'big') + b'\xc0\x0c'
        else:
            answer = b''
        flags = b'\x81\x80'            # a response, recursion desired and available, NOERROR
        head = q[:2] + flags + b'\x00\x01' + (1 if answer else 0).to_bytes(2, 'big') + b'\x00\x00\x00\x00'
        sock.sendto(head + question + answer, peer)


# --- the run -------------------------------------------------------------------------------

def in_turn(rnd):
    """Both servers, the first alternating between rounds so neither always goes first."""
    return SERVERS if rnd % 2 else tuple(reversed(SERVERS))


def guarded(res, label, srv, rnd, fn, *args, **kw):
    res.mark('start', label, srv.name, rnd)
    try:
        fn(*args, **kw)
    except Exception as e:       # a failed workload is recorded; the others still run
        res.error(label, srv.name, rnd, repr(e))
    res.mark('end', label, srv.name, rnd)


def meta(res, mode, rounds, only=''):
    """The first line of a results file: when, where and what ran."""
    def out(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return ''
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo')
                if l.startswith('model name')), '')
    info = dict(date=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), mode=mode,
                rounds=rounds, groups=' '.join(g for g in GROUPS if g in parse_only(only)), cpus=os.cpu_count(), cpu=cpu, kernel=os.uname().release,
                memory_mib=os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') >> 20,
                postfix=out('postconf', '-dh', 'mail_version'),
                dovecot=out('dovecot', '--version'),
                postrider=os.environ.get('POSTRIDER_REVISION', ''))
    res.f.write(json.dumps(dict(meta=info)) + '\n')
    res.f.flush()


def run(args):
    m = MODES[args.mode]
    only = parse_only(args.only)
    srvs = servers()
    res = Results(args.results)
    password = os.environ['PASSWORD']
    work = os.path.dirname(os.path.abspath(args.results))

    print('memory at rest', flush=True)
    for name in SERVERS:
        rss, pss = srvs[name].memory()
        res.add('RSS at rest', name, rss, 'MiB', 1)
        res.add('PSS at rest', name, pss, 'MiB', 1)

    if 'smtp' in only:
        for wid, label, size, count in m['inbound']:
            print(label, flush=True)
            for rnd in range(1, args.rounds + 1):
                for name in in_turn(rnd):
                    srv = srvs[name]
                    guarded(res, label, srv, rnd, smtp_inbound, srv, res, label, f'{wid}-r{rnd}',
                            size, count, rnd)

    if 'submission' in only:
        print('submission', flush=True)
        for name in SERVERS:
            guarded(res, 'submission', srvs[name], 0, submission, srvs[name], res, 5, 0, password,
                    warmup=True)
        for rnd in range(1, args.rounds + 1):
            for name in in_turn(rnd):
                guarded(res, 'submission', srvs[name], rnd, submission, srvs[name], res,
                        m['submissions'], rnd, password)

    if 'pop3' in only:
        pop_wid, _, pop_size, pop_count = m['inbound'][0]
        pop_user = pop_wid + '-r1'
        print(f'POP3 ({pop_user}: {pop_count} messages; one untimed session first)', flush=True)
        label = f'POP3 session STLS+UIDL+RETR x{pop_count}'
        for name in SERVERS:
            guarded(res, label, srvs[name], 0, ensure_delivered, srvs[name], pop_user, pop_size,
                    pop_count)
            guarded(res, label, srvs[name], 0, pop3_session, srvs[name], pop_user, password,
                    pop_count)
        for rnd in range(1, args.rounds + 1):
            for name in in_turn(rnd):
                guarded(res, label, srvs[name], rnd, pop3_timed, srvs[name], res, label, pop_user,
                        password, pop_count, rnd)
        n = m['pop_delete']
        label = f'POP3 session STLS+UIDL+RETR+DELE x{n:,}+QUIT'
        print(f'{label} (written into the Maildir; one untimed STAT session first)', flush=True)
        for rnd in range(1, args.rounds + 1):
            for name in in_turn(rnd):
                guarded(res, label, srvs[name], rnd, pop3_delete, srvs[name], res, label,
                        f'popdel-r{rnd}', password, n, rnd)

    if 'imap' in only:
        for box in m['imap_boxes']:
            first = box == m['imap_boxes'][0]
            imap_user = box + '-r1'
            _, _, imap_size, imap_count = next(w for w in m['inbound'] if w[0] == box)
            print(f'IMAP ({imap_user}: {imap_count} messages; one untimed pass first)', flush=True)
            for name in SERVERS:
                guarded(res, 'IMAP', srvs[name], 0, ensure_delivered, srvs[name], imap_user,
                        imap_size, imap_count)
                guarded(res, 'IMAP', srvs[name], 0, imap_round, srvs[name], res, imap_user,
                        password, imap_count, m, 0, warmup=True, logins=first)
            for rnd in range(1, args.rounds + 1):
                for name in in_turn(rnd):
                    settle()
                    guarded(res, 'IMAP', srvs[name], rnd, imap_round, srvs[name], res, imap_user,
                            password, imap_count, m, rnd, logins=first)

    if 'imap-big' in only:
        sizes = m['big_folders']
        print(f'IMAP SELECT, UID FETCH (FLAGS) of {", ".join(f"{n:,}" for n in sizes)} messages '
              '(written into the Maildir)', flush=True)
        for size in sizes:
            for name in SERVERS:
                guarded(res, 'IMAP big folders', srvs[name], 0, fill, srvs[name], f'big{size}', size)
        for rnd in range(1, args.rounds + 1):
            for size in sizes:
                for name in in_turn(rnd):
                    settle()
                    guarded(res, f'IMAP {size:,} messages', srvs[name], rnd, imap_big, srvs[name],
                            res, size, password, rnd, rnd == 1)

    if 'idle' in only:
        print('IDLE', flush=True)
        for rnd in range(1, args.rounds + 1):
            for name in in_turn(rnd):
                guarded(res, 'IDLE', srvs[name], rnd, idle_latency, srvs[name], res, m['idles'],
                        rnd, password)

    if 'idle10k' in only:
        print(f'{m["idlers"]:,} idle IMAP sessions on Postrider, {m["idlers_peer"]:,} on the peer '
              '(one round)', flush=True)
        for name in in_turn(1):
            n = m['idlers'] if name == 'postrider' else m['idlers_peer']
            guarded(res, f'{n:,} idle IMAP sessions', srvs[name], 1, idlers, srvs[name], res, n,
                    password, 1, work)

    if 'internal' in only:
        n = m['internal']
        print(f'internal transport against SMTP between two Postriders, {n:,} x 1 KB', flush=True)
        for path in ('internal', 'smtp'):
            guarded(res, 'internal warm-up', Server(path, {}, '', []), 0, internal_link, res, path,
                    max(100, n // 4), 0, WARMUP_LABEL)
        for rnd in range(1, args.rounds + 1):
            for path in (('internal', 'smtp') if rnd % 2 else ('smtp', 'internal')):
                guarded(res, 'internal', Server(path, {}, '', []), rnd, internal_link, res, path,
                        n, rnd)

    res.f.close()
    return report(args.results)


def parse_only(text):
    if not text:
        return set(GROUPS)
    only = {g.strip() for g in text.split(',') if g.strip()}
    unknown = only - set(GROUPS)
    if unknown:
        sys.exit(f'unknown workload group(s) {", ".join(sorted(unknown))}; '
                 f'the groups: {", ".join(GROUPS)}')
    return only


def report(path):
    figures, order, errors, lost = {}, [], [], []
    for line in open(path):
        rec = json.loads(line)
        if 'meta' in rec or 'mark' in rec:
            continue
        if 'error' in rec:
            errors.append(rec)
            continue
        found = [((rec['workload'], rec['unit']), rec['value'])]
        if rec.get('accepted_seconds'):
            # SMTP in: the rate of acceptance (smtp-source's last 250) beside that of delivery.
            count = round(rec['value'] * rec['seconds'])
            found.append(((rec['workload'] + ', accepted (to the last 250)', rec['unit']),
                          count / rec['accepted_seconds']))
        for key, value in found:
            if key not in figures:
                figures[key] = {s: [] for s in LABELS}
                order.append(key)
            figures[key][rec['server']].append(value)
        if rec['workload'].endswith(' lost') and rec['value'] > 0:
            lost.append(rec)
    tables = []
    for a, b in PAIRS:
        rows = []
        for key in order:
            workload, unit = key
            if workload.endswith(' lost') or not (figures[key][a] or figures[key][b]):
                continue
            med = {s: statistics.median(v) if v else None for s, v in figures[key].items()}
            p, f = med[a], med[b]
            ratio = '-' if p is None or not f else f'{p / f:.2f}' if p / f >= 0.1 else f'{p / f:.3f}'
            better = 'higher' if unit in HIGHER_IS_BETTER else 'lower'
            rows.append((workload, unit, fmt(p), fmt(f), ratio, better))
        if not rows:
            continue
        head = ('workload', 'unit', LABELS[a], LABELS[b], f'ratio {LABELS[a]}/{LABELS[b]}'
                if a != 'postrider' else 'ratio P/peer', 'better')
        widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
        out = ['| ' + ' | '.join(str(c).ljust(w) for c, w in zip(head, widths)) + ' |',
               '|' + '|'.join('-' * (w + 2) for w in widths) + '|']
        out += ['| ' + ' | '.join(str(c).ljust(w) for c, w in zip(r, widths)) + ' |' for r in rows]
        tables.append('\n'.join(out))
    table = '\n\n'.join(tables)
    print(f'\nMedians over the rounds ({path}):\n')
    print(table)
    with open(path.rsplit('.', 1)[0] + '.md', 'w') as f:
        f.write(table + '\n')
    status = 0
    for rec in lost:
        print(f'LOST: {LABELS[rec["server"]]} {rec["workload"]} round {rec["round"]}: '
              f'{rec["delivered"]} of {rec["sent"]} delivered', file=sys.stderr)
        status = 1
    for rec in errors:
        print(f'FAILED: {LABELS[rec["server"]]} {rec["workload"]} round {rec["round"]}: '
              f'{rec["error"]}', file=sys.stderr)
        status = 1
    return status


# --- what bounds each figure: a JFR recording cut at the workloads' marks -----------------------

def profile(results, jfr):
    """For each workload window of Postrider (the marks in the results file): where its Java
    threads were, its fsyncs, GC pauses and waits, and its CPU against the machine's
    (bench/JfrWindows.java reads the recording; `jfr print` fails on some of its frames)."""
    homes = [os.environ.get('JAVA_HOME', '')] + sorted(glob.glob('/usr/lib/jvm/temurin-*'), reverse=True)
    java = next((os.path.join(h, 'bin', 'java') for h in homes
                 if h and os.path.exists(os.path.join(h, 'bin', 'jfr'))), 'java')
    tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'JfrWindows.java')
    return subprocess.run([java, tool, results, jfr]).returncode


def fmt(v):
    if v is None:
        return '-'
    return f'{v:,.0f}' if abs(v) >= 100 else f'{v:.1f}'


def ready(args):
    srv = servers()[args.server]
    deadline = time.time() + 120
    pending = set(srv.ports.values())
    while pending:
        for port in list(pending):
            try:
                socket.create_connection(('127.0.0.1', port), timeout=1).close()
                pending.discard(port)
            except OSError:
                pass
        if pending:
            if time.time() > deadline:
                sys.exit(f'{LABELS[args.server]}: ports {sorted(pending)} not listening after 120 s')
            time.sleep(0.02)
    Results(args.results).add('start to ready (all ports listening)', args.server,
                              1000 * (time.time() - args.since), 'ms', 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = ap.add_subparsers(dest='cmd', required=True)
    for name in ('users', 'passwd-file', 'meta', 'ready', 'run'):
        p = sub.add_parser(name)
        p.add_argument('--mode', choices=MODES, default='full')
        p.add_argument('--rounds', type=int, default=3)
        p.add_argument('--only', default='', help='comma-separated workload groups: '
                       + ', '.join(GROUPS) + ' (default all)')
        if name == 'passwd-file':
            p.add_argument('--password', required=True)
        if name in ('meta', 'ready', 'run'):
            p.add_argument('--results', required=True)
        if name == 'ready':
            p.add_argument('--server', choices=SERVERS, required=True)
            p.add_argument('--since', type=float, required=True)
    sub.add_parser('now')
    p = sub.add_parser('dns')
    p.add_argument('--port', type=int, required=True)
    p = sub.add_parser('groups')
    p.add_argument('--only', default='')
    p = sub.add_parser('report')
    p.add_argument('results')
    p = sub.add_parser('profile')
    p.add_argument('results')
    p.add_argument('jfr')
    args = ap.parse_args()
    if args.cmd == 'users':
        print('\n'.join(users(args.mode, args.rounds)))
    elif args.cmd == 'passwd-file':
        for u in users(args.mode, args.rounds):
            # idlers, the one user of the 10,000 sessions, in Dovecot's {PLAIN} scheme: that
            # workload measures memory, and Dovecot's one auth process would spend some 10
            # minutes on 10,000 PBKDF2s (its auth cache keeps the hash, not the verdict);
            # Postrider's Directory answers the repeated login from its cache of verified logins.
            pw = f'{{PLAIN}}{args.password}' if u == 'idlers' else scram_sha256(args.password)
            print(f'{u}@{DOMAIN}:{pw}')
    elif args.cmd == 'dns':
        dns_serve(args.port)
    elif args.cmd == 'groups':
        print(' '.join(g for g in GROUPS if g in parse_only(args.only)))
    elif args.cmd == 'now':
        print(f'{time.time():.3f}')
    elif args.cmd == 'meta':
        meta(Results(args.results), args.mode, args.rounds, args.only)
    elif args.cmd == 'ready':
        ready(args)
    elif args.cmd == 'run':
        sys.exit(run(args))
    elif args.cmd == 'report':
        sys.exit(report(args.results))
    elif args.cmd == 'profile':
        sys.exit(profile(args.results, args.jfr))


if __name__ == '__main__':
    main()
