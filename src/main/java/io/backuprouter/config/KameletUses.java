package io.backuprouter.config;

import io.backuprouter.values.Suggestions;
import java.io.IOException;
import java.io.Reader;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Finds the uses of given kamelets in a route file ({@code uri: kamelet:NAME} with a
 * {@code parameters} map, or {@code kamelet:NAME?a=b} inline), with the line of every parameter,
 * so that jobs and mirrors declared in routes can be read and checked without starting Camel.
 */
public final class KameletUses {
    private KameletUses() {
    }

    /** One kamelet use: the route file, the line, the kamelet and its parameters with their lines. */
    public record Declaration(String file, int line, String kamelet, Map<String, String> parameters, Map<String, Integer> lines,
                              Map<String, Integer> around, Map<String, Integer> repeated) {
        public Declaration(String file, int line, String kamelet, Map<String, String> parameters, Map<String, Integer> lines) {
            this(file, line, kamelet, parameters, lines, Map.of(), Map.of());
        }

        /**
         * Problems for keys beside the kamelet's {@code uri} or its route's {@code from} that are
         * among the kamelet's own parameters: misplaced (indented wrongly), they would be ignored.
         */
        public List<ConfigProblem> misplaced(List<Setting> settings) {
            List<ConfigProblem> problems = new ArrayList<>();
            // YAML parsers keep the last of a repeated key; which one was meant is not for this tool to guess.
            repeated.forEach((key, keyLine) -> problems.add(new ConfigProblem(file, keyLine, key, "given twice for kamelet:"
                    + kamelet + " (line " + line + ")", "keep the one you mean")));
            around.forEach((key, keyLine) -> {
                if (!key.equals("from") && !key.equals("to") && settings.stream().anyMatch(s -> s.name().equals(key))) {
                    problems.add(new ConfigProblem(file, keyLine, key, "outside the parameters of kamelet:" + kamelet
                            + " (line " + line + "), so it would be ignored", "indent it under that kamelet's parameters:"));
                }
            });
            return problems;
        }
    }

    /** Every use of the kamelets in the folder's {@code *.yaml} files, in file order; a listing failure is a problem. */
    public static List<Declaration> findAll(Path routesDir, List<String> kamelets, List<ConfigProblem> problems) {
        List<Declaration> found = new ArrayList<>();
        if (!Files.isDirectory(routesDir)) {
            return found;
        }
        try (java.util.stream.Stream<Path> files = Files.list(routesDir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                found.addAll(find(file, kamelets));
            }
        } catch (IOException e) {
            problems.add(new ConfigProblem(routesDir.toString(), 0, null, "cannot be listed: " + e.getMessage(), null));
        }
        return found;
    }

    /** The kamelets this router ships; a use of a name close to one of them is a typo. */
    public static final List<String> SHIPPED = List.of("backup-on-change", "backup-on-schedule", "backup-run",
            "mirror-on-schedule", "mirror-run");

