package org.postrider.kit.gogo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.util.List;
import org.apache.felix.service.command.Descriptor;
import org.junit.jupiter.api.Test;

class CommandRegistrarTest {
    public static class Sample {
        @Descriptor("add a user")
        public String userAdd(@Descriptor("the address") String address, String password) {
            return address + "/" + password;
        }

        @Descriptor("members")
        public String[] listAdd(String list, String... members) {
            return members;
        }

        @Descriptor("number")
        public long quota(long bytes) {
            return bytes;
        }
    }

    private static CommandRegistrar.Invoker invoker(String name) throws Exception {
        for (Method m : Sample.class.getMethods()) {
            if (m.getName().equals(name)) {
                return new CommandRegistrar.Invoker("dir", new Sample(), m);
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void namesAreKebabCase() {
        assertEquals("user-add", CommandRegistrar.kebab("userAdd"));
        assertEquals("reindex", CommandRegistrar.kebab("reindex"));
    }

    @Test
    void invokesWithArgumentsAndReportsUsage() throws Exception {
        assertEquals("a@b.org/pw", invoker("userAdd").execute(null, List.of("a@b.org", "pw")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> invoker("userAdd").execute(null, List.of("a@b.org")));
        assertEquals("usage: dir:user-add ADDRESS PASSWORD", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> invoker("userAdd").execute(null, List.of("a", "b", "c")));
        assertArrayEquals(new String[] {"x", "y"}, (String[]) invoker("listAdd").execute(null, List.of("l", "x", "y")));
        assertEquals(42L, invoker("quota").execute(null, List.of("42")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> invoker("quota").execute(null, List.of("x")))
                .getMessage().contains("must be a number"));
    }

    @Test
    void helpListsUsageAndDescriptions() {
        String help = CommandRegistrar.help("dir", CommandRegistrar.commandMethods(Sample.class));
        assertTrue(help.contains("dir:user-add ADDRESS PASSWORD\n    add a user\n      ADDRESS: the address"), help);
        assertTrue(help.contains("dir:list-add LIST [MEMBERS...]"), help);
    }
}
