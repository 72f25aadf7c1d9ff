package org.postrider.pop3;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.postrider.api.directory.Directory;
import org.postrider.api.store.MailStore;
import org.postrider.kit.service.ServiceSlot;
import org.postrider.lineserver.Connection;
import org.postrider.lineserver.ListenerConfig;
import org.postrider.lineserver.ListenerGroup;
import org.postrider.lineserver.SessionHandler;
import org.postrider.lineserver.TlsMode;
import org.postrider.pop3.command.Apop;
import org.postrider.pop3.command.Auth;
import org.postrider.pop3.command.Capa;
import org.postrider.pop3.command.Dele;
import org.postrider.pop3.command.ListCmd;
import org.postrider.pop3.command.Noop;
import org.postrider.pop3.command.Pass;
import org.postrider.pop3.command.Pop3Command;
import org.postrider.pop3.command.Quit;
import org.postrider.pop3.command.Retr;
import org.postrider.pop3.command.Rset;
import org.postrider.pop3.command.Stat;
import org.postrider.pop3.command.Stls;
import org.postrider.pop3.command.Top;
import org.postrider.pop3.command.Uidl;
import org.postrider.pop3.command.UserCmd;

/**
 * The POP3 server: a listener with STLS and one with implicit TLS, both on the shared line
 * server, serving the Information Store to users the Directory authenticates. Store and
 * directory are bound dynamically: while one is being updated, logins get a temporary error.
 */
@Component(immediate = true, service = {}, configurationPid = "org.postrider.pop3")
@Designate(ocd = Pop3Config.class)
public class Pop3Service implements SessionHandler {
    private final Pop3Config config;
    private final String serverName;
    private final Map<String, Pop3Command> commands = new LinkedHashMap<>();
    private final ListenerGroup listeners;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile Directory directory;

    /** Waited for across a store's replacement, so a session does not fail in the gap. */
    private final ServiceSlot<MailStore> store = new ServiceSlot<>();

    @Activate
    public Pop3Service(BundleContext context, Pop3Config config) throws IOException, GeneralSecurityException {
        this.config = config;
        String n = context.getProperty("postrider.server.name");
        this.serverName = n != null ? n : "athena";
        for (Pop3Command c : List.of(new Capa(), new Stls(), new UserCmd(), new Pass(), new Auth(), new Apop(),
                new Stat(), new ListCmd(), new Uidl(), new Retr(), new Top(), new Dele(), new Noop(), new Rset(),
                new Quit())) {
            commands.put(c.keyword(), c);
        }
        // One session per user over both ports: RFC 1939's exclusive maildrop lock.
        this.listeners = new ListenerGroup(context, ListenerConfig.from("POP3", config).withMaxPerUser(1), serverName);
        listeners.open(new ListenerGroup.Port("pop3", config.port(), TlsMode.STARTTLS, this),
                new ListenerGroup.Port("pop3s", config.tlsPort(), TlsMode.IMPLICIT, this));
    }

    @Deactivate
    void deactivate() {
        store.close(); // a session waiting for a store ends its command now, within the stop's grace
        listeners.close();
    }

    @Override
    public void serve(Connection connection) throws IOException {
        new Pop3Session(connection, this).run();
    }

    @Override
    public String refusal(String reason) {
        return "-ERR [SYS/TEMP] " + reason;
    }

    Map<String, Pop3Command> commands() {
        return commands;
    }

    Pop3Config config() {
        return config;
    }

    String serverName() {
        return serverName;
    }

    Directory directory() {
        return directory;
    }

    /** The store bound now, or its replacement if one comes within the wait; null if none came. */
    MailStore store() {
        return store.awaitReplacement();
    }

    @Reference(name = "store", cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY, unbind = "unbindStore")
    void bindStore(MailStore s) {
        store.bind(s);
    }

    void unbindStore(MailStore s) {
        store.unbind(s);
    }
}
