#!/usr/bin/env python3
"""The load generator and report of bench/run (standard library only).

bench/run sets up both servers and calls this script; its subcommands:

  users        the test users of a mode, one a line (both servers get the same)
  passwd-file  Dovecot's passwd-file of those users: PBKDF2-HMAC-SHA256 with 65,536
               iterations in SCRAM-SHA-256's form, the hash Postrider's Directory stores
  now          the wall clock in seconds (start-to-ready figures)
  ready        waits until a server accepts connections on all its ports; records the time
  run          the workloads, each against both servers in turn, then the table

Every figure is one JSON line in the results file: workload, server, value, unit, round.
The clients are bounded: one process, a fixed number of sessions (smtp-source's 10 for SMTP
in, one at a time for the rest), every read under a timeout. SMTP inbound load comes from
Postfix's smtp-source, a client neither side wrote; submission, POP3 and IMAP are spoken here
over plain sockets (smtplib for submission), reading replies the way a client must (every
line, IMAP literals by their length) and nothing more, so the client's own work stays small
next to the server's.
"""
import argparse
import base64
import hashlib
import hmac
import json
import os
import queue
import random
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
# session reads the first inbound mailbox (1,000 x 1 KB); IMAP reads the largest 1 KB one.
MODES = {
    'quick': dict(inbound=[('in1k', 'smtp-in 1KB x1000', 1024, 1000),
                           ('in100k', 'smtp-in 100KB x200', 102400, 200)],
                  imap_box='in1k', submissions=30, logins=10, body_fetches=200,
                  searches=5, body_searches=2, idles=5),
    'full': dict(inbound=[('in1k', 'smtp-in 1KB x1000', 1024, 1000),
                          ('in100k', 'smtp-in 100KB x1000', 102400, 1000),
                          ('in1k10k', 'smtp-in 1KB x10000', 1024, 10000)],
                 imap_box='in1k10k', submissions=200, logins=20, body_fetches=500,
                 searches=20, body_searches=3, idles=20),
}
SESSIONS = 10           # concurrent SMTP sessions of smtp-source
SERVERS = ('postrider', 'peer')
LABELS = {'postrider': 'Postrider', 'peer': 'Postfix+Dovecot'}
HIGHER_IS_BETTER = {'msg/s', 'ops/s'}


def users(mode, rounds):
    m = MODES[mode]
    names = [f'{wid}-r{r}' for wid, _, _, _ in m['inbound'] for r in range(1, rounds + 1)]
    return names + ['sender', 'subsink', 'idle']


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
    def __init__(self, name, ports, maildir, pidfiles):
        self.name, self.ports, self._maildir, self.pidfiles = name, ports, maildir, pidfiles

    def maildir(self, user):
        return self._maildir.format(user=user)

    def count(self, user):
        """Messages in the user's INBOX: files in new/ and cur/ (a missing folder is 0)."""
        n = 0
        for sub in ('new', 'cur'):
            try:
                n += len(os.listdir(os.path.join(self.maildir(user), sub)))
            except FileNotFoundError:
                pass
        return n

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
                       [e['PF_SPOOL'] + '/pid/master.pid', e['DC_RUN'] + '/master.pid']),
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

def smtp_inbound(srv, res, label, user, size, count, rnd):
    settle()
    peak_rss = peak_pss = 0.0
    cmd = ['smtp-source', '-4', '-d', '-s', str(SESSIONS), '-m', str(count), '-l', str(size),
           '-M', 'client.example.net', '-f', 'load@example.net', '-t', f'{user}@{DOMAIN}',
           '-S', 'bench load', f'127.0.0.1:{srv.ports["smtp"]}']
    poll = max(0.01, count / 200000)     # listing 10,000 names takes ~3 ms: keep it a few %
    next_mem = 0.0
    cpu0 = srv.cpu()
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    accepted = done = None
    n, last_n, last_change = 0, 0, t0
    while True:
        now = time.monotonic()
        if now >= next_mem:
            rss, pss = srv.memory()
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            next_mem = now + 0.25
        if accepted is None and proc.poll() is not None:
            accepted = now
        n = srv.count(user)
        if n >= count:
            done = time.monotonic()
            break
        if n != last_n:
            last_n, last_change = n, now
        elif accepted is not None and now - last_change > STALL:
            break
        time.sleep(poll)
    proc.wait()
    cpu = srv.cpu() - cpu0
    err = proc.stderr.read().decode(errors='replace').strip()
    if proc.returncode != 0:
        res.error(label, srv.name, rnd, f'smtp-source exit {proc.returncode}: {err[-300:]}')
    if done is None:
        res.lost(label, srv.name, rnd, count, n)
        return
    if n > count:
        res.error(label, srv.name, rnd, f'{n} messages delivered, {count} sent (duplicates)')
    res.add(label, srv.name, count / (done - t0), 'msg/s', rnd,
            seconds=round(done - t0, 3),
            accepted_seconds=round((accepted or done) - t0, 3))
    res.add('server CPU per message, ' + label, srv.name, 1000 * cpu / count, 'ms', rnd)
    res.add('peak RSS during ' + label, srv.name, peak_rss, 'MiB', rnd)
    res.add('peak PSS during ' + label, srv.name, peak_pss, 'MiB', rnd)
    res.lost(label, srv.name, rnd, count, n)


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


