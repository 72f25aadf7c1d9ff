package org.postrider.itest.harness;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Installs the scripted test gateway (testing/gateway-scripted) into an instance that is not started yet. */
public final class ScriptedGateway {
    private ScriptedGateway() {
    }

    /** Configures and deploys the gateway; {@link #awaitBound} after start. */
    public static void install(Instance instance, Map<String, String> config) throws Exception {
        instance.config("org.postrider.testing.scripted", config);
        instance.deploy(Path.of(System.getProperty("postrider.fixture.scripted")), "gateway-scripted.jar");
    }

    /** Waits until the queue has bound the gateway as the agent of transport gateway:scripted. */
    public static void awaitBound(Instance instance) throws Exception {
        Await.until("the scripted gateway", Duration.ofSeconds(20),
                () -> instance.admin("gateway:list").ok().out(), o -> o.contains("gateway:scripted         bound"));
    }
}
