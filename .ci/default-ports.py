#!/usr/bin/env python3
"""The server started by `./postrider start` answers on its embedded default ports, as the
README lists them: SMTP 2525, submission 2587 and 2465, POP3 2110 and 2995, IMAP 2143 and
2993 (STARTTLS offered, LOGINDISABLED before it; implicit TLS), the internal transport 2700."""
import imaplib, poplib, smtplib, socket, ssl, sys

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
HOST = '127.0.0.1'
failed = []


def check(name, fn):
    try:
        fn()
        print(f'{name}: ok')
    except Exception as e:  # every port is checked; the run fails at the end if one did
        failed.append(name)
        print(f'{name}: FAILED: {e!r}')


def imap_starttls():
    m = imaplib.IMAP4(HOST, 2143)
    caps = m.capabilities
    assert 'STARTTLS' in caps and 'LOGINDISABLED' in caps, caps
    m.starttls(ssl_context=ctx)
    assert 'LOGINDISABLED' not in m.capability()[1][0].decode().split()
    m.logout()


def imaps():
    m = imaplib.IMAP4_SSL(HOST, 2993, ssl_context=ctx)
    assert 'IMAP4REV1' in m.capabilities, m.capabilities
    m.logout()


def pop3():
    p = poplib.POP3(HOST, 2110)
    p.stls(context=ctx)
    p.quit()


def pop3s():
    poplib.POP3_SSL(HOST, 2995, context=ctx).quit()


def smtp(port):
    def run():
        s = smtplib.SMTP(HOST, port, timeout=10)
        s.ehlo('ci.example')
        assert s.has_extn('starttls'), s.esmtp_features
        s.quit()
    return run


def smtps():
    s = smtplib.SMTP_SSL(HOST, 2465, context=ctx, timeout=10)
    s.ehlo('ci.example')
    s.quit()


def internal():
    socket.create_connection((HOST, 2700), timeout=10).close()


check('smtp 2525', smtp(2525))
check('submission 2587', smtp(2587))
check('submissions 2465', smtps)
check('pop3 2110', pop3)
check('pop3s 2995', pop3s)
check('imap 2143', imap_starttls)
check('imaps 2993', imaps)
check('internal 2700', internal)
sys.exit(1 if failed else 0)