def imap_round(srv, res, user, password, expected, sizes, rnd, warmup=False):
    """LOGIN, SELECT, UID FETCH 1:* (FLAGS), body FETCH, SEARCH on one large folder."""
    ctx = tls_context()
    add = (lambda *a: None) if warmup else res.add
    big = f'{expected:,}'
    lat = []
    for _ in range(sizes['logins']):
        t0 = time.perf_counter()
        c = Imap(srv.ports['imap'])
        c.open(user, password, ctx)
        lat.append(time.perf_counter() - t0)
        c.logout()
    add('IMAP connect+STARTTLS+LOGIN p50', srv.name, 1000 * percentile(lat, 50), 'ms', rnd)

    c = Imap(srv.ports['imap'])
    try:
        c.open(user, password, ctx)
        t0 = time.perf_counter()
        n = exists(c.command('SELECT INBOX'))
        add(f'IMAP SELECT ({big} messages)', srv.name, 1000 * (time.perf_counter() - t0), 'ms', rnd)
        if n != expected:
            raise RuntimeError(f'SELECT says {n} EXISTS, {expected} were delivered')
        t0 = time.perf_counter()
        flags = c.command('UID FETCH 1:* (FLAGS)')
        add(f'IMAP UID FETCH 1:* (FLAGS) ({big})', srv.name,
            1000 * (time.perf_counter() - t0), 'ms', rnd)
        if len(flags) != expected:
            raise RuntimeError(f'UID FETCH 1:* (FLAGS) gave {len(flags)} lines for {expected}')
        pick = random.Random(rnd)
        seqs = [pick.randint(1, n) for _ in range(sizes['body_fetches'])]
        t0 = time.perf_counter()
        for s in seqs:
            c.command(f'FETCH {s} BODY.PEEK[]')
        add('IMAP FETCH n BODY.PEEK[] (random n)', srv.name,
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


# --- the run -------------------------------------------------------------------------------

def in_turn(rnd):
    """Both servers, the first alternating between rounds so neither always goes first."""
    return SERVERS if rnd % 2 else tuple(reversed(SERVERS))


def guarded(res, label, srv, rnd, fn, *args, **kw):
    try:
        fn(*args, **kw)
    except Exception as e:       # a failed workload is recorded; the others still run
        res.error(label, srv.name, rnd, repr(e))


def meta(res, mode, rounds):
    """The first line of a results file: when, where and what ran."""
    def out(*cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except OSError:
            return ''
    cpu = next((l.split(':', 1)[1].strip() for l in open('/proc/cpuinfo')
                if l.startswith('model name')), '')
    info = dict(date=time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()), mode=mode,
                rounds=rounds, cpus=os.cpu_count(), cpu=cpu, kernel=os.uname().release,
                memory_mib=os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') >> 20,
                postfix=out('postconf', '-dh', 'mail_version'),
                dovecot=out('dovecot', '--version'),
                postrider=os.environ.get('POSTRIDER_REVISION', ''))
    res.f.write(json.dumps(dict(meta=info)) + '\n')
    res.f.flush()


def run(args):
    m = MODES[args.mode]
    srvs = servers()
    res = Results(args.results)
    password = os.environ['PASSWORD']

    print('memory at rest', flush=True)
    for name in SERVERS:
        rss, pss = srvs[name].memory()
        res.add('RSS at rest', name, rss, 'MiB', 1)
        res.add('PSS at rest', name, pss, 'MiB', 1)

    for wid, label, size, count in m['inbound']:
        print(label, flush=True)
        for rnd in range(1, args.rounds + 1):
            for name in in_turn(rnd):
                srv = srvs[name]
                guarded(res, label, srv, rnd, smtp_inbound, srv, res, label, f'{wid}-r{rnd}',
                        size, count, rnd)

    print('submission', flush=True)
    for name in SERVERS:
        guarded(res, 'submission', srvs[name], 0, submission, srvs[name], res, 5, 0, password,
                warmup=True)
    for rnd in range(1, args.rounds + 1):
        for name in in_turn(rnd):
            guarded(res, 'submission', srvs[name], rnd, submission, srvs[name], res,
                     m['submissions'], rnd, password)

    pop_user, pop_count = 'in1k-r1', m['inbound'][0][3]
    print(f'POP3 ({pop_user}: {pop_count} messages; one untimed session first)', flush=True)
    label = f'POP3 session STLS+UIDL+RETR x{pop_count}'
    for name in SERVERS:
        guarded(res, label, srvs[name], 0, pop3_session, srvs[name], pop_user, password,
                pop_count)
    for rnd in range(1, args.rounds + 1):
        for name in in_turn(rnd):
            srv = srvs[name]
            try:
                settle()
                seconds, n, _ = pop3_session(srv, pop_user, password, pop_count)
                res.add(label, name, n / seconds, 'msg/s', rnd, seconds=round(seconds, 3))
            except Exception as e:
                res.error(label, name, rnd, repr(e))

    imap_user = m['imap_box'] + '-r1'
    imap_count = next(c for wid, _, _, c in m['inbound'] if wid == m['imap_box'])
    print(f'IMAP ({imap_user}: {imap_count} messages; one untimed pass first)', flush=True)
    for name in SERVERS:
        guarded(res, 'IMAP', srvs[name], 0, imap_round, srvs[name], res, imap_user, password,
                imap_count, m, 0, warmup=True)
    for rnd in range(1, args.rounds + 1):
        for name in in_turn(rnd):
            settle()
            guarded(res, 'IMAP', srvs[name], rnd, imap_round, srvs[name], res, imap_user,
                    password, imap_count, m, rnd)

    print('IDLE', flush=True)
    for rnd in range(1, args.rounds + 1):
        for name in in_turn(rnd):
            guarded(res, 'IDLE', srvs[name], rnd, idle_latency, srvs[name], res, m['idles'],
                    rnd, password)

    res.f.close()
    return report(args.results)


def report(path):
    figures, order, errors, lost = {}, [], [], []
    for line in open(path):
        rec = json.loads(line)
        if 'meta' in rec:
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
                figures[key] = {s: [] for s in SERVERS}
                order.append(key)
            figures[key][rec['server']].append(value)
        if rec['workload'].endswith(' lost') and rec['value'] > 0:
            lost.append(rec)
    rows = []
    for key in order:
        workload, unit = key
        if workload.endswith(' lost'):
            continue
        med = {s: statistics.median(v) if v else None for s, v in figures[key].items()}
        p, f = med['postrider'], med['peer']
        ratio = '-' if p is None or not f else f'{p / f:.2f}' if p / f >= 0.1 else f'{p / f:.3f}'
        better = 'higher' if unit in HIGHER_IS_BETTER else 'lower'
        rows.append((workload, unit, fmt(p), fmt(f), ratio, better))
    head = ('workload', 'unit', LABELS['postrider'], LABELS['peer'], 'ratio P/peer', 'better')
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    out = ['| ' + ' | '.join(str(c).ljust(w) for c, w in zip(head, widths)) + ' |',
           '|' + '|'.join('-' * (w + 2) for w in widths) + '|']
    out += ['| ' + ' | '.join(str(c).ljust(w) for c, w in zip(r, widths)) + ' |' for r in rows]
    table = '\n'.join(out)
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
        if name == 'passwd-file':
            p.add_argument('--password', required=True)
        if name in ('meta', 'ready', 'run'):
            p.add_argument('--results', required=True)
        if name == 'ready':
            p.add_argument('--server', choices=SERVERS, required=True)
            p.add_argument('--since', type=float, required=True)
    sub.add_parser('now')
    p = sub.add_parser('report')
    p.add_argument('results')
    args = ap.parse_args()
    if args.cmd == 'users':
        print('\n'.join(users(args.mode, args.rounds)))
    elif args.cmd == 'passwd-file':
        for u in users(args.mode, args.rounds):
            print(f'{u}@{DOMAIN}:{scram_sha256(args.password)}')
    elif args.cmd == 'now':
        print(f'{time.time():.3f}')
    elif args.cmd == 'meta':
        meta(Results(args.results), args.mode, args.rounds)
    elif args.cmd == 'ready':
        ready(args)
    elif args.cmd == 'run':
        sys.exit(run(args))
    elif args.cmd == 'report':
        sys.exit(report(args.results))


if __name__ == '__main__':
    main()
