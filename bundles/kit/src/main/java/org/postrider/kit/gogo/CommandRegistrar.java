package org.postrider.kit.gogo;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Locale;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Function;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * Publishes the {@link Descriptor}-annotated public methods of a command object as Gogo
 * commands named in kebab case ({@code userAdd} becomes {@code dir:user-add}), which Gogo's
 * own reflection cannot do, plus {@code SCOPE:commands} listing them with usage and
 * descriptions. Parameters may be {@code String}, {@code int}, {@code long},
 * {@code boolean}, a trailing {@code String...}, and a leading {@link CommandSession} for
 * commands that read standard input. A command fails by throwing; the message is what the
 * administrator sees.
 */
public final class CommandRegistrar implements AutoCloseable {
    private final List<ServiceRegistration<?>> registrations = new ArrayList<>();

    private CommandRegistrar() {
    }

    public static CommandRegistrar register(BundleContext context, String scope, Object commands) {
        CommandRegistrar r = new CommandRegistrar();
        List<Method> methods = commandMethods(commands.getClass());
        for (Method m : methods) {
            r.publish(context, scope, kebab(m.getName()), new Invoker(scope, commands, m));
        }
        // "commands", not "help": a scoped help would shadow Gogo's own unscoped help
        r.publish(context, scope, "commands", (session, args) -> help(scope, methods));
        return r;
    }

    static List<Method> commandMethods(Class<?> type) {
        List<Method> list = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Descriptor.class) && !Modifier.isStatic(m.getModifiers())) {
                list.add(m);
            }
        }
        list.sort(Comparator.comparing(Method::getName));
        return list;
    }

    private void publish(BundleContext context, String scope, String name, Function f) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.command.scope", scope);
        props.put("osgi.command.function", name);
        registrations.add(context.registerService(Function.class, f, props));
    }

    static String kebab(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('-').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    static String usage(String scope, Method m) {
        StringBuilder sb = new StringBuilder(scope).append(':').append(kebab(m.getName()));
        for (Parameter p : m.getParameters()) {
            if (p.getType() == CommandSession.class) {
                continue;
            }
            String name = p.getName().replaceAll("([A-Z])", "-$1").toUpperCase(Locale.ROOT);
            sb.append(' ').append(p.isVarArgs() ? "[" + name + "...]" : name);
        }
        return sb.toString();
    }

    static String help(String scope, List<Method> methods) {
        StringBuilder sb = new StringBuilder();
        for (Method m : methods) {
            sb.append(usage(scope, m)).append('\n');
            sb.append("    ").append(m.getAnnotation(Descriptor.class).value()).append('\n');
            for (Parameter p : m.getParameters()) {
                Descriptor d = p.getAnnotation(Descriptor.class);
                if (d != null) {
                    sb.append("      ").append(p.getName().replaceAll("([A-Z])", "-$1").toUpperCase(Locale.ROOT))
                            .append(": ").append(d.value()).append('\n');
                }
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        for (ServiceRegistration<?> r : registrations) {
            try {
                r.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the bundle is stopping and the framework unregistered it first
            }
        }
        registrations.clear();
    }

    /** Calls one command method with the arguments Gogo parsed. */
    static final class Invoker implements Function {
        private final String scope;
        private final Object target;
        private final Method method;

        Invoker(String scope, Object target, Method method) {
            this.scope = scope;
            this.target = target;
            this.method = method;
        }

        @Override
        public Object execute(CommandSession session, List<Object> arguments) throws Exception {
            Parameter[] params = method.getParameters();
            Object[] values = new Object[params.length];
            int next = 0;
            for (int i = 0; i < params.length; i++) {
                Class<?> t = params[i].getType();
                if (t == CommandSession.class) {
                    values[i] = session;
                } else if (params[i].isVarArgs()) {
                    values[i] = arguments.subList(Math.min(next, arguments.size()), arguments.size()).stream()
                            .map(String::valueOf).toArray(String[]::new);
                    next = arguments.size();
                } else {
                    if (next >= arguments.size()) {
                        throw new IllegalArgumentException("usage: " + usage(scope, method));
                    }
                    values[i] = convert(String.valueOf(arguments.get(next++)), t, params[i].getName());
                }
            }
            if (next < arguments.size()) {
                throw new IllegalArgumentException("usage: " + usage(scope, method));
            }
            try {
                return method.invoke(target, values);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            }
        }

        private static Object convert(String s, Class<?> type, String name) {
            try {
                if (type == int.class || type == Integer.class) {
                    return Integer.parseInt(s);
                }
                if (type == long.class || type == Long.class) {
                    return Long.parseLong(s);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a number, not '" + s + "'");
            }
            if (type == boolean.class || type == Boolean.class) {
                return Boolean.parseBoolean(s);
            }
            return s;
        }

        @Override
        public String toString() {
            return usage(scope, method) + " - " + Arrays.toString(method.getAnnotation(Descriptor.class).value().lines()
                    .toArray());
        }
    }
}
