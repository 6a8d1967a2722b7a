package io.backuprouter.config;

import io.backuprouter.values.Suggestions;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The settings file ({@code config/application.properties}), read the way Camel reads it, with
 * the line of every key kept for error messages.
 *
 * <p>Values may hold Camel-style placeholders: {@code {{other.key}}}, {@code {{other.key:default}}},
 * {@code {{env:NAME}}}, {@code {{env:NAME:default}}}, {@code {{sys:NAME}}} and {@code {{file:PATH}}}
 * (the trimmed content of a file, e.g. a Docker secret). They are resolved here rather than by a
 * CamelContext so that one-shot commands answer without booting Camel; {@link
 * io.backuprouter.camel.FilePropertiesFunction} gives routes the same {@code file:} function.
 *
 * <p>System properties whose name starts with {@code backup.} override the file.
 */
public final class ConfigFile {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([^{}]+)}}");
    /** A key line's key, escapes included ({@code my\\:key}, as {@link Properties} reads it). */
    private static final Pattern KEY_LINE = Pattern.compile("^\\s*((?:\\\\.|[^#!\\s=:\\\\])(?:\\\\.|[^=:\\s\\\\])*)\\s*[=:\\s]");
    private static final Pattern ESCAPE = Pattern.compile("\\\\(.)");
    /** How a problem with a file named in {@code {{file:...}}} that cannot be read begins. */
    public static final String UNREADABLE_FILE = "cannot read file";

    private final String display;
    private final Path baseDir;
    private final Map<String, String> values;
    private final Map<String, Integer> lines;
    private final Function<String, String> environment;
    private final ConfigFile parent;
    private final Map<String, List<Integer>> repeated;
    /** Keys set by a -D system property, which overrides the file. */
    private final Set<String> commandLine;

    private ConfigFile(String display, Path baseDir, Map<String, String> values, Map<String, Integer> lines,
                       Function<String, String> environment, Map<String, List<Integer>> repeated, Set<String> commandLine) {
        this(display, baseDir, values, lines, environment, null, repeated, commandLine);
    }

    private ConfigFile(String display, Path baseDir, Map<String, String> values, Map<String, Integer> lines,
                       Function<String, String> environment, ConfigFile parent, Map<String, List<Integer>> repeated,
                       Set<String> commandLine) {
        this.display = display;
        this.baseDir = baseDir;
        this.values = values;
        this.lines = lines;
        this.environment = environment;
        this.parent = parent;
        this.repeated = repeated;
        this.commandLine = commandLine;
    }

    /**
     * Settings read from another file (a route file's parameters), whose {@code {{key}}}
     * placeholders also look up keys of {@code parent} (the settings file).
     */
    public static ConfigFile of(String display, Map<String, String> values, Map<String, Integer> lines, ConfigFile parent) {
        return new ConfigFile(display, Path.of(""), new LinkedHashMap<>(values), lines,
                parent == null ? System::getenv : parent.environment, parent, Map.of(), Set.of());
    }

    /** Reads a settings file; relative {@code file:} paths resolve against the working directory. */
    public static ConfigFile load(Path path) {
        Properties properties = new Properties();
        List<String> text;
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
            text = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(List.of(new ConfigProblem(path.toString(), 0, null,
                    "file not found",
                    "run from the folder that holds config/ and routes/, or name the file with --config")));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(List.of(new ConfigProblem(path.toString(), 0, null,
                    "cannot be read: " + e.getMessage(), "check the file's permissions and encoding (UTF-8)")));
        }
        Map<String, Integer> lines = new HashMap<>();
        Map<String, List<Integer>> repeated = new LinkedHashMap<>();
        boolean continued = false;
        for (int i = 0; i < text.size(); i++) {
            String line = text.get(i);
            boolean startsEntry = !continued;
            // As Properties reads it: a comment line is never continued, whatever it ends with.
            continued = (continued || !isComment(line)) && endsWithContinuation(line);
            Matcher m = KEY_LINE.matcher(line + " ");
            if (startsEntry && !isComment(line) && m.find()) {
                String key = ESCAPE.matcher(m.group(1)).replaceAll("$1");
                Integer earlier = lines.put(key, i + 1);
                if (earlier != null) {
                    repeated.computeIfAbsent(key, k -> new ArrayList<>(List.of(earlier))).add(i + 1);
                }
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        properties.stringPropertyNames().forEach(k -> values.put(k, properties.getProperty(k)));
        Set<String> commandLine = new TreeSet<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(k -> k.startsWith("backup."))
                .forEach(k -> {
                    values.put(k, System.getProperty(k));
                    commandLine.add(k);
                });
        return new ConfigFile(path.toString(), Path.of(""), values, lines, System::getenv, repeated, Set.copyOf(commandLine));
    }

    /** Keys the file sets more than once, with the lines (Java properties quietly keep the last). */
    public Map<String, List<Integer>> repeated() {
        return repeated;
    }

    /** A settings file made in memory, for tests and for commands given settings on the command line. */
    public static ConfigFile of(String display, Map<String, String> values) {
        return new ConfigFile(display, Path.of(""), new LinkedHashMap<>(values), Map.of(), System::getenv, Map.of(), Set.of());
    }

    private static boolean isComment(String line) {
        String start = line.stripLeading();
        return start.startsWith("#") || start.startsWith("!");
    }

    private static boolean endsWithContinuation(String line) {
        int backslashes = 0;
        for (int j = line.length() - 1; j >= 0 && line.charAt(j) == '\\'; j--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** A copy with one value replaced (e.g. the port an embedded endpoint actually bound). */
    public ConfigFile with(String key, String value) {
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(key, value);
        return new ConfigFile(display, baseDir, copy, lines, environment, repeated, commandLine);
    }

    /** A copy that reads {@code {{env:...}}} from the given variables (e.g. a compose file's), not the process's. */
    public ConfigFile withEnvironment(Map<String, String> variables) {
        return new ConfigFile(display, baseDir, values, lines, variables::get, repeated, commandLine);
    }

    public String display() {
        return display;
    }

    public Set<String> keys() {
        return new TreeSet<>(values.keySet());
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String raw(String key) {
        return values.get(key);
    }

    /** Whether the key's value was given on the command line (-Dkey=value), which overrides the file. */
    public boolean fromCommandLine(String key) {
        return commandLine.contains(key);
    }

    /** The 1-based line that sets the key, or 0 if it is not written in the file. */
    public int line(String key) {
        return lines.getOrDefault(key, 0);
    }

    /** The key's value with its placeholders resolved, or {@code null} when the key is absent. */
    public String resolve(String key) {
        String raw = values.get(key);
        return raw == null ? null : resolveText(raw, new ArrayDeque<>(List.of(key)));
    }

    /** Resolves innermost placeholders first, so that {{file:{{dir}}/key}} works. */
    private String resolveText(String text, Deque<String> chain) {
        String current = text;
        for (int pass = 0; pass < 8; pass++) {
            String next = resolveOnce(current, chain);
            if (next.equals(current)) {
                return next;
            }
            current = next;
        }
        return current;
    }

    private String resolveOnce(String text, Deque<String> chain) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(resolvePlaceholder(m.group(1).trim(), chain)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String resolvePlaceholder(String expression, Deque<String> chain) {
        int colon = expression.indexOf(':');
        String function = colon < 0 ? null : expression.substring(0, colon);
        if ("env".equals(function) || "sys".equals(function)) {
            String rest = expression.substring(colon + 1);
            int dflt = rest.indexOf(':');
            String name = dflt < 0 ? rest : rest.substring(0, dflt);
            String value = "env".equals(function) ? environment.apply(name) : System.getProperty(name);
            if (value != null) {
                return value;
            }
            if (dflt >= 0) {
                return rest.substring(dflt + 1);
            }
            throw new PlaceholderException(("env".equals(function) ? "environment variable " : "system property ")
                    + name + " is not set", ("env".equals(function) ? "set it where the program starts (export " + name
                    + "=...; in docker-compose.yml, under environment:)" : "set it (-D" + name + "=...)")
                    + "; only a setting that is not sensitive may give a default instead: {{" + function + ":" + name
                    + ":value}}");
        }
        if ("file".equals(function)) {
            Path path = baseDir.resolve(expression.substring(colon + 1).trim());
            try {
                return Files.readString(path, StandardCharsets.UTF_8).trim();
            } catch (IOException e) {
                throw new PlaceholderException(UNREADABLE_FILE + " \"" + path + "\" named in {{" + expression + "}}",
                        "create the file, or fix the path (relative paths start at the working directory)");
            }
        }
        String key = colon < 0 ? expression : expression.substring(0, colon);
        String raw = values.get(key);
        if (raw == null && parent != null && parent.has(key)) {
            return parent.resolve(key);
        }
        if (raw == null) {
            if (colon >= 0) {
                misspeltFunction(key, expression.substring(colon + 1));
                return expression.substring(colon + 1);
            }
            throw new PlaceholderException("refers to {{" + key + "}}, which is not set",
                    "add " + key + " to " + display + ", or give a default: {{" + key + ":value}}");
        }
        if (chain.contains(key)) {
            throw new PlaceholderException("placeholders refer to each other in a loop: "
                    + String.join(" -> ", chain) + " -> " + key, "make one of them a plain value");
        }
        chain.addLast(key);
        try {
            return resolveText(raw, chain);
        } finally {
            chain.removeLast();
        }
    }

    /**
     * {@code {{flie:config/secret-key}}} reads as "the key flie, else the text config/secret-key": a
     * path (or a variable's name) would then quietly become the value, a secret key say. Refused when
     * the unset key is a near miss of a function and the rest looks like what that function takes (a
     * path for file, a variable's name for env and sys). The message names neither the value nor the
     * rest.
     */
    private static void misspeltFunction(String key, String rest) {
        String function = null;
        if (!key.contains(".") && rest.contains("/") && Suggestions.closest(key, List.of("file")) != null) {
            function = "file";
        } else if (!key.contains(".") && rest.matches("[A-Z_][A-Z0-9_]*(:.*)?") && key.length() <= 4) {
            function = Suggestions.closest(key, List.of("env", "sys"));
        }
        if (function != null) {
            throw new PlaceholderException("{{" + key + ":...}} names no setting and no placeholder function \"" + key
                    + "\"", "did you mean {{" + function + ":...}}? (a setting's default would be used as the value)");
        }
    }

    /** A placeholder that cannot be resolved; the message never holds a resolved value. */
    public static final class PlaceholderException extends RuntimeException {
        private final String hint;

        PlaceholderException(String message, String hint) {
            super(message);
            this.hint = hint;
        }

        public String hint() {
            return hint;
        }
    }
}
