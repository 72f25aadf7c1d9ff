package org.postrider.itest.directory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postrider.itest.harness.Await;
import org.postrider.itest.harness.Instance;
import org.postrider.itest.harness.Instances;
import org.postrider.itest.harness.Python;

/**
 * The file directory's cache of verified logins through the distribution: submission
 * sessions that log in again and again with the same password are served after one slow
 * hash, and a password changed with {@code dir:user-passwd} refuses the old one at once.
 */
class LoginCacheIT {
    @RegisterExtension
    static final Instances INSTANCES = new Instances(true);

    static Instance athena;
    static int submission;

    @BeforeAll
    static void start() throws Exception {
        athena = INSTANCES.create("athena");
        athena.config("org.postrider.smtp", Map.of("authFailureDelay", "100ms"));
        athena.start();
        submission = athena.listenerPort("submission");
        athena.admin("dir:user-add", "alice@example.org", "alice-pw").ok();
        athena.admin("dir:user-add", "bob@example.org", "bob-pw").ok();
    }

    private static final String SESSIONS = """
            import smtplib, ssl, sys
            ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
            def login(password):
                s = smtplib.SMTP('127.0.0.1', int(sys.argv[1])); s.starttls(context=ctx); s.ehlo()
                s.user, s.password = 'alice@example.org', password
                try:
                    return s, s.auth('PLAIN', s.auth_plain)[0]
                except smtplib.SMTPAuthenticationError as e:
                    return s, e.smtp_code
            for i in range(int(sys.argv[2])):
                s, code = login(sys.argv[3])
                print('login', code)
                if code == 235:
                    s.sendmail('alice@example.org', ['bob@example.org'], b'Subject: %d\\r\\n\\r\\nhi\\r\\n' % i)
                s.quit()
            """;

    private static String sessions(int n, String password) throws Exception {
        return Python.run(athena.home(), SESSIONS, String.valueOf(submission), String.valueOf(n), password).ok().out();
    }

    private static long stat(String name) throws Exception {
        String out = athena.admin("dir:auth-cache").ok().out();
        Matcher m = Pattern.compile(name + " (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        return Long.parseLong(m.group(1));
    }

    @Test
    void repeatedLoginsAreServedFromTheCacheAndAChangedPasswordRefusesTheOldOneAtOnce() throws Exception {
        long hits = stat("hits");
        long misses = stat("misses");
        String out = sessions(20, "alice-pw");
        assertEquals(20, out.lines().filter("login 235"::equals).count(), out);
        assertEquals(hits + 19, stat("hits"), "19 of 20 logins answered without the slow hash");
        assertEquals(misses + 1, stat("misses"), "one slow hash, the first login's");

        athena.admin("dir:user-passwd", "alice@example.org", "alice-new").ok();
        assertEquals("login 535", sessions(1, "alice-pw").strip(), "the old password is refused at once");
        assertEquals("login 235", sessions(1, "alice-new").strip());

        athena.admin("dir:user-remove", "alice@example.org").ok();
        assertEquals("login 535", sessions(1, "alice-new").strip(), "a removed user is refused at once");
        Await.until("the 21 messages sent in bob's inbox", Duration.ofSeconds(20),
                () -> athena.messages(athena.inbox("bob", "example.org")).size(), n -> n == 21);
    }
}
