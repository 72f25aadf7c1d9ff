package org.postrider.runtime.log;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards OSGi Log entries (framework, SCR, FileInstall, ConfigAdmin) to SLF4J as
 * {@code osgi.<bundle>}, so that a bundle that fails to resolve shows in the log file.
 * Felix's own logback bridge forwards nothing with logback 1.5 (OSGI-STACK.md §4e).
 */
@Component(immediate = true)
public class OsgiLogBridge implements LogListener {
    private final LogReaderService reader;

    @Activate
    public OsgiLogBridge(@Reference LogReaderService reader) {
        this.reader = reader;
        reader.addLogListener(this);
    }

    @Deactivate
    void deactivate() {
        reader.removeLogListener(this);
    }

    @Override
    public void logged(LogEntry e) {
        String bsn = e.getBundle() != null ? e.getBundle().getSymbolicName() : "unknown";
        Logger log = LoggerFactory.getLogger("osgi." + bsn);
        String msg = e.getMessage();
        Throwable t = e.getException();
        switch (e.getLogLevel()) {
            case AUDIT, ERROR -> log.error(msg, t);
            case WARN -> log.warn(msg, t);
            case INFO -> log.info(msg, t);
            case DEBUG -> log.debug(msg, t);
            default -> log.trace(msg, t);
        }
    }
}
