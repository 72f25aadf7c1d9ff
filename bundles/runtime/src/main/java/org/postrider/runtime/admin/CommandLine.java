package org.postrider.runtime.admin;

import java.util.List;

/**
 * Turns the admin client's arguments into one Gogo command line. One argument is taken as
 * a whole line ({@code admin "lb | grep postrider"}); several are joined, each quoted when
 * it holds characters Gogo would otherwise interpret.
 */
public final class CommandLine {
    private CommandLine() {
    }

    public static String join(List<String> args) {
        if (args.size() == 1) {
            return args.get(0);
        }
        StringBuilder sb = new StringBuilder();
        for (String a : args) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(quote(a));
        }
        return sb.toString();
    }

    static String quote(String arg) {
        if (!arg.isEmpty() && arg.chars().noneMatch(CommandLine::special)) {
            return arg;
        }
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < arg.length(); i++) {
            char c = arg.charAt(i);
            if (c == '"' || c == '\\' || c == '$') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.append('"').toString();
    }

    private static boolean special(int c) {
        return Character.isWhitespace(c) || "\"'\\$;|&<>(){}[]#=`".indexOf(c) >= 0;
    }
}
