package io.backuprouter.camel;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough PromQL to tell which metrics and labels an expression names: metric names are the
 * identifiers that are not functions, operators, keywords or label names; labels are those in
 * selectors ({@code {a="x"}}) and in {@code by}, {@code without}, {@code on} and {@code ignoring} lists.
 */
final class PromQl {
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
    private static final Pattern RANGE = Pattern.compile("\\[[^]]*]");
    private static final Pattern GROUPING = Pattern.compile("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\(([^)]*)\\)");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\w+");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern MATCHER = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "and", "or", "unless", "offset", "inf", "nan");

    private PromQl() {
    }

    /** The metric names an expression reads. */
    static Set<String> metrics(String expression) {
        String rest = VARIABLE.matcher(STRING.matcher(expression).replaceAll("\"\"")).replaceAll("0");
        rest = GROUPING.matcher(SELECTOR.matcher(RANGE.matcher(rest).replaceAll(" ")).replaceAll(" ")).replaceAll(" ");
        Set<String> names = new LinkedHashSet<>();
        Matcher identifier = IDENTIFIER.matcher(rest);
        while (identifier.find()) {
            String name = identifier.group();
            boolean function = rest.substring(identifier.end()).stripLeading().startsWith("(");
            boolean number = identifier.start() > 0 && Character.isDigit(rest.charAt(identifier.start() - 1));
            if (!function && !number && !KEYWORDS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                names.add(name);
            }
        }
        return names;
    }

    /** The label names an expression matches on or groups by. */
    static Set<String> labels(String expression) {
        String rest = STRING.matcher(expression).replaceAll("\"\"");
        Set<String> labels = new LinkedHashSet<>();
        Matcher selector = SELECTOR.matcher(rest);
        while (selector.find()) {
            for (String part : selector.group(1).split(",")) {
                Matcher matcher = MATCHER.matcher(part);
                if (matcher.lookingAt()) {
                    labels.add(matcher.group(1));
                }
            }
        }
        Matcher grouping = GROUPING.matcher(rest);
        while (grouping.find()) {
            for (String label : grouping.group(2).split(",")) {
                if (!label.isBlank()) {
                    labels.add(label.strip());
                }
            }
        }
        return labels;
    }
}
