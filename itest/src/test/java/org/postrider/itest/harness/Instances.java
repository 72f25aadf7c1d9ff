package org.postrider.itest.harness;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * The harness a test class registers ({@code @RegisterExtension final Instances instances =
 * new Instances();}): it creates independent instances, and after each test stops them all,
 * and prints their logs if the test failed (JUnit notifies a TestWatcher after the
 * after-each callbacks, so the logs include the shutdown).
 */
public final class Instances implements AfterEachCallback, AfterAllCallback, TestWatcher {
    private final List<Instance> created = new ArrayList<>();
    private final List<InProcessServer> inProcess = new ArrayList<>();
    private final boolean perClass;

    /** Instances for one test each, stopped after it. */
    public Instances() {
        this(false);
    }

    /**
     * @param perClass true to share instances across a class's tests (register the field
     *                 static); they are stopped after the last test
     */
    public Instances(boolean perClass) {
        this.perClass = perClass;
    }

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
        forget();
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
        forget();
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        forget();
    }

    private void forget() {
        if (!perClass) {
            created.clear();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        if (perClass) {
            shutdownAll();
            created.clear();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (perClass) {
            return;
        }
        for (InProcessServer s : inProcess) {
            s.close();
        }
        inProcess.clear();
        shutdownAll();
    }

    /**
     * Stops the instances at once, each on a thread of its own: a clean stop is mostly waiting
     * (sessions ending, the process exiting), and peers linked to each other let go sooner
     * when both go together.
     */
    private void shutdownAll() throws InterruptedException {
        List<Thread> stopping = new ArrayList<>();
        for (Instance i : created) {
            stopping.add(Thread.ofPlatform().name("stop-" + i.name()).start(i::shutdown));
        }
        for (Thread t : stopping) {
            t.join();
        }
    }

    public Optional<Instance> byName(String name) {
        return created.stream().filter(i -> i.name().equals(name)).findFirst();
    }
}
