package io.backuprouter.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.backuprouter.config.ConfigException;
import io.backuprouter.config.ConfigProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Checks the YAML syntax of every route file before Camel loads them, so that a broken file is
 * reported with its name, line and column rather than as a stack trace from deep inside Camel.
 */
final class RouteFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private RouteFiles() {
    }

    static void validate(Path routesDir) {
        if (!Files.isDirectory(routesDir)) {
            throw new ConfigException(List.of(new ConfigProblem(routesDir.toString(), 0, null,
                    "routes folder not found", "run from the folder that holds config/ and routes/, or name it with --routes")));
        }
        List<ConfigProblem> problems = new ArrayList<>();
        java.util.Map<String, String> routeIds = new java.util.HashMap<>();
        try (Stream<Path> files = Files.list(routesDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                int before = problems.size();
                check(file, problems);
                if (problems.size() == before) {
                    checkRoutes(file, routeIds, problems);
                }
            }
        } catch (IOException e) {
            problems.add(new ConfigProblem(routesDir.toString(), 0, null, "cannot be listed: " + e.getMessage(), null));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
    }

    private static ConfigProblem yamlProblem(Path file, JsonProcessingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        int column = e.getLocation() == null ? 0 : e.getLocation().getColumnNr();
        String problem = e.getOriginalMessage().lines().findFirst().orElse("syntax error");
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
            problem = yaml.getProblem();
            // Where parsing gave up; when that is past the last character of the file (an unclosed quote
            // or bracket), where the broken construct starts.
            var mark = yaml.getProblemMark();
            var context = yaml.getContextMark();
            boolean pastTheEnd = mark == null || pastTheEnd(file, mark.getIndex());
            if (context != null && pastTheEnd) {
                mark = context;
            }
            if (mark != null) {
                line = mark.getLine() + 1;
                column = mark.getColumn() + 1;
            }
            if (yaml.getContext() != null) {
                problem = yaml.getContext() + (context != null && !pastTheEnd && context.getLine() + 1 != line
                        ? " that starts at line " + (context.getLine() + 1) : "") + ": " + problem;
            }
        }
        return new ConfigProblem(file.toString(), line, null,
                "not valid YAML" + (column > 0 ? " (column " + column + ")" : "") + ": " + problem,
                "check the indentation (spaces, not tabs) and the quoting around that line");
    }

    /** Whether a character index is at or past the file's last character that is not white space. */
    private static boolean pastTheEnd(Path file, int index) {
        try {
            return index >= Files.readString(file).stripTrailing().length();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * What Camel refuses at start without saying where (so that one-shot commands, which do not start
     * Camel, refuse it too): two routes with one id, and a route whose {@code from} has no steps.
     */
    private static void checkRoutes(Path file, java.util.Map<String, String> seen, List<ConfigProblem> problems) {
        try (java.io.Reader reader = Files.newBufferedReader(file)) {
            if (!(new org.yaml.snakeyaml.Yaml().compose(reader) instanceof org.yaml.snakeyaml.nodes.SequenceNode list)) {
                return;
            }
            for (org.yaml.snakeyaml.nodes.Node item : list.getValue()) {
                if (!(item instanceof org.yaml.snakeyaml.nodes.MappingNode entry)) {
                    continue;
                }
                for (var kind : entry.getValue()) {
                    if (kind.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k && k.getValue().equals("from")) {
                        checkSteps(file, kind, problems);
                    }
                    if (!(kind.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k) || !k.getValue().equals("route")
                            || !(kind.getValueNode() instanceof org.yaml.snakeyaml.nodes.MappingNode route)) {
                        continue;
                    }
                    boolean routeSteps = route.getValue().stream().anyMatch(f -> f.getKeyNode() instanceof
                            org.yaml.snakeyaml.nodes.ScalarNode key && key.getValue().equals("steps"));
                    for (var field : route.getValue()) {
                        if (!routeSteps && field.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode key
                                && key.getValue().equals("from")) {
                            checkSteps(file, field, problems);
                        }
                    }
                    for (var field : route.getValue()) {
                        if (field.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode key && key.getValue().equals("id")
                                && field.getValueNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode id) {
                            int line = id.getStartMark().getLine() + 1;
                            String earlier = seen.putIfAbsent(id.getValue(), file + ":" + line);
                            if (earlier != null) {
                                problems.add(new ConfigProblem(file.toString(), line, null, "route id \"" + id.getValue()
                                        + "\" is also used at " + earlier, "give every route its own id"));
                            }
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // The syntax check above reports files that do not parse.
        }
    }

    /** A {@code from:} whose mapping has no {@code steps}, or an empty list of them. */
    private static void checkSteps(Path file, org.yaml.snakeyaml.nodes.NodeTuple from, List<ConfigProblem> problems) {
        if (!(from.getValueNode() instanceof org.yaml.snakeyaml.nodes.MappingNode mapping)) {
            return;
        }
        boolean steps = mapping.getValue().stream().anyMatch(t -> t.getKeyNode() instanceof org.yaml.snakeyaml.nodes.ScalarNode k
                && k.getValue().equals("steps") && !(t.getValueNode() instanceof org.yaml.snakeyaml.nodes.SequenceNode list
                && list.getValue().isEmpty()));
        if (!steps) {
            problems.add(new ConfigProblem(file.toString(), from.getKeyNode().getStartMark().getLine() + 1, "from",
                    "the route has no steps, and Camel refuses a route without any",
                    "add steps: under from:, with at least one step, as the shipped routes do:\n"
                            + "      steps:\n        - log: \"${body}\"     # logs each run's summary"));
        }
    }

    private static void check(Path file, List<ConfigProblem> problems) {
        try {
            JsonNode root = YAML.readTree(file.toFile());
            if (root != null && !root.isMissingNode() && !root.isArray()) {
                problems.add(new ConfigProblem(file.toString(), 1, null,
                        "a route file must be a YAML list (entries starting with \"- route:\", \"- routeConfiguration:\", "
                                + "\"- beans:\" or \"- routeTemplate:\")", "start each entry with \"- \""));
            }
        } catch (JsonProcessingException e) {
            problems.add(yamlProblem(file, e));
        } catch (IOException e) {
            problems.add(new ConfigProblem(file.toString(), 0, null, "cannot be read: " + e.getMessage(), null));
        }
    }
}
