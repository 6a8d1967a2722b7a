package io.backuprouter.config;

import io.backuprouter.UserException;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Every problem found in the configuration, reported together. */
public class ConfigException extends UserException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(render(sorted(problems)));
        this.problems = sorted(problems);
    }

    /** By file, then line; problems without a line come last in their file. */
    private static List<ConfigProblem> sorted(List<ConfigProblem> problems) {
        return problems.stream().sorted(Comparator.comparing(ConfigProblem::file)
                .thenComparingInt(p -> p.line() == 0 ? Integer.MAX_VALUE : p.line())).toList();
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String render(List<ConfigProblem> problems) {
        String heading = problems.size() == 1
                ? "The configuration has a problem:"
                : "The configuration has " + problems.size() + " problems:";
        return heading + "\n" + problems.stream().map(p -> "  " + p).collect(Collectors.joining("\n"));
    }
}
