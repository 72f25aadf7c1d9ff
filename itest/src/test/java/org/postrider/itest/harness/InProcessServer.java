package org.postrider.itest.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import org.apache.felix.main.AutoProcessor;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;

/**
 * An instance's framework booted inside the test JVM with FrameworkFactory, from the same
 * conf/, boot/, bundle/ and deploy/ that bin/postrider uses, so tests can look at bundles
 * and services directly. Relative paths of the configuration are made absolute against
 * the instance folder, as the launcher does by running there.
 */
public final class InProcessServer implements AutoCloseable {
    private static final String[] PATH_PROPERTIES = {
        "org.osgi.framework.storage", "felix.auto.deploy.dir", "felix.fileinstall.dir", "felix.cm.dir",
        "postrider.run.dir",
    };

    private final Instance instance;
    private final Framework framework;

    private InProcessServer(Instance instance, Framework framework) {
        this.instance = instance;
        this.framework = framework;
    }

    static InProcessServer start(Instance instance) throws Exception {
        Path home = instance.home();
        Properties conf = new Properties();
        try (InputStream in = Files.newInputStream(home.resolve("conf/config.properties"))) {
            conf.load(in);
        }
        Map<String, String> props = new HashMap<>();
        for (String k : conf.stringPropertyNames()) {
            props.put(k, conf.getProperty(k));
        }
        for (String k : PATH_PROPERTIES) {
            if (props.containsKey(k)) {
                props.put(k, home.resolve(props.get(k)).toString());
            }
        }
        props.computeIfPresent("felix.auto.start.1", (k, v) -> v.replace("file:boot/", home.resolve("boot") + "/")
                .replaceAll("(^|\\s)/", "$1file:/"));
        System.setProperty("logback.configurationFile", home.resolve("etc/logback.xml").toString());
        System.setProperty("postrider.log.dir", home.resolve("data/log").toString());
        Files.createDirectories(instance.runDir());

        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst().orElseThrow();
        Framework fw = factory.newFramework(props);
        fw.init();
        AutoProcessor.process(props, fw.getBundleContext());
        fw.start();
        InProcessServer server = new InProcessServer(instance, fw);
        server.awaitReady(Duration.ofSeconds(60));
        return server;
    }

    private void awaitReady(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Path marker = instance.runDir().resolve("ready");
        while (!Files.exists(marker)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("in-process server not ready after " + timeout + "\n" + instance.logs());
            }
            Thread.sleep(20);
        }
    }

    public BundleContext context() {
        return framework.getBundleContext();
    }

    /** The installed bundle with this symbolic name. */
    public Bundle bundle(String symbolicName) {
        for (Bundle b : context().getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }

    public Instance instance() {
        return instance;
    }

    @Override
    public void close() throws Exception {
        framework.stop();
        framework.waitForStop(30_000);
    }
}
