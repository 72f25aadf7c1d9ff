package org.postrider.lineserver;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import org.postrider.kit.text.Durations;

/**
 * The settings every line protocol's listeners share, read once from the protocol's
 * metatype configuration. Metatype annotations cannot inherit and each protocol has its own
 * defaults and wording, so each protocol's {@code @ObjectClassDefinition} declares these keys
 * (the one place each default lives); what they mean, how they are parsed and how they make
 * listeners and the TLS certificate source lives here, once:
 *
 * <pre>
 * ListenerConfig common = ListenerConfig.from("POP3", config);
 * </pre>
 *
 * <p>The keys, by the element names of the configuration annotation: {@code bind},
 * {@code maxConnections}, {@code maxPerAddress}, {@code maxPerUser} (optional: without it,
 * no per-user limit unless the protocol sets one with {@link #withMaxPerUser}),
 * {@code maxCommandLine}, {@code idleTimeout}, {@code preLoginIdleTimeout},
 * {@code commandDeadline}, {@code authFailureDelay}, {@code maxPasswordChecks},
 * {@code passwordCheckWait}, {@code maxBadCommands}, {@code shutdownGrace},
 * {@code allowPlaintextAuth}, and {@code tls.certificate}, {@code tls.key},
 * {@code tls.keystore}, {@code tls.password} (elements {@code tls_certificate}...).
 *
 * @param protocol "SMTP", "POP3", "IMAP"
 */
public record ListenerConfig(String protocol, String bind, int maxConnections, int maxPerAddress, int maxPerUser,
        int maxCommandLine, Duration idleTimeout, Duration preLoginIdleTimeout, Duration commandDeadline,
        Duration authFailureDelay, int maxPasswordChecks, Duration passwordCheckWait, int maxBadCommands,
        Duration shutdownGrace, boolean allowPlaintextAuth, String tlsCertificate, String tlsKey, String tlsKeystore,
        String tlsPassword) {

    /** Where the self-signed certificate is kept when none is configured. */
    public static final Path SELF_SIGNED_DIR = Path.of("data/tls");

    /**
     * Reads the shared keys from a protocol's configuration (the component property type DS
     * gave the component). A key missing from it, of the wrong type, or a duration that does
     * not parse is refused here, naming the key, so the component fails to activate at once.
     */
    public static ListenerConfig from(String protocol, Object config) {
        Keys k = new Keys(config);
        return new ListenerConfig(protocol, k.text("bind"), k.integer("maxConnections"), k.integer("maxPerAddress"),
                k.has("maxPerUser") ? k.integer("maxPerUser") : Integer.MAX_VALUE, k.integer("maxCommandLine"),
                k.duration("idleTimeout"), k.duration("preLoginIdleTimeout"), k.duration("commandDeadline"),
                k.duration("authFailureDelay"), k.integer("maxPasswordChecks"), k.duration("passwordCheckWait"),
                k.integer("maxBadCommands"), k.duration("shutdownGrace"), k.bool("allowPlaintextAuth"),
                k.text("tls_certificate"), k.text("tls_key"), k.text("tls_keystore"), k.text("tls_password"));
    }

    /** The same with a fixed per-user limit (POP3: one session, RFC 1939's exclusive maildrop lock). */
    public ListenerConfig withMaxPerUser(int max) {
        return new ListenerConfig(protocol, bind, maxConnections, maxPerAddress, max, maxCommandLine, idleTimeout,
                preLoginIdleTimeout, commandDeadline, authFailureDelay, maxPasswordChecks, passwordCheckWait,
                maxBadCommands, shutdownGrace, allowPlaintextAuth, tlsCertificate, tlsKey, tlsKeystore, tlsPassword);
    }

    /** One listener's settings: these values on {@code bind} and {@code port}. */
    public ListenerSettings listener(String name, int port, TlsMode tls) {
        return new ListenerSettings(name, protocol, new InetSocketAddress(bind, port), tls, maxConnections,
                maxPerAddress, maxPerUser, maxCommandLine, idleTimeout, preLoginIdleTimeout, commandDeadline,
                shutdownGrace, authFailureDelay, maxPasswordChecks, passwordCheckWait);
    }

    /**
     * The certificate source the {@code tls.*} keys name (PEM pair or keystore), or a
     * self-signed certificate for {@code hostName} kept in {@code selfSignedDir}
     * ({@link #SELF_SIGNED_DIR} in the server).
     */
    public TlsCertificates certificates(Path selfSignedDir, String hostName)
            throws IOException, GeneralSecurityException {
        return TlsCertificates.of(tlsCertificate, tlsKey, tlsKeystore, tlsPassword, selfSignedDir, hostName);
    }

    @Override
    public String toString() { // never the keystore password
        return protocol + " listeners on " + bind + " (" + maxConnections + " connections, " + maxPerAddress
                + " per address)";
    }

    /** Reads the elements of a configuration annotation by name. */
    private record Keys(Object config) {
        boolean has(String key) {
            return method(key) != null;
        }

        String text(String key) {
            return get(key, String.class);
        }

        int integer(String key) {
            return get(key, Integer.class);
        }

        boolean bool(String key) {
            return get(key, Boolean.class);
        }

        Duration duration(String key) {
            try {
                return Durations.parse(text(key));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name(key) + ": " + e.getMessage(), e);
            }
        }

        private <T> T get(String key, Class<T> type) {
            Method m = method(key);
            if (m == null) {
                throw new IllegalArgumentException(config + " has no " + name(key));
            }
            Object v;
            try {
                v = m.invoke(config);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalArgumentException("cannot read " + name(key), e);
            }
            if (!type.isInstance(v)) {
                throw new IllegalArgumentException(name(key) + " is not a " + type.getSimpleName());
            }
            return type.cast(v);
        }

        /** The element on the annotation interface (DS hands over a proxy implementing it). */
        private Method method(String key) {
            for (Class<?> i : config.getClass().getInterfaces()) {
                try {
                    return i.getMethod(key);
                } catch (NoSuchMethodException e) {
                    // try the next interface
                }
            }
            return null;
        }

        /** The configuration key: DS maps a single underscore in an element name to a dot. */
        private static String name(String key) {
            return key.replace('_', '.');
        }
    }
}