    /** Uses of kamelets that do not exist but whose names are close to a shipped one (typos). */
    public static List<ConfigProblem> misspelt(Path routesDir) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (Declaration use : findAll(routesDir, null, problems)) {
            if (!SHIPPED.contains(use.kamelet())) {
                String closest = Suggestions.closest(use.kamelet(), SHIPPED);
                if (closest != null) {
                    problems.add(new ConfigProblem(use.file(), use.line(), null, "unknown kamelet \"" + use.kamelet() + "\"",
                            "did you mean kamelet:" + closest + "? shipped kamelets: " + String.join(", ", SHIPPED)));
                }
            }
        }
        return problems;
    }

    /** Uses of the named kamelets in one file; {@code null} names mean every kamelet. */
    public static List<Declaration> find(Path file, List<String> kamelets) {
        List<Declaration> found = new ArrayList<>();
        Node root;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = new Yaml(new LoaderOptions()).compose(reader);
        } catch (IOException | RuntimeException e) {
            return found; // syntax errors are reported by the route file check, with their line
        }
        walk(file.toString(), root, kamelets, found);
        return found;
    }

    private static void walk(String file, Node node, List<String> kamelets, List<Declaration> found) {
        walk(file, node, kamelets, found, Map.of());
    }

    /**
     * {@code outer}: for a route, the keys beside {@code route:} in its list item; for a route's
     * {@code from}, those and the keys beside {@code from} in the route.
     */
    private static void walk(String file, Node node, List<String> kamelets, List<Declaration> found, Map<String, Integer> outer) {
        if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(child -> walk(file, child, kamelets, found));
        } else if (node instanceof MappingNode mapping) {
            ScalarNode uri = null;
            MappingNode parameters = null;
            for (NodeTuple tuple : mapping.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                if (key.equals("uri") && tuple.getValueNode() instanceof ScalarNode value) {
                    uri = value;
                } else if (key.equals("parameters") && tuple.getValueNode() instanceof MappingNode value) {
                    parameters = value;
                }
                walk(file, tuple.getValueNode(), kamelets, found, inherited(mapping, key, outer));
            }
            if (uri == null) {
                for (NodeTuple tuple : mapping.getValue()) {
                    String key = tuple.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                    if ((key.equals("to") || key.equals("from")) && tuple.getValueNode() instanceof ScalarNode value) {
                        declaration(file, value, null, kamelets, inherited(mapping, key, outer)).ifPresent(found::add);
                    }
                }
            } else {
                declaration(file, uri, parameters, kamelets, keysBesides(mapping, "uri", outer)).ifPresent(found::add);
            }
        }
    }

    /** What the value under {@code key} inherits: beside route:, its keys; beside from:, those and its route's. */
    private static Map<String, Integer> inherited(MappingNode mapping, String key, Map<String, Integer> outer) {
        return switch (key) {
            case "route" -> keysBesides(mapping, "route", Map.of());
            case "from" -> keysBesides(mapping, "from", outer);
            default -> Map.of();
        };
    }

    /** The mapping's keys with their lines, but {@code key} and parameters, and then {@code plus}. */
    private static Map<String, Integer> keysBesides(MappingNode mapping, String key, Map<String, Integer> plus) {
        Map<String, Integer> keys = new LinkedHashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
            if (tuple.getKeyNode() instanceof ScalarNode k && !k.getValue().equals(key) && !k.getValue().equals("parameters")) {
                keys.put(k.getValue(), k.getStartMark().getLine() + 1);
            }
        }
        keys.putAll(plus);
        return keys;
    }

    private static Optional<Declaration> declaration(String file, ScalarNode uri, MappingNode parameters,
                                                     List<String> kamelets, Map<String, Integer> around) {
        String text = uri.getValue().trim();
        if (!text.startsWith("kamelet:")) {
            return Optional.empty();
        }
        String rest = text.substring("kamelet:".length());
        int question = rest.indexOf('?');
        String kamelet = question < 0 ? rest : rest.substring(0, question);
        int slash = kamelet.indexOf('/');
        if (slash >= 0) {
            kamelet = kamelet.substring(0, slash);
        }
        if (kamelets != null && !kamelets.contains(kamelet)) {
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, Integer> lines = new LinkedHashMap<>();
        int uriLine = uri.getStartMark().getLine() + 1;
        if (question >= 0) {
            for (String pair : rest.substring(question + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    String key = URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8);
                    values.put(key, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    lines.put(key, uriLine);
                }
            }
        }
        Map<String, Integer> repeated = new LinkedHashMap<>();
        if (parameters != null) {
            for (NodeTuple tuple : parameters.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode key && tuple.getValueNode() instanceof ScalarNode value) {
                    if (values.containsKey(key.getValue())) {
                        repeated.put(key.getValue(), key.getStartMark().getLine() + 1);
                    }
                    values.put(key.getValue(), value.getValue());
                    lines.put(key.getValue(), key.getStartMark().getLine() + 1);
                }
            }
        }
        return Optional.of(new Declaration(file, uriLine, kamelet, values, lines, around, repeated));
    }

}
