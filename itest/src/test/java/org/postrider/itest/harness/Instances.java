package org.postrider.itest.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The harness a test class registers ({@code @RegisterExtension final Instances instances =
 * new Instances();}): it creates independent instances, and after each test stops them all,
 * and prints their logs if the test failed (JUnit notifies a TestWatcher after the
 * after-each callbacks, so the logs include the shutdown).
 */
public final class Instances implements AfterEachCallback, TestWatcher {
    private final List<Instance> created = new ArrayList<>();
    private final List<InProcessServer> inProcess = new ArrayList<>();

    /** A new instance with its own copy of the distribution and data folder, not started. */
    public Instance create(String name) throws IOException {
        Instance i = Instance.create(name);
        created.add(i);
        return i;
    }

    /** Boots an instance's framework inside this JVM. */
    public InProcessServer startInProcess(Instance instance) throws Exception {
        InProcessServer s = InProcessServer.start(instance);
        inProcess.add(s);
        return s;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        for (Instance i : created) {
            System.out.println(i.logs());
        }
        created.clear();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        created.clear();
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        created.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (InProcessServer s : inProcess) {
            s.close();
        }
        inProcess.clear();
        for (Instance i : created) {
            i.shutdown();
        }
    }

    public Optional<Instance> byName(String name) {
        return created.stream().filter(i -> i.name().equals(name)).findFirst();
    }
}
